"""/metrics costs a constant number of store queries, however many lifters there are."""

from __future__ import annotations

from datetime import timedelta

from bot.process.runtime import build_runtime
from bot.web.app import _sync_lag
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

    from bot.process import metrics
    from bot.telegram.jobs import deliver
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


async def test_health_fails_when_polling_or_the_scheduler_stops_and_metrics_show_latency(
    tmp_path,
) -> None:
    import httpx

    from bot.telegram.app import build_application
    from bot.web.app import build_web
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
        app = build_application(runtime)
        web = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=build_web(runtime, app), client=("127.0.0.1", 1)),
            base_url="http://spotter",
        )
        try:
            assert (await web.get("/healthz")).json()["updates"] == "stopped"  # not started yet
            await app.initialize()
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            health = await web.get("/healthz")
            assert health.status_code == 200, health.text
            assert health.json() == {
                "ok": True,
                "store": "sqlite",
                "updates": "polling",
                "scheduler": "running",
            }
            app.job_queue.scheduler.shutdown(wait=False)
            health = await web.get("/healthz")
            assert health.status_code == 503
            assert health.json()["scheduler"] == "stopped"
            await app.updater.stop()
            assert (await web.get("/healthz")).json()["updates"] == "stopped"

            scraped = (await web.get("/metrics")).text
            assert "process_resident_memory_bytes" in scraped
            assert "python_gc_collections_total" in scraped
            assert 'spotter_web_request_seconds_count{route="/healthz"}' in scraped
            assert "spotter_claude_cache_read_share" in scraped
            assert "_created" not in scraped
        finally:
            await web.aclose()
            await app.stop()
            await app.shutdown()
            await runtime.aclose()


def test_cache_read_share_counts_every_input_token_kind() -> None:
    from bot.process import metrics
    from core.models import Usage

    metrics._input_tokens.update(input=0, cache_read=0, cache_write=0)
    metrics.observe_claude(Usage(input_tokens=100, cache_write_tokens=900), 1.0)
    metrics.observe_claude(
        Usage(input_tokens=200, cache_read_tokens=900, output_tokens=50, cache_write_tokens=0), 1.0
    )
    assert metrics.CLAUDE_CACHE_READ_SHARE._value.get() == 900 / 2100
