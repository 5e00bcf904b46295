"""Rows that run the bot: concurrency, notification fan-out, CPU per turn, memory at scale."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.table import Row, ratio
from bot.process.runtime import build_runtime
from bot.telegram.app import build_application
from core.models import User
from core.settings import load_settings
from sandbox.server import free_port, serve_asgi
from tests.fakes.claude import FakeClaude, Reply, text
from tests.fakes.telegram import FakeTelegram
from tests.test_cli import clean_env

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
SPOTTER = Path(sys.executable).with_name("spotter")


async def _run_bot(folder: Path, tg_url: str, claude_url: str, *, sequential: bool):
    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_base_url=f"{tg_url}/bot", anthropic_api_key="sk-bench",
        anthropic_base_url=claude_url, database_url=f"sqlite:///{folder}/spotter.db", spotter_access="open",
    )  # fmt: skip
    runtime = await build_runtime(settings, services=True)
    app = build_application(runtime, sequential=sequential)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    return runtime, app


async def _stop_bot(runtime, app) -> None:
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await runtime.aclose()


# What a lifter sees of a reply: the message itself, or before it the draft (or placeholder) that
# shows it coming. A chat action ("typing…") is not counted: it shows no text.
VISIBLE = frozenset({"sendMessage", "sendMessageDraft", "editMessageText"})


async def _latencies(
    users: int, *, sequential: bool, delay: float
) -> tuple[float, list[float], list[float]]:
    """Wall time until every user has the reply, each user's seconds to the reply, and each
    user's seconds to the first thing shown in the chat (a draft, a placeholder or the reply)."""
    telegram = FakeTelegram()
    claude = FakeClaude(
        lambda request: Reply([text("re: " + str(request["messages"][-1]["content"]))], delay=delay)
    )
    with tempfile.TemporaryDirectory() as folder:
        async with serve_asgi(telegram.app) as tg_url, serve_asgi(claude.app) as claude_url:
            runtime, app = await _run_bot(Path(folder), tg_url, claude_url, sequential=sequential)
            try:
                ids = range(50_000, 50_000 + users)
                for uid in ids:
                    await runtime.store.users.put(User(id=uid, chat_id=uid))
                sent_at = {}
                started = time.monotonic()
                for uid in ids:
                    sent_at[uid] = time.monotonic()
                    telegram.send_text(uid, f"question {uid}")
                done: dict[int, float] = {}
                deadline = started + delay * users + 120
                while len(done) < users and time.monotonic() < deadline:
                    for call in telegram.sent("sendMessage"):
                        uid = call.params.get("chat_id")
                        if (
                            uid in sent_at
                            and uid not in done
                            and call.params.get("text", "").startswith("re:")
                        ):
                            done[uid] = call.at - sent_at[uid]
                    await asyncio.sleep(0.05)
                wall = time.monotonic() - started
            finally:
                await _stop_bot(runtime, app)
    first: dict[int, float] = {}
    for call in telegram.calls:  # in the order the fake received them
        uid = call.params.get("chat_id")
        if call.method in VISIBLE and uid in sent_at and uid not in first:
            first[uid] = call.at - sent_at[uid]
    return wall, sorted(done.values()), sorted(first.values())


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


async def concurrency_rows(smoke: bool) -> list[Row]:
    users, baseline_users, delay = (20, 5, 1.0) if smoke else (200, 20, 1.0)
    wall, lat, first = await _latencies(users, sequential=False, delay=delay)
    b_wall, _, _ = await _latencies(baseline_users, sequential=True, delay=delay)
    projected = b_wall / baseline_users * users
    return [Row(
        f"Concurrency: {users} users at once, Claude answering after {delay:.0f} s",
        f"{wall:.2f} s wall ({wall / (delay + users / 30):.2f}× the floor); reply p50 {_pct(lat, 0.5):.2f} s, "
        f"p99 {_pct(lat, 0.99):.2f} s (ideal {delay:.1f} s); first draft or message shown p50 "
        f"{_pct(first, 0.5):.2f} s, p99 {_pct(first, 0.99):.2f} s ({len(first)} of {users} users)",
        f"PTB sequential: {b_wall:.1f} s for {baseline_users} users (≈ {projected:.0f} s for {users})",
        ratio(wall, projected),
        f"floor with Telegram's 30 msg/s: {delay + users / 30:.1f} s; baseline measured on "
        f"{baseline_users} users (sequential is linear), same bot otherwise",
    )]  # fmt: skip


