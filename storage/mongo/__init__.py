"""The MongoDB store, through PyMongo's async client (for more than one process).

`store` connects, checks the schema version, creates the indexes and puts the repositories
together; each concern has its own module, as in the SQLite store: `identity`, `log`, `plans`,
`coach`, `outbox` and `coordination`.
"""

from storage.mongo.store import MongoStore

__all__ = ["MongoStore"]
