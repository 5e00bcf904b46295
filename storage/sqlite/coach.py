"""The coach's memory (conversations) and its daily token spend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.models import (
    ChatMessage,
    Conversation,
    Usage,
)
from storage.sqlite.common import Repo

_USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


class SqliteConversations(Repo):
    """Each call is one statement (one trip to the database thread: this runs every turn)."""

    async def load(self, user_id: int) -> Conversation:
        rows = await self._db.fetchall(
            "SELECT 0 AS part, 0 AS seq, summary AS body FROM conversation_summaries "
            "WHERE user_id = ? "
            "UNION ALL SELECT 1, seq, doc FROM messages WHERE user_id = ? ORDER BY part, seq",
            (user_id, user_id),
        )
        summary = next((row["body"] for row in rows if row["part"] == 0), "")
        return Conversation(
            summary=summary,
            messages=[
                ChatMessage.model_validate_json(row["body"]).model_copy(update={"seq": row["seq"]})
                for row in rows
                if row["part"] == 1
            ],
        )

    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        """All of `messages` after the last one stored, numbered by the database (the column's
        seq is the message's, whatever its document says), atomically."""
        if not messages:
            return []
        values = ", ".join("(?, ?)" for _ in messages)
        rows = await self._db.write_returning(
            "INSERT INTO messages (user_id, seq, doc) "
            "SELECT ?, base.last + new.column1, new.column2 FROM "
            "(SELECT coalesce(max(seq), 0) AS last FROM messages WHERE user_id = ?) AS base, "
            f"(VALUES {values}) AS new RETURNING seq",
            (
                user_id,
                user_id,
                *(x for i, m in enumerate(messages, 1) for x in (i, m.model_dump_json())),
            ),
        )
        seqs = sorted(row["seq"] for row in rows)
        return [m.model_copy(update={"seq": seq}) for m, seq in zip(messages, seqs, strict=True)]

    async def compact(self, user_id: int, summary: str, through_seq: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM messages WHERE user_id = ? AND seq <= ?", (user_id, through_seq)
            )
            await conn.execute(
                "INSERT INTO conversation_summaries (user_id, summary) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET summary = excluded.summary",
                (user_id, summary),
            )


class SqliteUsage(Repo):
    async def add(self, user_id: int, day: date, usage: Usage) -> Usage:
        rows = await self._db.write_returning(
            f"INSERT INTO usage (user_id, day, {', '.join(_USAGE_FIELDS)}) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, day) DO UPDATE SET "
            + ", ".join(f"{f} = {f} + excluded.{f}" for f in _USAGE_FIELDS)
            + f" RETURNING {', '.join(_USAGE_FIELDS)}",
            (user_id, day.isoformat(), *(getattr(usage, f) for f in _USAGE_FIELDS)),
        )
        return Usage.model_validate(dict(rows[0]))

    async def get(self, user_id: int, day: date) -> Usage:
        row = await self._db.fetchone(
            f"SELECT {', '.join(_USAGE_FIELDS)} FROM usage WHERE user_id = ? AND day = ?",
            (user_id, day.isoformat()),
        )
        return Usage.model_validate(dict(row)) if row else Usage()