async def fanout_rows(smoke: bool) -> list[Row]:

    from bot.telegram.jobs import DELIVERY_SECONDS, telegram_sender  # what the delivery job uses
    from core.services.outbox import Outbox

    count = 90 if smoke else 5000
    telegram = FakeTelegram()
    telegram.max_per_second = 30
    with tempfile.TemporaryDirectory() as folder:
        async with serve_asgi(telegram.app) as tg_url, serve_asgi(FakeClaude([]).app) as claude_url:
            runtime, app = await _run_bot(Path(folder), tg_url, claude_url, sequential=False)
            try:
                outbox = Outbox(runtime.store)
                for n in range(count):
                    await outbox.enqueue(n + 1, n + 1, f"note {n}", f"bench-{n}")

                send = telegram_sender(app.bot)

                started = time.monotonic()
                # The delivery job: a tick every DELIVERY_SECONDS (a tick during a drain finds
                # it busy), so a drain that ends at its time limit resumes at the next tick.
                while time.monotonic() - started < 600:
                    await outbox.drain(send, owner="bench")
                    if not await runtime.store.outbox.pending_count():
                        break
                    since = time.monotonic() - started
                    await asyncio.sleep(DELIVERY_SECONDS - since % DELIVERY_SECONDS)
                elapsed = time.monotonic() - started
            finally:
                await _stop_bot(runtime, app)
    texts = [c.params["text"] for c in telegram.sent("sendMessage")]
    lost = count - len(set(texts))
    doubled = len(texts) - len(set(texts))
    minimum = count / 30
    return [Row(
        f"Fan-out: {count} notifications, Bot API enforcing 30 msg/s",
        f"{elapsed:.1f} s ({len(texts) / elapsed:.1f} msg/s); lost {lost}, duplicated {doubled}, "
        f"429s received {telegram.rate_limited}",
        f"physical minimum {minimum:.1f} s",
        f"{elapsed / minimum:.2f}× the minimum",
    )]  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _spawn(args: list[str], env: dict[str, str], ready) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(*args, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
    for _ in range(600):
        if process.returncode is not None:
            raise RuntimeError(f"{args[0]} exited with {process.returncode}")
        if await ready():
            return process
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{args} did not become ready")


async def _stop(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()


async def _cpu_per_turn(kind: str, turns: int) -> float:
    """Milliseconds of the bot process's CPU per message answered."""
    telegram = FakeTelegram()
    claude = FakeClaude(lambda request: Reply([text("ok")]))
    with tempfile.TemporaryDirectory() as folder:
        async with serve_asgi(telegram.app) as tg_url, serve_asgi(claude.app) as claude_url:
            env = clean_env(
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_BASE_URL=f"{tg_url}/bot",
                ANTHROPIC_API_KEY="sk-b",
                ANTHROPIC_BASE_URL=claude_url,
                DATABASE_URL=f"sqlite:///{folder}/s.db",
                SPOTTER_ACCESS="open",
                WEB_PORT=str(free_port()),
                LOG_LEVEL="WARNING",
            )
            args = (
                [str(SPOTTER), "run"]
                if kind == "spotter"
                else [sys.executable, "-m", "bench.echo_bot"]
            )

            async def ready() -> bool:
                return bool(telegram.sent("getMe"))

            process = await _spawn(args, env, ready)
            await asyncio.sleep(1.0)
            telegram.send_text(60_000, "/help")  # admit and warm up
            await telegram.wait_for(lambda c: c.method == "sendMessage", 30)
            before = _cpu_seconds(process.pid)
            goal = len(telegram.sent("sendMessage")) + turns
            for n in range(turns):  # one message per user: the per-user rate limit stays out of it
                telegram.send_text(60_001 + n, f"hello {n}")
            await telegram.wait_for(lambda c: len(telegram.sent("sendMessage")) >= goal, 300)
            used = (_cpu_seconds(process.pid) - before) / turns * 1000
            await _stop(process)
    return used


async def overhead_rows(smoke: bool) -> list[Row]:
    turns = 30 if smoke else 300
    spot = await _cpu_per_turn("spotter", turns)
    echo = await _cpu_per_turn("echo", turns)
    return [
        Row(
            f"Bot overhead: CPU per free-form turn ({turns} turns, fakes at zero latency)",
            f"{spot:.1f} ms CPU per turn",
            f"bare PTB echo bot {echo:.1f} ms per message",
            f"{spot / echo:.1f}× the echo bot's CPU",
            "Spotter's turn: access check, coach call with tools schema, history stored, HTML reply",
        )
    ]


async def _first_answer(kind: str) -> tuple[float, float]:
    """Seconds from exec to the first answer (a /help queued before the start), and the RSS in
    MB a second later: a bare `spotter run` (empty store, no Claude key) or the echo bot."""
    telegram = FakeTelegram()
    with tempfile.TemporaryDirectory() as folder:
        async with serve_asgi(telegram.app) as tg_url:
            env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"{tg_url}/bot", DATABASE_URL=f"sqlite:///{folder}/s.db",
                            SPOTTER_ACCESS="open", WEB_PORT=str(free_port()), LOG_LEVEL="WARNING")  # fmt: skip
            args = (
                [str(SPOTTER), "run"]
                if kind == "spotter"
                else [sys.executable, "-m", "bench.echo_bot"]
            )
            telegram.send_text(60_000, "/help")
            started = time.monotonic()

            async def ready() -> bool:
                return bool(telegram.sent("sendMessage"))

            process = await _spawn(args, env, ready)
            elapsed = time.monotonic() - started
            await asyncio.sleep(1.0)
            rss = _rss_mb(process.pid)
            await _stop(process)
    return elapsed, rss


async def startup_rows(smoke: bool) -> list[Row]:
    runs = 1 if smoke else 3
    spot = sorted([await _first_answer("spotter") for _ in range(runs)])[runs // 2]
    echo = sorted([await _first_answer("echo") for _ in range(runs)])[runs // 2]
    return [Row(
        "Start-up: a bare `spotter run` (empty store, no Claude key) to its first answer",
        f"{spot[0]:.2f} s to answer /help; {spot[1]:.0f} MB RSS",
        f"bare PTB echo bot {echo[0]:.2f} s; {echo[1]:.0f} MB RSS",
        f"{spot[0] / echo[0]:.1f}× the time, {spot[1] / echo[1]:.1f}× the memory",
        f"median of {runs}; anthropic and matplotlib load when first used (with both at import: 3.1 s, 162 MB)",
    )]  # fmt: skip


async def memory_rows(smoke: bool) -> list[Row]:
    rows = await startup_rows(smoke)
    return rows + await _memory_rows(smoke)


async def _memory_rows(smoke: bool) -> list[Row]:
    users, total_sets = (200, 20_000) if smoke else (10_000, 1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "spotter.db"
        heavy_sets = await _fill(db, users, total_sets)
        from core.services.insights import Insights
        from storage.sqlite import SqliteStore

        store = await SqliteStore.open(db)
        insights = Insights(store)
        t = time.perf_counter()
        records = await insights.records(1)  # derived from every set: what a sync does once
        heavy_query = time.perf_counter() - t
        t = time.perf_counter()
        await insights.records(1)
        await insights.rep_prs(1)
        warm_query = time.perf_counter() - t
        await store.close()
        telegram = FakeTelegram()
        async with serve_asgi(telegram.app) as tg_url:
            port = free_port()
            env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"{tg_url}/bot", DATABASE_URL=f"sqlite:///{db}",
                       SPOTTER_ACCESS="open", WEB_PORT=str(port), LOG_LEVEL="WARNING")  # fmt: skip

            async def ready() -> bool:
                return bool(telegram.sent("setMyCommands"))

            process = await _spawn([str(SPOTTER), "run"], env, ready)
            await asyncio.sleep(2.0)
            rss = _rss_mb(process.pid)
            await _stop(process)
    return [
        Row(f"Memory: bot process RSS with {users:,} users and {total_sets:,} stored sets",
            f"{rss:.0f} MB", "(no baseline: the store stays on disk)", "n/a", "embedded SQLite, after start-up with all jobs scheduled"),
        Row(f"Heaviest analytics query at that size (all-time PRs over {heavy_sets:,} sets of one user)",
            f"{heavy_query:.2f} s to derive; {warm_query * 1000:.1f} ms after", f"{len(records)} exercises", "n/a", "deriving reads and reduces every set (a sync that changes the log does it); later answers reuse it"),
    ]  # fmt: skip


async def _fill(db: Path, users: int, total_sets: int) -> int:
    """A store with `users` users and about `total_sets` sets: one heavy lifter through the real
    store, the rest written in bulk with the same schema."""
    from core.hevy.models import HevyWorkout
    from sandbox.generator import Lifter, generate_workouts
    from storage.sqlite import SqliteStore

    store = await SqliteStore.open(db)
    heavy = []
    for seed in range(1, 5):
        heavy += [
            HevyWorkout.model_validate(w).to_domain()
            for w in generate_workouts(Lifter(seed=seed, weeks=260 if total_sets > 100_000 else 20))
        ]
    for i, w in enumerate(heavy):
        w.id = f"h{i}"
    await store.users.put(User(id=1, chat_id=1))
    await store.workouts.upsert(1, heavy)
    heavy_sets = len(await store.workouts.sets(1))
    await store.close()
    remaining = max(0, total_sets - heavy_sets)
    per_user = max(1, remaining // max(1, users - 1))
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO users (id, status, doc) VALUES (?, 'active', ?)",
            ((uid, json.dumps({"id": uid, "chat_id": uid})) for uid in range(2, users + 1)),
        )
        rows = (
            (uid, f"w{uid}-{n // 25}", 1_700_000_000 + n * 60, n % 25, n // 25 % 6, "79D0BB3A", "Bench", "normal", 60.0 + n % 40, 8, None, None, None)
            for uid in range(2, users + 1)
            for n in range(per_user)
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO sets (user_id, workout_id, start_time, set_index, exercise_index, template_id, title, type, "
            "weight_kg, reps, distance_m, duration_s, rpe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )  # fmt: skip
    return heavy_sets
