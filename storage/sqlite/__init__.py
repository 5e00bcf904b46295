"""The embedded store: SQLite through aiosqlite, WAL, versioned migrations.

`store` puts the repositories together; each concern has its own module: `identity` (users,
sealed Hevy keys, login tokens), `log` (workouts, catalogue, log version), `plans`, `coach`
(conversations, token spend), `outbox` and `coordination` (sync state, leases). `connection`
holds the database and its write lock, `schema` the migrations.
"""

from storage.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
