"""Rows measured in this process: sync, tool economy, store queries."""

from __future__ import annotations

import json
import math
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx

from bench.table import Row, ratio
from core.coach.tools import ToolBox
from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.hevy.client import HevyConnector
from core.hevy.models import HevyTemplate, HevyWorkout
from core.hevy.pacing import PacerRegistry
from core.models import User, utcnow
from core.services.hevy_accounts import HevyAccounts
from core.services.insights import Insights
from core.services.plans import PlanService
from core.services.sync import SyncService
from sandbox.generator import Lifter
from sandbox.seed import load_generated, load_snapshot
from sandbox.server import serve
from sandbox.state import SandboxState
from storage.sqlite import SqliteStore

SHARED = Path(__file__).resolve().parents[2] / "shared" / "hevy" / "fixtures"


def _fill_recent(account, weeks: int) -> None:
    """A generated history that ends today (nothing dated in the future)."""
    from datetime import UTC, datetime

    from core.engine.periods import week_start

    monday = week_start((utcnow() - timedelta(weeks=weeks)).date())
    start = datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=17)
    load_generated(account, Lifter(seed=3, weeks=weeks, start=start), until=utcnow())


async def sync_rows(smoke: bool) -> list[Row]:
    rows = []
    cases = []
    if SHARED.is_dir():
        cases.append(("real snapshot", lambda account: load_snapshot(account, SHARED)))
    weeks = 20 if smoke else 260
    cases.append((f"generated {weeks // 52 or 1}-year lifter", lambda account: _fill_recent(account, weeks)))  # fmt: skip
    for label, fill in cases:
        state = SandboxState()
        account = state.add_account()
        fill(account)
        n = len(account.workouts)
        with tempfile.TemporaryDirectory() as folder:
            async with serve(state) as sandbox, httpx.AsyncClient() as http:
                store = await SqliteStore.open(Path(folder) / "s.db")
                vault = KeyVault(parse_master_keys(generate_master_key()))
                accounts = HevyAccounts(
                    store, vault, HevyConnector(sandbox.base_url, http, pacers=PacerRegistry(0))
                )
                await store.users.put(User(id=1))
                await accounts.link(1, account.api_key)
                client = await accounts.client_for(1)
                cpu, wall = time.process_time(), time.perf_counter()
                report = await SyncService(store).sync(1, client)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                quiet = await SyncService(store).sync(1, client)
                await store.close()
        ideal = math.ceil(n / 10)
        rows.append(Row(
            f"Backfill, {label} ({n} workouts)",
            f"{report.requests} requests, {cpu:.2f} s CPU ({wall:.2f} s wall, sandbox in-process)",
            f"⌈N/10⌉ = {ideal} requests",
            f"+{report.requests - ideal} requests (count + catalogue)",
            "zero-latency sandbox; CPU includes the sandbox serving",
        ))  # fmt: skip
        rows.append(Row(f"Incremental poll, no change ({label})", f"{quiet.requests} request", "1 request (the events feed)",
                        "1.0×" if quiet.requests == 1 else "worse"))  # fmt: skip
    return rows


QUESTIONS = [
    (
        "How has my incline bench moved?",
        "exercise_progress",
        {"exercise": "Incline Bench Press (Barbell)"},
        "all",
    ),
    ("What are my PRs?", "personal_records", {"start": "2026-04-01"}, "all"),
    ("What did I do in my last workout?", "get_workout", {"day": "2026-05-23"}, "one"),
    (
        "How was my training in April?",
        "training_summary",
        {"start": "2026-04-01", "end": "2026-04-30"},
        "april",
    ),
    (
        "List my workouts since March",
        "list_workouts",
        {"start": "2026-03-01", "end": "2026-06-01"},
        "since-march",
    ),
    (
        "Sets per muscle in the week of 2026-03-02?",
        "volume_by_muscle",
        {"week_of": "2026-03-02"},
        "week",
    ),
]


async def cache_rows(smoke: bool) -> list[Row]:
    """A conversation through the real coach against the fake Claude, each question with one
    tool round; the prompt cache simulated over what was sent (tests/fakes/prompt_cache.py)."""
    import anthropic

    from core.coach.budget import cost
    from core.coach.service import Coach, CoachConfig
    from core.models import Usage
    from sandbox.server import serve_asgi
    from tests.fakes.claude import FakeClaude, Reply, text, tool_use
    from tests.fakes.prompt_cache import simulate

    questions, output = (3 if smoke else 12), 150
    asked = ["get_profile", "get_progress", "get_records", "get_week_volume"]

    def script(request: dict) -> Reply:
        last = request["messages"][-1]["content"]
        if not isinstance(last, str):  # the tool's answer came back
            return Reply([text("Here is what your log says. " * 20)], output_tokens=output)
        n = sum(1 for m in request["messages"] if m["role"] == "user") // 2
        name = asked[n % len(asked)]
        tool_input = {"exercise": "bench"} if name == "get_progress" else {}
        return Reply([tool_use(name, tool_input)], output_tokens=40)

    fake = FakeClaude(script)
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(Path(folder) / "s.db")
        await store.users.put(User(id=1, name="Lifter"))
        await store.workouts.upsert(
            1, [HevyWorkout.model_validate(w).to_domain() for w in _generated(26)]
        )
        insights = Insights(store)
        async with serve_asgi(fake.app) as url:
            client = anthropic.AsyncAnthropic(api_key="sk-bench", base_url=url)
            coach = Coach(client, store, insights, PlanService(store, insights),
                          CoachConfig(model="claude-bench", small_model="claude-small", daily_token_budget=10**9))  # fmt: skip
            for n in range(questions):
                await coach.reply(1, f"question {n}: how is my bench going?")
            await client.close()
        await store.close()
    calls = len(fake.requests)
    out_tokens = questions * (output + 40)
    now, before = simulate(fake.requests), simulate(fake.requests, messages_cached=False)
    spend = cost(
        Usage(
            input_tokens=now.fresh,
            cache_read_tokens=now.read,
            cache_write_tokens=now.write,
            output_tokens=out_tokens,
        )
    )
    counted = before.fresh + before.read + before.write + out_tokens
    return [Row(
        f"Claude prompt cache: {questions} questions in one conversation, a tool round each ({calls} calls)",
        f"cache reads {now.read_share:.0%} of input tokens; {spend / questions:,.0f} budget units a question",
        f"system and tools cached only: {before.read_share:.0%}; {counted / questions:,.0f} tokens a question counted alike",
        ratio(spend, counted),
        "input sizes simulated from the requests sent (4 chars a token, Anthropic's cache rules); budget: core/coach/budget.py",
    )]  # fmt: skip


