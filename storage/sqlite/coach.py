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
    async def load(self, user_id: int) -> Conversation:
        summary = await self._db.fetchone(
            "SELECT summary FROM conversation_summaries WHERE user_id = ?", (user_id,)
        )
        rows = await self._db.fetchall(
            "SELECT doc FROM messages WHERE user_id = ? ORDER BY seq", (user_id,)
        )
        return Conversation(
            summary=summary["summary"] if summary else "",
            messages=[ChatMessage.model_validate_json(row["doc"]) for row in rows],
        )

    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT coalesce(max(seq), 0) FROM messages WHERE user_id = ?", (user_id,)
            )
            last = int((await cursor.fetchone())[0])
            stored = [m.model_copy(update={"seq": last + i}) for i, m in enumerate(messages, 1)]
            await conn.executemany(
                "INSERT INTO messages (user_id, seq, doc) VALUES (?, ?, ?)",
                [(user_id, m.seq, m.model_dump_json()) for m in stored],
            )
        return stored

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
