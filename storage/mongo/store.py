"""The MongoDB store: core's repository ports over PyMongo's AsyncMongoClient.

Documents are the domain models dumped with native datetimes, plus the owning `user_id`.
Single-document operations are atomic; a batch (workouts, messages) is idempotent instead, so a
standalone server without transactions is enough.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from core.errors import SchemaTooNew, StoreUnavailable
from core.models import (
    ChatMessage,
    Conversation,
    ExerciseTemplate,
    HevyCredential,
    LoginToken,
    OutboxMessage,
    OutboxStatus,
    Plan,
    RoutineLink,
    SetRow,
    SyncState,
    TokenPurpose,
    Usage,
    User,
    UserStatus,
    Workout,
)

SCHEMA_VERSION = 1
CONNECT_TIMEOUT_MS = 5000

Doc = dict[str, Any]


def _doc(model: Any, **extra: Any) -> Doc:
    return {**model.model_dump(mode="python"), **extra}


def _strip(doc: Doc, *keys: str) -> Doc:
    return {k: v for k, v in doc.items() if k not in ("_id", *keys)}


def _window(start: datetime | None, end: datetime | None) -> Doc:
    bounds: Doc = {}
    if start is not None:
        bounds["$gte"] = start
    if end is not None:
        bounds["$lt"] = end
    return {"start_time": bounds} if bounds else {}


class _Repo:
    def __init__(self, db: AsyncDatabase) -> None:
        self._db = db


class MongoUsers(_Repo):
    async def get(self, user_id: int) -> User | None:
        doc = await self._db.users.find_one({"_id": user_id})
        return User.model_validate(_strip(doc)) if doc else None

    async def put(self, user: User) -> None:
        await self._db.users.replace_one({"_id": user.id}, _doc(user, _id=user.id), upsert=True)

    async def list(self, status: UserStatus | None = None) -> list[User]:
        query = {} if status is None else {"status": status.value}
        cursor = self._db.users.find(query).sort("_id", ASCENDING)
        return [User.model_validate(_strip(doc)) async for doc in cursor]

    async def count(self) -> int:
        return await self._db.users.count_documents({})


class MongoCredentials(_Repo):
    async def get(self, user_id: int) -> HevyCredential | None:
        doc = await self._db.credentials.find_one({"_id": user_id})
        return HevyCredential.model_validate(_strip(doc)) if doc else None

    async def put(self, credential: HevyCredential) -> None:
        await self._db.credentials.replace_one(
            {"_id": credential.user_id}, _doc(credential, _id=credential.user_id), upsert=True
        )

    async def delete(self, user_id: int) -> None:
        await self._db.credentials.delete_one({"_id": user_id})

    async def user_ids(self) -> set[int]:
        return {doc["_id"] async for doc in self._db.credentials.find({}, {"_id": 1})}


_DOCS_ON_LOOP = 200  # validating this many workouts takes a few ms; more go to a worker thread


def _workouts(docs: list[Doc]) -> list[Workout]:
    return [Workout.model_validate(doc) for doc in docs]


def _workout_key(user_id: int, workout_id: str) -> str:
    # A compound primary key: point reads and upserts go by _id, the cheapest path everywhere.
    return f"{user_id}:{workout_id}"


class MongoWorkouts(_Repo):
    async def upsert(self, user_id: int, workouts: Sequence[Workout]) -> None:
        if not workouts:
            return
        await self._db.workouts.bulk_write(
            [
                ReplaceOne(
                    {"_id": _workout_key(user_id, w.id)},
                    _doc(w, _id=_workout_key(user_id, w.id), user_id=user_id),
                    upsert=True,
                )
                for w in workouts
            ],
            ordered=True,
        )
        await self._bump(user_id)

    async def delete(self, user_id: int, workout_id: str) -> bool:
        result = await self._db.workouts.delete_one({"_id": _workout_key(user_id, workout_id)})
        await self._bump(user_id)
        return result.deleted_count > 0

    async def _bump(self, user_id: int) -> None:
        """Count a change to the log (after it, so a reader never caches the old log as new)."""
        await self._db.log_versions.update_one(
            {"_id": user_id}, {"$inc": {"version": 1}}, upsert=True
        )

    async def version(self, user_id: int) -> int:
        doc = await self._db.log_versions.find_one({"_id": user_id})
        return int(doc["version"]) if doc else 0

    async def get(self, user_id: int, workout_id: str) -> Workout | None:
        doc = await self._db.workouts.find_one({"_id": _workout_key(user_id, workout_id)})
        return Workout.model_validate(_strip(doc, "user_id")) if doc else None

    async def list(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        return await self._find({"user_id": user_id, **_window(start, end)})

    async def recent(
        self,
        user_id: int,
        before: datetime | None = None,
        limit: int = 20,
        template_id: str | None = None,
    ) -> list[Workout]:
        query = {"user_id": user_id, **_window(None, before)}
        if template_id is not None:
            query["exercises.template_id"] = template_id
        cursor = (
            self._db.workouts.find(query)
            .sort([("start_time", DESCENDING), ("id", DESCENDING)])
            .limit(limit)
        )
        return _workouts([_strip(doc, "user_id") async for doc in cursor])

    async def sets(
        self,
        user_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        template_id: str | None = None,
    ) -> list[SetRow]:
        query = {"user_id": user_id, **_window(start, end)}
        if template_id is not None:
            query["exercises.template_id"] = template_id
        return [
            row
            for workout in await self._find(query)
            for row in workout.set_rows()
            if template_id is None or row.template_id == template_id
        ]

    async def _find(self, query: Doc) -> list[Workout]:
        cursor = self._db.workouts.find(query).sort([("start_time", ASCENDING), ("id", ASCENDING)])
        docs = [_strip(doc, "user_id") async for doc in cursor]
        if len(docs) < _DOCS_ON_LOOP:
            return _workouts(docs)
        return await asyncio.to_thread(_workouts, docs)  # years of training: not on the loop

    async def count(self, user_id: int) -> int:
        return await self._db.workouts.count_documents({"user_id": user_id})

    async def working_set_counts(self, user_id: int) -> dict[str, int]:
        cursor = await self._db.workouts.aggregate(
            [
                {"$match": {"user_id": user_id}},
                {"$unwind": "$exercises"},
                {"$unwind": "$exercises.sets"},
                {"$match": {"exercises.sets.type": {"$ne": "warmup"}}},
                {"$group": {"_id": "$exercises.template_id", "n": {"$sum": 1}}},
            ]
        )
        return {doc["_id"]: int(doc["n"]) async for doc in cursor}


class MongoTemplates(_Repo):
    """One document per user holds the whole catalogue, so replacing it is atomic."""

    async def replace_all(self, user_id: int, templates: Sequence[ExerciseTemplate]) -> None:
        await self._db.templates.replace_one(
            {"_id": user_id},
            {"_id": user_id, "templates": [t.model_dump() for t in templates]},
            upsert=True,
        )

    async def list(self, user_id: int) -> list[ExerciseTemplate]:
        doc = await self._db.templates.find_one({"_id": user_id})
        templates = [ExerciseTemplate.model_validate(t) for t in (doc or {}).get("templates", [])]
        return sorted(templates, key=lambda t: t.id)

    async def get(self, user_id: int, template_id: str) -> ExerciseTemplate | None:
        doc = await self._db.templates.find_one(
            {"_id": user_id}, {"templates": {"$elemMatch": {"id": template_id}}}
        )
        found = (doc or {}).get("templates") or []
        return ExerciseTemplate.model_validate(found[0]) if found else None


class MongoPlans(_Repo):
    async def put(self, plan: Plan) -> None:
        await self._db.plans.replace_one(
            {"_id": plan.id, "user_id": plan.user_id}, _doc(plan, _id=plan.id), upsert=True
        )

    async def get(self, user_id: int, plan_id: str) -> Plan | None:
        doc = await self._db.plans.find_one({"_id": plan_id, "user_id": user_id})
        return Plan.model_validate(_strip(doc)) if doc else None

    async def list(self, user_id: int) -> list[Plan]:
        cursor = self._db.plans.find({"user_id": user_id}).sort(
            [("created_at", DESCENDING), ("_id", DESCENDING)]
        )
        return [Plan.model_validate(_strip(doc)) async for doc in cursor]

    async def put_link(self, user_id: int, link: RoutineLink) -> None:
        await self._db.routine_links.replace_one(
            {"user_id": user_id, "key": link.key}, _doc(link, user_id=user_id), upsert=True
        )

    async def get_link(self, user_id: int, key: str) -> RoutineLink | None:
        doc = await self._db.routine_links.find_one({"user_id": user_id, "key": key})
        return RoutineLink.model_validate(_strip(doc, "user_id")) if doc else None

    async def list_links(self, user_id: int) -> list[RoutineLink]:
        cursor = self._db.routine_links.find({"user_id": user_id}).sort("key", ASCENDING)
        return [RoutineLink.model_validate(_strip(doc, "user_id")) async for doc in cursor]


class MongoConversations(_Repo):
    async def load(self, user_id: int) -> Conversation:
        summary = await self._db.conversation_summaries.find_one({"_id": user_id})
        cursor = self._db.messages.find({"user_id": user_id}).sort("seq", ASCENDING)
        return Conversation(
            summary=(summary or {}).get("summary", ""),
            messages=[ChatMessage.model_validate(_strip(d, "user_id")) async for d in cursor],
        )

    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        last = await self._db.messages.find_one(
            {"user_id": user_id}, sort=[("seq", DESCENDING)], projection={"seq": 1}
        )
        start = last["seq"] if last else 0
        stored = [m.model_copy(update={"seq": start + i}) for i, m in enumerate(messages, 1)]
        if stored:
            await self._db.messages.insert_many([_doc(m, user_id=user_id) for m in stored])
        return stored

    async def compact(self, user_id: int, summary: str, through_seq: int) -> None:
        # Summary first: a crash between the two steps keeps the messages, never loses them.
        await self._db.conversation_summaries.replace_one(
            {"_id": user_id}, {"_id": user_id, "summary": summary}, upsert=True
        )
        await self._db.messages.delete_many({"user_id": user_id, "seq": {"$lte": through_seq}})


class MongoOutbox(_Repo):
    async def enqueue(self, message: OutboxMessage) -> bool:
        try:
            await self._db.outbox.insert_one(_doc(message, _id=message.id, claim_until=None))
        except DuplicateKeyError:
            return False
        return True

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        claimed = []
        until = now + timedelta(seconds=lease_seconds)
        for _ in range(limit):
            doc = await self._db.outbox.find_one_and_update(
                {
                    "status": OutboxStatus.PENDING.value,
                    "next_attempt_at": {"$lte": now},
                    "$or": [{"claim_until": None}, {"claim_until": {"$lte": now}}],
                },
                {"$set": {"claimed_by": owner, "claim_until": until}},
                sort=[("next_attempt_at", ASCENDING), ("created_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                break
            claimed.append(_outbox_message(doc))
        return claimed

    async def mark_sent(self, message_id: str, now: datetime, maybe: str | None = None) -> bool:
        status = OutboxStatus.MAYBE_SENT if maybe else OutboxStatus.SENT
        update: Doc = {"status": status.value, "sent_at": now, "claim_until": None}
        if maybe:
            update["last_error"] = maybe
        result = await self._db.outbox.update_one(
            {"_id": message_id, "status": OutboxStatus.PENDING.value}, {"$set": update}
        )
        return result.modified_count == 1

    async def renew_claim(self, message_id: str, owner: str, until: datetime) -> bool:
        result = await self._db.outbox.update_one(
            {"_id": message_id, "claimed_by": owner, "status": OutboxStatus.PENDING.value},
            {"$set": {"claim_until": until}},
        )
        return result.matched_count == 1

    async def retry_later(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        await self._db.outbox.update_one(
            {"_id": message_id, "status": OutboxStatus.PENDING.value},
            {
                "$inc": {"attempts": 1},
                "$set": {
                    "next_attempt_at": next_attempt_at,
                    "last_error": error,
                    "claimed_by": None,
                    "claim_until": None,
                },
            },
        )

    async def drop(self, message_id: str, reason: str) -> None:
        await self._db.outbox.update_one(
            {"_id": message_id, "status": OutboxStatus.PENDING.value},
            {"$set": {"status": OutboxStatus.DROPPED.value, "last_error": reason}},
        )

    async def get(self, message_id: str) -> OutboxMessage | None:
        doc = await self._db.outbox.find_one({"_id": message_id})
        return _outbox_message(doc) if doc else None

    async def pending_count(self) -> int:
        return await self._db.outbox.count_documents({"status": OutboxStatus.PENDING.value})


def _outbox_message(doc: Doc) -> OutboxMessage:
    return OutboxMessage.model_validate(_strip(doc, "claimed_by", "claim_until"))


class MongoSyncState(_Repo):
    async def get(self, user_id: int) -> SyncState:
        doc = await self._db.sync_state.find_one({"_id": user_id})
        return SyncState.model_validate(_strip(doc)) if doc else SyncState(user_id=user_id)

    async def put(self, state: SyncState) -> None:
        await self._db.sync_state.replace_one(
            {"_id": state.user_id}, _doc(state, _id=state.user_id), upsert=True
        )

    async def last_synced(self) -> dict[int, datetime | None]:
        cursor = self._db.sync_state.find({}, {"_id": 1, "last_synced_at": 1})
        return {doc["_id"]: doc.get("last_synced_at") async for doc in cursor}


class MongoLoginTokens(_Repo):
    async def create(self, token: LoginToken) -> None:
        await self._db.login_tokens.insert_one(_doc(token, _id=token.token_hash))

    async def get(self, token_hash: str) -> LoginToken | None:
        doc = await self._db.login_tokens.find_one({"_id": token_hash})
        return LoginToken.model_validate(_strip(doc)) if doc else None

    async def consume(self, token_hash: str, now: datetime, used_by: int) -> LoginToken | None:
        doc = await self._db.login_tokens.find_one_and_update(
            {"_id": token_hash, "used_at": None, "expires_at": {"$gt": now}},
            {"$set": {"used_at": now, "used_by": used_by}},
            return_document=ReturnDocument.AFTER,
        )
        return LoginToken.model_validate(_strip(doc)) if doc else None

    async def purge_expired(self, now: datetime) -> int:
        # The TTL index does this on a real server; this makes it prompt and testable.
        result = await self._db.login_tokens.delete_many({"expires_at": {"$lte": now}})
        return result.deleted_count

    async def revoke(self, purpose: TokenPurpose) -> int:
        result = await self._db.login_tokens.delete_many({"purpose": purpose.value})
        return result.deleted_count


_USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


class MongoUsage(_Repo):
    async def add(self, user_id: int, day: date, usage: Usage) -> Usage:
        doc = await self._db.usage.find_one_and_update(
            {"_id": f"{user_id}:{day.isoformat()}"},
            {
                "$inc": {f: getattr(usage, f) for f in _USAGE_FIELDS},
                "$set": {"user_id": user_id, "day": day.isoformat()},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return Usage.model_validate({f: doc.get(f, 0) for f in _USAGE_FIELDS})

    async def get(self, user_id: int, day: date) -> Usage:
        doc = await self._db.usage.find_one({"_id": f"{user_id}:{day.isoformat()}"})
        return Usage.model_validate({f: doc.get(f, 0) for f in _USAGE_FIELDS}) if doc else Usage()


class MongoLeases(_Repo):
    async def claim(self, name: str, owner: str, ttl_seconds: float, now: datetime) -> bool:
        try:
            await self._db.leases.find_one_and_update(
                {"_id": name, "$or": [{"expires_at": {"$lte": now}}, {"owner": owner}]},
                {"$set": {"owner": owner, "expires_at": now + timedelta(seconds=ttl_seconds)}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # held by another owner: the upsert collided with their document
        return True

    async def release(self, name: str, owner: str) -> None:
        await self._db.leases.delete_one({"_id": name, "owner": owner})


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
