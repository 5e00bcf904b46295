"""Scheduled work through PTB's JobQueue (APScheduler): sync rounds, outbox delivery, reminders.

Jobs are rebuilt from the store at start. Every job coalesces missed runs into one and has a
finite grace time: after a pause (laptop asleep, long GC), a round runs once, not ten times.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import time as dtime
from zoneinfo import ZoneInfo

import httpx
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes

from bot.process import metrics
from bot.telegram.readiness import answer_of, checkin_markup, checkin_text, local_today
from core.models import OutboxMessage, utcnow
from core.services.outbox import Blocked, MaybeSent, RetryLater, Send

log = logging.getLogger(__name__)

DELIVERY_SECONDS = 1.0
CHECKIN_ONCE_SECONDS = 36 * 3600  # a day's check-in is sent once, in any time zone


def _kwargs(grace: int) -> dict:
    return {"coalesce": True, "misfire_grace_time": grace, "max_instances": 1}


def unschedule_user(app: Application, user_id: int) -> None:
    """Stop the user's sync round and reminder (before their data is erased)."""
    for name in (f"sync:{user_id}", f"remind:{user_id}"):
        for job in app.job_queue.get_jobs_by_name(name):
            job.schedule_removal()


def schedule_user(app: Application, user_id: int) -> None:
    """(Re)start the user's sync round, first run at a random point of the interval (jitter)."""
    rt = app.bot_data["runtime"]
    interval = rt.settings.sync_interval_seconds
    for job in app.job_queue.get_jobs_by_name(f"sync:{user_id}"):
        job.schedule_removal()
    app.job_queue.run_repeating(
        sync_round,
        interval=interval,
        first=random.uniform(1, interval),  # noqa: S311 (spreading load, not secrecy)
        name=f"sync:{user_id}",
        data=user_id,
        job_kwargs=_kwargs(grace=int(interval / 2)),
    )


async def schedule_reminder(app: Application, user_id: int) -> None:
    """A daily reminder at the user's local time on their plan's training days (if they want)."""
    rt = app.bot_data["runtime"]
    for job in app.job_queue.get_jobs_by_name(f"remind:{user_id}"):
        job.schedule_removal()
    user = await rt.store.users.get(user_id)
    if user is None or user.preferences.reminder_time is None:
        return
    at = user.preferences.reminder_time
    app.job_queue.run_daily(
        remind,
        time=dtime(at.hour, at.minute, tzinfo=ZoneInfo(user.timezone)),
        name=f"remind:{user_id}",
        data=user_id,
        job_kwargs=_kwargs(grace=3600),
    )


async def schedule_all(app: Application) -> None:
    """Rebuild every job from the store (at start)."""
    rt = app.bot_data["runtime"]
    for user_id in await rt.rounds.linked_users():
        schedule_user(app, user_id)
    for user in await rt.store.users.list():
        await schedule_reminder(app, user.id)
    app.job_queue.run_repeating(
        purge_tokens, interval=3600, first=60, name="purge-tokens", job_kwargs=_kwargs(grace=600)
    )
    # Two instances may overlap so that a tick during a long drain finds the lock taken and
    # returns, rather than being skipped by the scheduler with a warning each second.
    app.job_queue.run_repeating(
        deliver,
        interval=DELIVERY_SECONDS,
        first=1.0,
        name="outbox",
        job_kwargs=_kwargs(grace=5) | {"max_instances": 2},
    )


async def sync_round(context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.application.bot_data["runtime"].rounds.run(context.job.data)


async def purge_tokens(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget expired login, invite and claim tokens (MongoDB's TTL index does this itself)."""
    await context.application.bot_data["runtime"].store.login_tokens.purge_expired(utcnow())


# Transport failures that happen before Telegram has the whole request: safe to send again.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)
SEND_READ_TIMEOUT = 20.0  # a slow answer is waited for: a timeout means "maybe sent"


def telegram_sender(bot: Bot) -> Send:
    """The outbox's way out: Telegram, with its failures translated for the outbox."""

    async def send(message: OutboxMessage) -> None:
        try:
            await bot.send_message(
                message.chat_id,
                message.text,
                parse_mode=message.parse_mode,
                read_timeout=SEND_READ_TIMEOUT,
            )
        except Forbidden as exc:
            raise Blocked(str(exc)) from None
        except RetryAfter as exc:
            raise RetryLater(exc.retry_after.total_seconds(), "429") from None
        except NetworkError as exc:  # TimedOut included
            if isinstance(exc.__cause__, NOT_SENT):
                raise RetryLater(5, type(exc.__cause__).__name__) from None
            raise MaybeSent(f"{type(exc).__name__}: {exc}") from None

    return send


async def deliver(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send what the outbox holds, within Telegram's limits."""
    rt = context.application.bot_data["runtime"]
    draining: asyncio.Lock = context.application.bot_data.setdefault("draining", asyncio.Lock())
    if draining.locked():
        return  # a backlog is being drained (the rate limiter paces it); this tick has no work
    async with draining:
        report = await rt.outbox.drain(telegram_sender(context.bot), owner=rt.rounds.owner)
    for outcome in ("sent", "retried", "dropped", "maybe_sent"):
        if count := getattr(report, outcome):
            metrics.OUTBOX_OUTCOMES.labels(outcome=outcome).inc(count)
    metrics.OUTBOX_DEPTH.set(await rt.store.outbox.pending_count())


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    """On a training day, the readiness check-in: today's session and the taps that fit it to
    the day (once per day, whatever restarts or how many processes)."""
    rt = context.application.bot_data["runtime"]
    user_id = context.job.data
    user = await rt.store.users.get(user_id)
    if user is None or user.chat_id is None:
        return
    today = local_today(user)
    found = await rt.checkins.training_day(user_id, today)
    if found is None:
        return
    # The lease is the once-a-day record: never released, it lapses after the day.
    once = f"checkin:{user_id}:{today.isoformat()}"
    if not await rt.store.leases.claim(once, rt.rounds.owner, CHECKIN_ONCE_SECONDS, utcnow()):
        return
    try:
        await context.bot.send_message(
            user.chat_id,
            checkin_text(found.day.name),
            reply_markup=checkin_markup(today, answer_of(found.fitted)),
        )
    except Forbidden:
        log.info("check-in not sent: the bot is blocked", extra={"user_id": user_id})
