"""The MongoDB store: core's repository ports over PyMongo's AsyncMongoClient.

Documents are the domain models dumped with native datetimes, plus the owning `user_id`.
Single-document operations are atomic; a batch (workouts, messages) is idempotent instead, so a
standalone server without transactions is enough."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from core.errors import SchemaTooNew, StoreUnavailable
from storage.mongo.coach import MongoConversations, MongoUsage
from storage.mongo.coordination import MongoLeases, MongoSyncState
from storage.mongo.identity import MongoCredentials, MongoLoginTokens, MongoUsers
from storage.mongo.log import MongoTemplates, MongoWorkouts
from storage.mongo.outbox import MongoOutbox
from storage.mongo.plans import MongoPlans

SCHEMA_VERSION = 1
CONNECT_TIMEOUT_MS = 5000


# Collections that hold a user's data, with the field naming the user: what erasing clears
# (not `usage`: see storage/sqlite/schema.py).
_USER_COLLECTIONS: dict[str, str] = {
    "credentials": "_id",
    "workouts": "user_id",
    "templates": "_id",
    "plans": "user_id",
    "routine_links": "user_id",
    "messages": "user_id",
    "conversation_summaries": "_id",
    "outbox": "user_id",
    "sync_state": "_id",
    "login_tokens": "user_id",
    "users": "_id",
}


async def _create_indexes(db: AsyncDatabase) -> None:
    await db.workouts.create_index([("user_id", ASCENDING), ("start_time", ASCENDING)])
    await db.workouts.create_index(
        [("user_id", ASCENDING), ("exercises.template_id", ASCENDING), ("start_time", ASCENDING)]
    )
    await db.users.create_index("status")
    await db.plans.create_index([("user_id", ASCENDING), ("created_at", DESCENDING)])
    await db.routine_links.create_index([("user_id", ASCENDING), ("key", ASCENDING)], unique=True)
    await db.messages.create_index([("user_id", ASCENDING), ("seq", ASCENDING)], unique=True)
    await db.outbox.create_index("dedupe_key", unique=True)
    await db.outbox.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
    await db.outbox.create_index("user_id")
    await db.login_tokens.create_index("expires_at", expireAfterSeconds=0)
    await db.login_tokens.create_index("user_id")
    await db.usage.create_index("user_id")


def redact(url: str) -> str:
    """The URL's scheme and hosts, without credentials, path or options (safe to log)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"


class MongoStore:
    """Core's Store on a MongoDB database."""

    backend = "mongodb"

    def __init__(self, client: AsyncMongoClient, db: AsyncDatabase) -> None:
        self._client = client
        self._db = db
        self.users = MongoUsers(db)
        self.credentials = MongoCredentials(db)
        self.workouts = MongoWorkouts(db)
        self.templates = MongoTemplates(db)
        self.plans = MongoPlans(db)
        self.conversations = MongoConversations(db)
        self.outbox = MongoOutbox(db)
        self.sync_state = MongoSyncState(db)
        self.login_tokens = MongoLoginTokens(db)
        self.usage = MongoUsage(db)
        self.leases = MongoLeases(db)

    @classmethod
    async def open(cls, url: str, database: str | None = None) -> MongoStore:
        """Connect, check the server answers, refuse a newer schema, create the indexes."""
        client: AsyncMongoClient = AsyncMongoClient(
            url,
            tz_aware=True,
            tzinfo=UTC,
            serverSelectionTimeoutMS=CONNECT_TIMEOUT_MS,
            connectTimeoutMS=CONNECT_TIMEOUT_MS,
            appname="spotter",
        )
        try:
            db = client[database] if database else client.get_default_database("spotter")
            await client.admin.command("ping")
            meta = await db.meta.find_one({"_id": "schema"})
            version = (meta or {}).get("version", 0)
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"MongoDB database {db.name} has schema version {version}, newer than this "
                    f"Spotter knows ({SCHEMA_VERSION}): upgrade Spotter; nothing was changed."
                )
            await _create_indexes(db)
            await db.meta.update_one(
                {"_id": "schema"}, {"$max": {"version": SCHEMA_VERSION}}, upsert=True
            )
        except PyMongoError as exc:
            await client.close()
            raise StoreUnavailable(
                f"MongoDB at {redact(url)} did not answer within {CONNECT_TIMEOUT_MS // 1000} s "
                f"({type(exc).__name__}): check DATABASE_URL and that the server is running."
            ) from None
        except BaseException:
            await client.close()
            raise
        return cls(client, db)

    @property
    def database(self) -> AsyncDatabase:
        return self._db

    async def schema_version(self) -> int:
        meta = await self._db.meta.find_one({"_id": "schema"})
        return int((meta or {}).get("version", 0))

    async def erase_user(self, user_id: int) -> None:
        for name, field in _USER_COLLECTIONS.items():
            await self._db[name].delete_many({field: user_id})
        await self.workouts._bump(user_id)  # kept and bumped: see storage/sqlite/schema.py

    async def close(self) -> None:
        await self._client.close()
