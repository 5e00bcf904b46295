"""Messages waiting for Telegram: claimed, sent once, retried or dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.models import (
    OutboxMessage,
    OutboxStatus,
)
from storage.mongo.common import Doc, Repo, strip_keys, to_doc


def _outbox_message(doc: Doc) -> OutboxMessage:
    return OutboxMessage.model_validate(strip_keys(doc, "claimed_by", "claim_until"))


class MongoOutbox(Repo):
    async def enqueue(self, message: OutboxMessage) -> bool:
        try:
            await self._db.outbox.insert_one(to_doc(message, _id=message.id, claim_until=None))
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