async def tool_rows(smoke: bool) -> list[Row]:
    rows = await cache_rows(smoke)
    if not SHARED.is_dir():
        return [*rows, Row("Tool economy", "skipped", "../shared absent", "n/a")]
    raw = json.loads((SHARED / "workouts.json").read_text())
    templates = json.loads((SHARED / "exercise_templates.json").read_text())
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(Path(folder) / "s.db")
        await store.users.put(User(id=1, name="Lifter"))
        await store.templates.replace_all(
            1, [HevyTemplate.model_validate(t).to_domain() for t in templates]
        )
        await store.workouts.upsert(1, [HevyWorkout.model_validate(w).to_domain() for w in raw])
        insights = Insights(store)
        box = ToolBox(1, store, insights, PlanService(store, insights))
        total_tool = total_raw = 0
        for _question, tool, args, scope in QUESTIONS:
            out, _ = await box.run(tool, args)
            thin = _thin_wrapper_payload(raw, scope)
            total_tool += len(out)
            total_raw += len(thin)
        await store.close()
    rows.append(Row(
        f"Tool economy ({len(QUESTIONS)} analytics questions, real snapshot)",
        f"{total_tool:,} chars ≈ {total_tool // 4:,} tokens of tool output",
        f"{total_raw:,} chars ≈ {total_raw // 4:,} tokens of raw Hevy JSON",
        ratio(total_tool, total_raw),
        "the thin wrapper returns the workouts the question needs, as Hevy sends them",
    ))  # fmt: skip
    return rows


def _thin_wrapper_payload(raw: list[dict], scope: str) -> str:
    """What an API wrapper without an engine would hand the model for the question."""
    if scope == "one":
        chosen = [w for w in raw if w["start_time"].startswith("2026-05-23")]
    elif scope == "april":
        chosen = [w for w in raw if w["start_time"].startswith("2026-04")]
    elif scope == "since-march":
        chosen = [w for w in raw if w["start_time"] >= "2026-03-01"]
    elif scope == "week":
        chosen = [w for w in raw if "2026-03-02" <= w["start_time"][:10] <= "2026-03-08"]
    else:
        chosen = raw
    return json.dumps(chosen)


async def store_rows(smoke: bool) -> list[Row]:
    from tests.backends import mongo_server  # the wire server the contract tests use

    weeks = 30 if smoke else 156
    workouts = [HevyWorkout.model_validate(w).to_domain() for w in _generated(weeks)]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await SqliteStore.open(Path(folder) / "s.db")
        async with mongo_server(Path(folder)) as url:
            from storage.mongo import MongoStore

            mongo = await MongoStore.open(url, database=f"bench_{uuid.uuid4().hex[:6]}")
            for name, store in (("sqlite", sqlite), ("mongodb", mongo)):
                await store.workouts.upsert(1, workouts)
                end = workouts[-1].start_time
                start = end - timedelta(weeks=12)
                runs = 5 if smoke else 20
                t = time.perf_counter()
                for _ in range(runs):
                    rows = await store.workouts.sets(1, start, end)
                sets_ms = (time.perf_counter() - t) / runs * 1000
                t = time.perf_counter()
                for i in range(runs * 10):
                    await store.leases.claim(f"round:{i}", "bench", 60, utcnow())
                claim_ms = (time.perf_counter() - t) / (runs * 10) * 1000
                results[name] = (sets_ms, claim_ms, len(rows))
            await mongo.close()
        await sqlite.close()
    (s_sets, s_claim, n), (m_sets, m_claim, _) = results["sqlite"], results["mongodb"]
    return [
        Row(f"Store: a user's last 12 weeks of sets ({n} sets)", f"SQLite {s_sets:.1f} ms", f"MongoDB wire {m_sets:.1f} ms",
            ratio(s_sets, m_sets), "MongoDB = mongoeco's wire server (no real mongod here)"),
        Row("Store: due-user claim (lease)", f"SQLite {s_claim:.2f} ms", f"MongoDB wire {m_claim:.2f} ms",
            ratio(s_claim, m_claim), "atomic conditional UPDATE vs find_one_and_update"),
    ]  # fmt: skip


def _generated(weeks: int) -> list[dict]:
    from sandbox.generator import generate_workouts

    return generate_workouts(Lifter(seed=5, weeks=weeks))
