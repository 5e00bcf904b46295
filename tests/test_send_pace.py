"""Telegram's budget of 30 messages a second, used: a backlog of sends goes out at the limiter's
rate even when the event loop wakes a sender late, and no second ever holds more sends."""

from __future__ import annotations

import asyncio
import contextlib
import time

from bot.telegram.ratelimit import PreviewAwareRateLimiter

RATE = 100  # sends a second: the test's budget (Telegram's is 30; the limiter uses 29)


async def busy_loop() -> None:
    """Other chats' work: the event loop is busy 2 ms at a time, so timers fire late."""
    while True:
        time.sleep(0.002)  # noqa: ASYNC251 (the point: a busy loop)
        await asyncio.sleep(0)


async def test_a_backlog_goes_out_at_the_full_rate_though_the_loop_wakes_senders_late() -> None:
    limiter = PreviewAwareRateLimiter(per_second=RATE)
    sent_at: list[float] = []

    async def send_message() -> bool:
        sent_at.append(time.monotonic())
        return True

    async def one(chat_id: int) -> None:
        data = {"chat_id": chat_id}
        await limiter.process_request(send_message, (), {}, "sendMessage", data, None)

    other_chats = asyncio.create_task(busy_loop())
    try:
        await asyncio.gather(*(one(n) for n in range(1, 3 * RATE + 1)))
    finally:
        other_chats.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await other_chats

    # A bucket that holds one send loses every late wake-up for good: ~70 a second here (27.7
    # of 29 in the 5,000-message fan-out).
    steady = sent_at[RATE:]
    rate = (len(steady) - 1) / (steady[-1] - steady[0])
    assert rate > 0.9 * RATE, f"{rate:.0f} sends a second"
    most = max(sum(1 for t in sent_at if start <= t < start + 1.0) for start in sent_at)
    assert most <= RATE, f"{most} sends within one second"
