"""Outbox delivery semantics: a message is never sent twice because Telegram was slow, a 429
back-off outlasted the claim, or the database was locked when the send was recorded."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import httpx
import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.telegram.jobs import telegram_sender
from core.models import OutboxMessage, OutboxStatus, User, utcnow
from core.services.outbox import MaybeSent, Outbox, RetryLater

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


async def queued(store, key: str = "k") -> Outbox:
    await store.users.put(User(id=1, chat_id=1))
    outbox = Outbox(store, claim_seconds=0.3)
    await outbox.enqueue(1, 1, "Week 2 is in Hevy.", key)
    return outbox


async def test_a_timed_out_send_is_recorded_as_maybe_sent_and_never_sent_again(
    sqlite_store,
) -> None:
    outbox = await queued(sqlite_store)
    attempts = []

    async def slow_telegram(message: OutboxMessage) -> None:
        attempts.append(message.id)
        raise MaybeSent("TimedOut: the answer never came")

    report = await outbox.deliver(slow_telegram, owner="a")
    assert report.maybe_sent == 1
    later = Outbox(sqlite_store, clock=lambda: utcnow() + timedelta(hours=1))
    assert (await later.deliver(slow_telegram, owner="b")).maybe_sent == 0
    assert len(attempts) == 1
    message = await sqlite_store.outbox.get(attempts[0])
    assert message.status == OutboxStatus.MAYBE_SENT and "TimedOut" in message.last_error


async def test_a_send_held_by_429_back_off_keeps_its_claim_so_no_second_worker_sends_it(
    sqlite_store,
) -> None:
    outbox = await queued(sqlite_store)
    sent = []

    async def held_by_rate_limiter(message: OutboxMessage) -> None:
        await asyncio.sleep(1.2)  # four claim lengths: PTB's limiter sleeping out retry_after
        sent.append(message.id)

    async def second_worker() -> None:
        other = Outbox(sqlite_store, claim_seconds=0.3)
        for _ in range(8):
            await asyncio.sleep(0.15)
            await other.deliver(held_by_rate_limiter, owner="b")

    await asyncio.gather(outbox.deliver(held_by_rate_limiter, owner="a"), second_worker())
    assert len(sent) == 1


async def test_mark_sent_on_a_locked_database_is_retried_instead_of_resending(
    sqlite_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = await queued(sqlite_store)
    real_mark_sent = sqlite_store.outbox.mark_sent
    failures = iter([True, True, True])

    async def locked_then_fine(*args, **kwargs):
        if next(failures, False):
            raise sqlite3.OperationalError("database is locked")
        return await real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(sqlite_store.outbox, "mark_sent", locked_then_fine)
    sent = []

    async def telegram(message: OutboxMessage) -> None:
        sent.append(message.id)

    assert (await outbox.deliver(telegram, owner="a")).sent == 1
    later = Outbox(sqlite_store, clock=lambda: utcnow() + timedelta(minutes=5))
    await later.deliver(telegram, owner="b")
    assert len(sent) == 1
    assert (await sqlite_store.outbox.get(sent[0])).status == OutboxStatus.SENT


def bot_failing_with(error: Exception) -> Bot:
    def transport(request: httpx.Request) -> httpx.Response:
        raise error

    return Bot(
        TOKEN,
        request=HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(transport)}),
    )


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (httpx.ReadTimeout("no answer"), MaybeSent),
        (httpx.RemoteProtocolError("connection dropped"), MaybeSent),
        (httpx.ConnectError("refused"), RetryLater),
        (httpx.ConnectTimeout("no route"), RetryLater),
    ],
)
async def test_telegram_failures_are_told_apart_by_whether_the_request_went_out(
    error: Exception, outcome: type[Exception]
) -> None:
    message = OutboxMessage(id="m", user_id=1, chat_id=1, text="hi", dedupe_key="k")
    with pytest.raises(outcome):
        await telegram_sender(bot_failing_with(error))(message)
