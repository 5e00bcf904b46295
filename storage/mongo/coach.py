"""The coach's memory (conversations) and its daily token spend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from core.models import (
    ChatMessage,
    Conversation,
    Usage,
)
from storage.mongo.common import Repo, strip_keys, to_doc

_USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


class MongoConversations(Repo):
    async def load(self, user_id: int) -> Conversation:
        summary = await self._db.conversation_summaries.find_one({"_id": user_id})
        cursor = self._db.messages.find({"user_id": user_id}).sort("seq", ASCENDING)
        return Conversation(
            summary=(summary or {}).get("summary", ""),
            messages=[ChatMessage.model_validate(strip_keys(d, "user_id")) async for d in cursor],
        )

    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        last = await self._db.messages.find_one(
            {"user_id": user_id}, sort=[("seq", DESCENDING)], projection={"seq": 1}
        )
        start = last["seq"] if last else 0
        stored = [m.model_copy(update={"seq": start + i}) for i, m in enumerate(messages, 1)]
        if stored:
            await self._db.messages.insert_many([to_doc(m, user_id=user_id) for m in stored])
        return stored

    async def compact(self, user_id: int, summary: str, through_seq: int) -> None:
        # Summary first: a crash between the two steps keeps the messages, never loses them.
        await self._db.conversation_summaries.replace_one(
            {"_id": user_id}, {"_id": user_id, "summary": summary}, upsert=True
        )
        await self._db.messages.delete_many({"user_id": user_id, "seq": {"$lte": through_seq}})


class MongoUsage(Repo):
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
