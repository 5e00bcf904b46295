"""/metrics costs a constant number of store queries, however many lifters there are."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime import build_runtime
from bot.web import _sync_lag
from core.models import HevyCredential, SyncState, User, utcnow
from core.settings import load_settings

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


async def test_sync_lag_reads_three_queries_not_two_per_user(tmp_path, monkeypatch) -> None:
    settings = load_settings(
        telegram_bot_token=TOKEN, database_url=f"sqlite:///{tmp_path}/spotter.db"
    )
    runtime = await build_runtime(settings, services=True)
    try:
        store = runtime.store
        now = utcnow()
        for uid in range(1, 301):
            await store.users.put(User(id=uid, chat_id=uid))
            await store.credentials.put(HevyCredential(user_id=uid, ciphertext="sealed"))
            synced = now - timedelta(seconds=uid)
            await store.sync_state.put(SyncState(user_id=uid, last_synced_at=synced))

        def per_user(*_args):
            raise AssertionError("a query per user")

        monkeypatch.setattr(store.credentials, "get", per_user)
        monkeypatch.setattr(store.sync_state, "get", per_user)
        lag = await _sync_lag(runtime)
        assert 300 <= lag < 330
        monkeypatch.undo()
        await store.sync_state.put(SyncState(user_id=7))  # someone never synced
        assert await _sync_lag(runtime) == -1.0
    finally:
        await runtime.aclose()


async def test_delivery_outcomes_are_counted_for_operators(tmp_path) -> None:
    from types import SimpleNamespace

    from telegram import Bot

    from bot import metrics
    from bot.jobs import deliver
    from sandbox.server import serve_asgi
    from tests.fakes.telegram import FakeTelegram

    telegram = FakeTelegram()
    async with serve_asgi(telegram.app) as url:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_base_url=f"{url}/bot",
            database_url=f"sqlite:///{tmp_path}/spotter.db",
        )
        runtime = await build_runtime(settings, services=True)
        try:
            await runtime.store.users.put(User(id=5, chat_id=5))
            await runtime.outbox.enqueue(5, 5, "Week 2 is in Hevy.", "k-metrics")
            before = metrics.OUTBOX_OUTCOMES.labels(outcome="sent")._value.get()
            async with Bot(TOKEN, base_url=f"{url}/bot") as bot:
                context = SimpleNamespace(
                    application=SimpleNamespace(bot_data={"runtime": runtime}), bot=bot
                )
                await deliver(context)
            assert metrics.OUTBOX_OUTCOMES.labels(outcome="sent")._value.get() == before + 1
            assert telegram.sent("sendMessage")[0].params["text"] == "Week 2 is in Hevy."
        finally:
            await runtime.aclose()
