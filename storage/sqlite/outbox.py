"""Messages waiting for Telegram: claimed, sent once, retried or dropped."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from core.models import (
    OutboxMessage,
    OutboxStatus,
)
from storage.sqlite.common import Repo, to_dt, to_ts

_OUTBOX_COLUMNS = (
    "id, user_id, chat_id, text, parse_mode, dedupe_key, status, attempts, "
    "next_attempt_at, created_at, sent_at, last_error"
)


def _outbox_message(row: sqlite3.Row) -> OutboxMessage:
    doc = {k: row[k] for k in row.keys() if k != "seq"}  # noqa: SIM118 (sqlite3.Row)
    for key in ("next_attempt_at", "created_at", "sent_at"):
        doc[key] = to_dt(doc[key])
    return OutboxMessage.model_validate(doc)


class SqliteOutbox(Repo):
    async def enqueue(self, message: OutboxMessage) -> bool:
        changed = await self._db.execute(
            f"INSERT INTO outbox ({_OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            (
                message.id,
                message.user_id,
                message.chat_id,
                message.text,
                message.parse_mode,
                message.dedupe_key,
                message.status.value,
                message.attempts,
                to_ts(message.next_attempt_at),
                to_ts(message.created_at),
                to_ts(message.sent_at),
                message.last_error,
            ),
        )
        return changed == 1

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        rows = await self._db.write_returning(
            "UPDATE outbox SET claimed_by = ?, claim_until = ? WHERE seq IN ("
            "  SELECT seq FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            "  AND (claim_until IS NULL OR claim_until <= ?) ORDER BY seq LIMIT ?"
            f") RETURNING seq, {_OUTBOX_COLUMNS}",
            (owner, now.timestamp() + lease_seconds, now.timestamp(), now.timestamp(), limit),
        )
        rows.sort(key=lambda row: row["seq"])
        return [_outbox_message(row) for row in rows]

    async def mark_sent(self, message_id: str, now: datetime, maybe: str | None = None) -> bool:
        status = OutboxStatus.MAYBE_SENT if maybe else OutboxStatus.SENT
        changed = await self._db.execute(
            "UPDATE outbox SET status = ?, sent_at = ?, last_error = coalesce(?, last_error), "
            "claimed_by = NULL, claim_until = NULL WHERE id = ? AND status = 'pending'",
            (status.value, now.timestamp(), maybe, message_id),
        )
        return changed == 1

    async def renew_claim(self, message_id: str, owner: str, until: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE outbox SET claim_until = ? "
            "WHERE id = ? AND claimed_by = ? AND status = 'pending'",
            (until.timestamp(), message_id, owner),
        )
        return changed == 1

    async def retry_later(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
            "claimed_by = NULL, claim_until = NULL WHERE id = ? AND status = 'pending'",
            (next_attempt_at.timestamp(), error, message_id),
        )

    async def drop(self, message_id: str, reason: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?, claimed_by = NULL, "
            "claim_until = NULL WHERE id = ? AND status = 'pending'",
            (reason, message_id),
        )

    async def get(self, message_id: str) -> OutboxMessage | None:
        row = await self._db.fetchone(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE id = ?", (message_id,)
        )
        return _outbox_message(row) if row else None

    async def pending_count(self) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) FROM outbox WHERE status = ?", (OutboxStatus.PENDING.value,)
        )
        return int(row[0]) if row else 0
