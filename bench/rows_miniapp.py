"""Rows for the Mini App on a 5-year lifter: what each page weighs on the wire (JS + CSS +
HTML, gzip), the server's time per request (p95) and, where Debian's Chromium is installed,
the first render of the Progress page in a real browser."""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.table import Row
from bot.process.runtime import build_runtime
from bot.process.throttle import lifter_reads
from bot.web.app import build_web
from bot.web.miniapp.auth import issue_session
from bot.web.miniapp.routes import STATIC
from core.hevy.models import HevyWorkout
from core.models import PlanStatus, User, utcnow
from core.settings import load_settings
from sandbox.catalogue import built_in_templates
from sandbox.generator import Lifter, generate_workouts
from sandbox.server import free_port
from tests.fakes.telegram import sign_init_data

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
USER = 1
BUDGET_KB = 150
PAGES = ("today", "history", "workout", "progress", "plan", "profile")
SHELL_ASSETS = ("app.js", "app.css")
CHART_ASSETS = ("vendor/uPlot.iife.min.js", "vendor/uPlot.min.css", "chart.js")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


async def _seeded(folder: Path, weeks: int):
    from core.hevy.models import HevyTemplate

    settings = load_settings(
        telegram_bot_token=TOKEN, database_url=f"sqlite:///{folder}/spotter.db",
        spotter_access="open", anthropic_api_key=None,
    )  # fmt: skip
    runtime = await build_runtime(settings, services=True)
    store = runtime.store
    await store.users.put(User(id=USER, chat_id=USER, name="Lifter"))
    await store.templates.replace_all(
        USER, [HevyTemplate.model_validate(t).to_domain() for t in built_in_templates()]
    )
    workouts = [
        HevyWorkout.model_validate(w).to_domain()
        for w in generate_workouts(Lifter(seed=5, weeks=weeks))
    ]
    # The generator counts forward from `start`; shift the log so it ends this week.
    shift = utcnow() - max(w.start_time for w in workouts)
    workouts = [
        w.model_copy(update={"start_time": w.start_time + shift,
                             "end_time": w.end_time + shift if w.end_time else None})
        for w in workouts
    ]  # fmt: skip
    await store.workouts.upsert(USER, workouts)
    proposal = await runtime.plans.propose(USER)
    await store.plans.put(proposal.plan.model_copy(update={"status": PlanStatus.ACTIVE}))
    await runtime.insights.warm(USER)
    return runtime, workouts


async def miniapp_rows(smoke: bool) -> list[Row]:
    weeks = 30 if smoke else 260
    runs = 5 if smoke else 40
    with tempfile.TemporaryDirectory() as folder:
        runtime, workouts = await _seeded(Path(folder), weeks)
        try:
            web = build_web(runtime, None)  # type: ignore[arg-type]  # pages only: no bot needed
            bearer = {"Authorization": "Bearer " + issue_session(USER, TOKEN, utcnow())}
            sets = sum(len(e.sets) for w in workouts for e in w.exercises)
            top = max(
                (await runtime.store.workouts.working_set_counts(USER)).items(),
                key=lambda kv: kv[1],
            )[0]
            paths = {name: f"/app/page/{name}" for name in PAGES}
            paths["workout"] += f"?id={workouts[-1].id}"
            paths["chart data"] = f"/app/api/progress?exercise={top}"
            transport = httpx.ASGITransport(app=web)
            timings: dict[str, list[float]] = {}
            sizes: dict[str, int] = {}
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                for name, path in paths.items():
                    # Each page starts a fresh minute of the lifter's page budget (120 a minute):
                    # a page's 41 requests fit it, eight pages in a row would not.
                    lifter_reads._seen.pop(USER, None)
                    first = await client.get(path, headers=bearer)
                    assert first.status_code == 200, (path, first.status_code)
                    sizes[name] = _gz(first.content)
                    spent = []
                    for _ in range(runs):
                        started = time.perf_counter()
                        await client.get(path, headers=bearer)
                        spent.append((time.perf_counter() - started) * 1000)
                    timings[name] = spent
                shell = _gz((await client.get("/app/")).content)
            first_render = await _first_render(runtime, top) if not smoke else None
        finally:
            await runtime.aclose()
    assets = {name: _gz((STATIC / name).read_bytes()) for name in SHELL_ASSETS + CHART_ASSETS}
    base = shell + sum(assets[a] for a in SHELL_ASSETS)
    weight = {
        name: base + sizes[name] + (sum(assets[a] for a in CHART_ASSETS) + sizes["chart data"]
                                    if name == "progress" else 0)
        for name in PAGES
    }  # fmt: skip
    heaviest = max(weight, key=lambda n: weight[n])
    p95 = {n: statistics.quantiles(t, n=20)[-1] for n, t in timings.items()}
    slowest = max(p95, key=lambda n: p95[n])
    rows = [
        Row(
            "Mini App: page weight (JS + CSS + HTML, gzip)",
            f"heaviest {heaviest} {weight[heaviest] / 1024:.1f} kB; "
            + ", ".join(f"{n} {weight[n] / 1024:.0f}" for n in PAGES),
            f"budget {BUDGET_KB} kB",
            f"{BUDGET_KB * 1024 / weight[heaviest]:.1f}× under",
            "progress includes uPlot 1.6.32 and its chart data; nothing from a CDN",
        ),
        Row(
            f"Mini App: server time per request, p95 ({sets:,} sets, 5-year lifter)",
            f"slowest {slowest} {p95[slowest]:.1f} ms; "
            + ", ".join(f"{n} {v:.0f}" for n, v in p95.items()),
            "budget 100 ms",
            f"{100 / p95[slowest]:.1f}× under" if p95[slowest] <= 100 else "over budget",
            f"{runs} requests each through the ASGI app, SQLite, after one warm-up",
        ),
    ]
    if first_render is not None:
        rows.append(Row(
            "Mini App: first render of Progress in Chromium (5-year lifter)",
            f"{first_render:.0f} ms to a drawn chart", "budget 1 s",
            f"{1000 / first_render:.1f}× under" if first_render <= 1000 else "over budget",
            "launch data → session → page → uPlot → chart data, on loopback",
        ))  # fmt: skip
    return rows


async def _first_render(runtime, exercise: str) -> float | None:
    """Milliseconds from opening the Mini App on Progress to its chart drawn, or None without
    Chromium and Playwright."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        return None
    import asyncio
    from urllib.parse import quote

    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_web(runtime, None), port=port, log_level="warning")  # type: ignore[arg-type]
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no started event)
        await asyncio.sleep(0.05)
    try:
        init_data = quote(sign_init_data(TOKEN, USER, int(time.time())), safe="")
        url = f"http://127.0.0.1:{port}/app/?page=progress&exercise={exercise}#tgWebAppData={init_data}"
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = await (
                    await browser.new_context(viewport={"width": 390, "height": 844})
                ).new_page()
                started = time.perf_counter()
                await page.goto(url)
                await page.wait_for_selector(".chart[data-drawn] canvas", timeout=20_000)
                return (time.perf_counter() - started) * 1000
            finally:
                await browser.close()
    finally:
        server.should_exit = True
        await task
