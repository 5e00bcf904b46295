"""A backlog of notifications (a fan-out) goes out at the rate limiter's pace: Telegram's budget is
not left unused while a round's last answer, its bookkeeping and the next claim are awaited."""

from __future__ import annotations

import asyncio
import itertools
import time

from core.models import OutboxMessage, User
from core.services.outbox import Outbox

PACE = 0.01  # the rate limiter: one send every 10 ms
CLAIM_DELAY = 0.3  # a slow store (a busy disk, MongoDB across the network)


class SlowClaims:
    """The store's outbox, with claims that take CLAIM_DELAY."""

    def __init__(self, outbox) -> None:
        self._outbox = outbox

    async def claim_due(self, *args, **kwargs):
        await asyncio.sleep(CLAIM_DELAY)
        return await self._outbox.claim_due(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._outbox, name)


class SlowStore:
    def __init__(self, store) -> None:
        self._store = store
        self.outbox = SlowClaims(store.outbox)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


async def test_a_backlog_goes_out_without_a_pause_between_rounds(sqlite_store) -> None:
    store = SlowStore(sqlite_store)
    outbox = Outbox(store)
    for n in range(1, 91):  # three rounds of 30, one message per chat
        await sqlite_store.users.put(User(id=n, chat_id=n))
        await outbox.enqueue(n, n, f"Week 2 is in Hevy ({n}).", f"week-2-{n}")
    limiter = asyncio.Lock()
    sent_at: list[float] = []

    async def send(message: OutboxMessage) -> None:
        async with limiter:  # what PTB's rate limiter does: one send at a time, paced
            await asyncio.sleep(PACE)
            sent_at.append(time.monotonic())

    report = await outbox.drain(send, owner="a")

    assert report.sent == 90
    assert await sqlite_store.outbox.pending_count() == 0
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    # Rounds claimed one after another left a claim's time between them; with the next round
    # claimed while the current one goes out, the limiter always has the next message.
    assert max(gaps) < CLAIM_DELAY / 2, f"a {max(gaps):.2f} s pause between sends"
