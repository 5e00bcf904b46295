"""Sync progress per user, and the leases that keep one worker per user."""

from __future__ import annotations

from datetime import datetime

from core.models import (
    SyncState,
)
from storage.sqlite.common import Repo


class SqliteSyncState(Repo):
    async def get(self, user_id: int) -> SyncState:
        row = await self._db.fetchone("SELECT doc FROM sync_state WHERE user_id = ?", (user_id,))
        return SyncState.model_validate_json(row["doc"]) if row else SyncState(user_id=user_id)

    async def put(self, state: SyncState) -> None:
        await self._db.execute(
            "INSERT INTO sync_state (user_id, doc) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc",
            (state.user_id, state.model_dump_json()),
        )

    async def last_synced(self) -> dict[int, datetime | None]:
        rows = await self._db.fetchall(
            "SELECT user_id, json_extract(doc, '$.last_synced_at') FROM sync_state"
        )
        return {row[0]: datetime.fromisoformat(row[1]) if row[1] else None for row in rows}


class SqliteLeases(Repo):
    async def claim(self, name: str, owner: str, ttl_seconds: float, now: datetime) -> bool:
        rows = await self._db.write_returning(
            "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
            "expires_at = excluded.expires_at "
            "WHERE leases.expires_at <= ? OR leases.owner = excluded.owner RETURNING owner",
            (name, owner, now.timestamp() + ttl_seconds, now.timestamp()),
        )
        return bool(rows)

    async def release(self, name: str, owner: str) -> None:
        await self._db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))
