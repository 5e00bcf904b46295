"""Jobs are rebuilt from the store at start, with jitter, coalescing and a finite grace time."""

from __future__ import annotations

from datetime import time

from telegram.ext import ApplicationBuilder

from bot.process.runtime import build_runtime
from bot.telegram.jobs import schedule_all
from core.models import HevyCredential, Preferences, User
from core.settings import load_settings

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


async def test_schedule_all_rebuilds_sync_reminder_and_outbox_jobs(tmp_path) -> None:
    settings = load_settings(
        telegram_bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path}/spotter.db",
        sync_interval_seconds=600,
    )
    runtime = await build_runtime(settings, services=True)
    try:
        store = runtime.store
        await store.users.put(User(id=1, chat_id=1))
        await store.credentials.put(
            HevyCredential(user_id=1, ciphertext=runtime.vault.encrypt("k", owner=1))
        )
        await store.users.put(
            User(
                id=2,
                chat_id=2,
                timezone="Europe/Berlin",
                preferences=Preferences(reminder_time=time(7, 30)),
            )
        )
        app = ApplicationBuilder().token(TOKEN).build()
        app.bot_data["runtime"] = runtime
        await schedule_all(app)
        jobs = {job.name: job for job in app.job_queue.jobs()}
        assert set(jobs) == {"sync:1", "remind:2", "outbox", "purge-tokens"}, (
            "user 2 has no Hevy key: no sync job"
        )
        sync = jobs["sync:1"].job
        assert sync.coalesce and sync.misfire_grace_time == 300 and sync.max_instances == 1
        assert sync.trigger.interval.total_seconds() == 600
        remind = jobs["remind:2"].job
        assert str(remind.trigger.timezone) == "Europe/Berlin" and remind.misfire_grace_time == 3600
    finally:
        await runtime.aclose()
