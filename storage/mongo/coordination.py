"""Sync progress per user, and the leases that keep one worker per user."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.errors import DuplicateKeyError

from core.models import (
    SyncState,
)
from storage.mongo.common import Repo, strip_keys, to_doc


class MongoSyncState(Repo):
    async def get(self, user_id: int) -> SyncState:
        doc = await self._db.sync_state.find_one({"_id": user_id})
        return SyncState.model_validate(strip_keys(doc)) if doc else SyncState(user_id=user_id)

    async def put(self, state: SyncState) -> None:
        await self._db.sync_state.replace_one(
            {"_id": state.user_id}, to_doc(state, _id=state.user_id), upsert=True
        )

    async def last_synced(self) -> dict[int, datetime | None]:
        cursor = self._db.sync_state.find({}, {"_id": 1, "last_synced_at": 1})
        return {doc["_id"]: doc.get("last_synced_at") async for doc in cursor}


class MongoLeases(Repo):
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
