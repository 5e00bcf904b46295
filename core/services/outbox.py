"""Messages to lifters: stored first, then delivered within Telegram's limits, sent once.

`enqueue` is idempotent by a dedupe key (a plan week's note is queued once however often the
step that queues it runs). Delivery claims due messages with a lease, so several processes
never send the same one; each chat gets at most one message a second.

Delivery semantics, decided per outcome of a send:
- accepted: marked sent (the write is retried while the claim is kept, so a locked database
  does not turn into a resend);
- not sent for sure (429, connection refused or timed out before the request went out):
  retried later with back-off;
- maybe sent (the request went out, the answer never came: a read timeout, a dropped
  connection): marked `maybe_sent` and never resent, since Telegram has no idempotency key
  and a doubled message is worse than a rare missing one (the plan is in Hevy and in /today);
- blocked (403): dropped, the user marked inactive.
The claim is renewed while a send is in flight (a 429 back-off can outlast it), so no second
process takes the message meanwhile. One window remains: the process dies (or the store stays
unreachable for a whole claim) between Telegram accepting a message and the store recording
it; the message is then sent again once the claim lapses.
"""

from __future__ import annotations

import asyncio
import contextlib
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
BOOKKEEPING_SECONDS = 30.0  # how long recording a send's outcome is retried


class Blocked(Exception):
    """The user blocked the bot (Telegram 403)."""


class MaybeSent(Exception):
    """The request reached Telegram but its answer did not come back: it may have been sent."""


class RetryLater(Exception):
    """Telegram asked to wait (429) or could not be reached."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


Send = Callable[[OutboxMessage], Awaitable[None]]


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    maybe_sent: int = 0
    sent_ids: list[str] = field(default_factory=list)

    def __iadd__(self, other: DeliveryReport) -> DeliveryReport:
        for name in ("claimed", "sent", "retried", "dropped", "maybe_sent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.sent_ids += other.sent_ids
        return self


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
        report = DeliveryReport()
        now, batch = await self._claim(owner, limit, report)
        await self._send_all(send, batch, owner, now, report)
        return report

    async def drain(
        self, send: Send, owner: str, batch: int = 30, seconds: float = 50.0
    ) -> DeliveryReport:
        """Deliver round after round while rounds come back full (a backlog), for up to
        `seconds`: the sender's rate limiter paces them, so a fan-out goes out at Telegram's
        rate instead of one batch per scheduler tick.

        The next round is claimed while the current one is still going out, so the limiter has
        the next messages waiting when the last of a round leaves: waiting for a round's last
        answer, its bookkeeping and the next claim left Telegram's budget unused for a moment
        every round (27.8 of the limiter's 29 messages a second in a 5,000-message fan-out).
        At most two rounds are out at once."""
        total = DeliveryReport()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        going: list[tuple[asyncio.Task[None], DeliveryReport]] = []
        try:
            while True:
                report = DeliveryReport()
                now, messages = await self._claim(owner, batch, report)
                sending = asyncio.create_task(self._send_all(send, messages, owner, now, report))
                going.append((sending, report))
                more = report.claimed >= batch and loop.time() < deadline
                while len(going) > (1 if more else 0):
                    await going[0][0]
                    total += going.pop(0)[1]
                if not more:
                    return total
        except asyncio.CancelledError:  # shutdown: the sends stop too, as with deliver
            for task, _ in going:
                task.cancel()
            await asyncio.gather(*(task for task, _ in going), return_exceptions=True)
            raise
        except Exception:  # the store failed: what is out still records how it went
            await asyncio.gather(*(task for task, _ in going), return_exceptions=True)
            raise

    async def _claim(
        self, owner: str, limit: int, report: DeliveryReport
    ) -> tuple[datetime, list[OutboxMessage]]:
        """Up to `limit` due messages, claimed; a message for a chat sent to less than a second
        ago goes back to wait for that second."""
        now = self._clock()
        batch = []
        claimed = await self._store.outbox.claim_due(now, owner, self._claim_seconds, limit)
        report.claimed = len(claimed)
        for message in claimed:
            last = self._last_to_chat.get(message.chat_id)
            if last is not None and now - last < timedelta(seconds=1):
                await self._store.outbox.retry_later(
                    message.id, last + timedelta(seconds=1), "pacing"
                )
                report.retried += 1
                continue
            self._last_to_chat[message.chat_id] = now
            batch.append(message)
        return now, batch

    async def _send_all(
        self,
        send: Send,
        batch: list[OutboxMessage],
        owner: str,
        now: datetime,
        report: DeliveryReport,
    ) -> None:
        await asyncio.gather(
            *(self._send_one(send, message, owner, now, report) for message in batch)
        )

    async def _send_one(
        self,
        send: Send,
        message: OutboxMessage,
        owner: str,
        now: datetime,
        report: DeliveryReport,
    ) -> None:
        failpoints.reach("outbox.before_send")
        keeper = asyncio.create_task(self._keep_claim(message.id, owner))
        try:
            await self._send_and_record(send, message, now, report)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _send_and_record(
        self, send: Send, message: OutboxMessage, now: datetime, report: DeliveryReport
    ) -> None:
        outbox = self._store.outbox
        try:
            await send(message)
        except Blocked:
            await self._bookkeep(outbox.drop, message.id, "blocked by the user")
            # Only the status: a setting saved meanwhile stays, an erased lifter stays erased.
            await self._store.users.update(message.user_id, {"status": UserStatus.INACTIVE})
            report.dropped += 1
            return
        except RetryLater as exc:
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await self._bookkeep(outbox.drop, message.id, f"gave up: {exc}")
                report.dropped += 1
            else:
                wait = max(exc.seconds, 2**message.attempts)
                await self._bookkeep(
                    outbox.retry_later, message.id, now + timedelta(seconds=wait), str(exc)
                )
                report.retried += 1
            return
        except MaybeSent as exc:
            log.warning(
                "telegram did not answer; not resending",
                extra={"message_id": message.id, "error": str(exc)},
            )
            await self._bookkeep(outbox.mark_sent, message.id, self._clock(), f"maybe: {exc}")
            report.maybe_sent += 1
            return
        # The remaining window: a kill here sends the message again once the claim lapses.
        failpoints.reach("outbox.after_send")
        if await self._bookkeep(outbox.mark_sent, message.id, self._clock()):
            failpoints.reach("outbox.after_mark")
            report.sent += 1
            report.sent_ids.append(message.id)

    async def _bookkeep[T](self, write: Callable[..., Awaitable[T]], *args: object) -> T:
        """A store write after a send, retried while the claim is kept renewed (a locked
        database must not turn a sent message into a resend)."""
        delay = 0.05
        deadline = asyncio.get_running_loop().time() + BOOKKEEPING_SECONDS
        while True:
            try:
                return await write(*args)
            except Exception:
                if asyncio.get_running_loop().time() + delay > deadline:
                    log.exception("outbox bookkeeping failed; giving up", extra={"id": args[0]})
                    raise
                log.warning("outbox bookkeeping failed; retrying", extra={"id": args[0]})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _keep_claim(self, message_id: str, owner: str) -> None:
        """Renew the claim every third of its length while the send is in flight."""
        while True:
            await asyncio.sleep(self._claim_seconds / 3)
            until = self._clock() + timedelta(seconds=self._claim_seconds)
            try:
                if not await self._store.outbox.renew_claim(message_id, owner, until):
                    log.error("outbox claim lost during a send", extra={"id": message_id})
                    return
            except Exception:
                log.warning("could not renew an outbox claim", extra={"id": message_id})
