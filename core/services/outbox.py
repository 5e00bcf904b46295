"""Messages to lifters: stored first, then delivered within Telegram's limits, sent once.

`enqueue` is idempotent by a dedupe key (a plan week's note is queued once however often the
step that queues it runs). Delivery claims due messages with a lease, so several processes
never send the same one; a 429 or a network error reschedules, a blocked user (403) drops the
message and marks the user inactive, and each chat gets at most one message a second.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core import failpoints
from core.models import OutboxMessage, UserStatus, utcnow
from core.ports import Store

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60
MAX_ATTEMPTS = 8


class Blocked(Exception):
    """The user blocked the bot (Telegram 403)."""


class RetryLater(Exception):
    """Telegram asked to wait (429) or could not be reached."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


Send = Callable[[OutboxMessage], Awaitable[None]]


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    sent_ids: list[str] = field(default_factory=list)


class Outbox:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = utcnow,
        claim_seconds: float = CLAIM_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._claim_seconds = claim_seconds  # how long a crashed process's claim delays a message
        self._last_to_chat: dict[int, datetime] = {}

    async def enqueue(
        self, user_id: int, chat_id: int, text: str, dedupe_key: str, html: bool = False
    ) -> bool:
        """Store a message for delivery; False when one with this key was queued before."""
        return await self._store.outbox.enqueue(
            OutboxMessage(
                id=uuid.uuid4().hex,
                user_id=user_id,
                chat_id=chat_id,
                text=text,
                parse_mode="HTML" if html else None,
                dedupe_key=dedupe_key,
                next_attempt_at=self._clock(),
                created_at=self._clock(),
            )
        )

    async def deliver(self, send: Send, owner: str, limit: int = 30) -> DeliveryReport:
        """Send up to `limit` due messages (about one second's worth of Telegram's budget).

        Messages to different chats go out together; a chat gets at most one a second, so a
        second message for the same chat waits for the next round.
        """
        now = self._clock()
        report = DeliveryReport()
        batch = []
        for message in await self._store.outbox.claim_due(now, owner, self._claim_seconds, limit):
            last = self._last_to_chat.get(message.chat_id)
            if last is not None and now - last < timedelta(seconds=1):
                await self._store.outbox.retry_later(
                    message.id, last + timedelta(seconds=1), "pacing"
                )
                report.retried += 1
                continue
            self._last_to_chat[message.chat_id] = now
            batch.append(message)
        await asyncio.gather(*(self._send_one(send, message, now, report) for message in batch))
        return report

    async def _send_one(
        self, send: Send, message: OutboxMessage, now: datetime, report: DeliveryReport
    ) -> None:
        failpoints.reach("outbox.before_send")
        try:
            await send(message)
        except Blocked:
            await self._store.outbox.drop(message.id, "blocked by the user")
            user = await self._store.users.get(message.user_id)
            if user is not None:
                await self._store.users.put(user.model_copy(update={"status": UserStatus.INACTIVE}))
            report.dropped += 1
            return
        except RetryLater as exc:
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await self._store.outbox.drop(message.id, f"gave up: {exc}")
                report.dropped += 1
            else:
                wait = max(exc.seconds, 2**message.attempts)
                await self._store.outbox.retry_later(
                    message.id, now + timedelta(seconds=wait), str(exc)
                )
                report.retried += 1
            return
        # (No failpoint between send and mark: Telegram has no idempotency key, so a kill in
        # that instant would send twice. The window is one local write long.)
        if await self._store.outbox.mark_sent(message.id, self._clock()):
            report.sent += 1
            report.sent_ids.append(message.id)
