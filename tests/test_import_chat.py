"""A Hevy CSV sent in the chat, through the real Application (PTB's real Bot against the fake Bot
API) and the Mini App served from the same runtime: titles in any script stay apart and are
found by /progress and the Mini App's picker, and a delete from the Mini App while the file is
read leaves nothing behind, and the chat says so."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from telegram import Update
from telegram.ext import Application

from bot.process.runtime import Runtime, build_runtime
from bot.telegram.app import build_application
from bot.web.app import build_web
from bot.web.miniapp.auth import issue_session
from core.models import User, utcnow
from core.settings import load_settings
from sandbox.server import serve_asgi
from tests.core.test_own_exercises import WORLD_TITLES, session
from tests.fakes.telegram import FakeTelegram
from tests.hevy.test_csv_import import export, pause_after_parsing

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
USER = 4242


@dataclass
class Spotter:
    telegram: FakeTelegram
    app: Application
    runtime: Runtime
    web: httpx.AsyncClient

    async def handle(self) -> None:
        """The bot handles the update the lifter just sent."""
        update = Update.de_json(self.telegram.updates[-1], self.app.bot)
        await asyncio.wait_for(self.app.process_update(update), 30)

    def mini_app(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_session(USER, TOKEN, utcnow())}"}


@pytest.fixture
async def spotter(tmp_path: Path) -> AsyncIterator[Spotter]:
    telegram = FakeTelegram()
    async with serve_asgi(telegram.app) as url:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_base_url=f"{url}/bot",
            database_url=f"sqlite:///{tmp_path}/spotter.db",
            spotter_access="open",
        )
        runtime = await build_runtime(settings, services=True)
        app = build_application(runtime)
        await app.initialize()
        await app.start()
        await runtime.store.users.put(User(id=USER, chat_id=USER, set_up=True))
        web = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=build_web(runtime, app)), base_url="http://spotter"
        )
        try:
            yield Spotter(telegram, app, runtime, web)
        finally:
            await web.aclose()
            await app.stop()
            await app.shutdown()
            await runtime.aclose()


def world_export() -> bytes:
    """Three sessions of every title in WORLD_TITLES, each title with loads of its own."""
    workouts = [
        session("Тренировка", day, [(t, 40 + n + day) for n, t in enumerate(WORLD_TITLES)])
        for day in (6, 8, 10)
    ]
    return export(workouts, "kg").encode()


async def test_titles_in_any_script_are_apart_in_the_chat_and_the_mini_app(
    spotter: Spotter,
) -> None:
    tg = spotter.telegram
    tg.send_document(USER, "workouts.csv", world_export())
    await spotter.handle()
    assert any(t.startswith("Imported 3 workouts (33 sets") for t in tg.texts(USER))
    own = next(t for t in tg.texts(USER) if "became your own" in t)
    assert own.startswith(f"{len(WORLD_TITLES)} exercises I didn't know became your own")

    for title in ("Присед со штангой", "Πιέσεις στήθους", "スクワット", "Développé couché", "💪"):
        tg.send_text(USER, f"/progress {title}")
        await spotter.handle()
        assert tg.texts(USER)[-1].startswith(f"{title}: e1RM"), tg.texts(USER)[-1]

    page = await spotter.web.get("/app/page/progress", headers=spotter.mini_app())
    assert page.status_code == 200
    picker = dict(
        (title, tid)
        for tid, title in re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)<', page.text)
    )
    assert sorted(picker) == sorted(WORLD_TITLES), "one choice per title, none merged"
    for n, title in enumerate(WORLD_TITLES):
        chart = await spotter.web.get(
            "/app/api/progress", params={"exercise": picker[title]}, headers=spotter.mini_app()
        )
        heaviest = [kg for kg in chart.json()["heaviest"] if kg is not None]
        assert heaviest == [40 + n + day for day in (6, 8, 10)], title


async def test_a_delete_from_the_mini_app_during_an_import_leaves_nothing_and_the_chat_says_so(
    spotter: Spotter, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed, deleted = pause_after_parsing(monkeypatch)
    tg = spotter.telegram
    tg.send_document(USER, "workouts.csv", world_export())
    importing = asyncio.create_task(spotter.handle())
    await asyncio.to_thread(parsed.wait, 10)
    answer = await spotter.web.post(
        "/app/api/delete", json={"confirm": "delete"}, headers=spotter.mini_app()
    )
    assert answer.status_code == 200 and answer.json()["gone"]
    deleted.set()
    await importing

    said = tg.texts(USER)
    assert not any(t.startswith("Imported") for t in said), said
    assert said[-1] == "Nothing was imported: your data was deleted while I was reading the file."
    store = spotter.runtime.store
    assert await store.users.get(USER) is None
    assert await store.workouts.count(USER) == 0
    assert await store.templates.list(USER) == []
