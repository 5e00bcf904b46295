"""Rows for the coach's open questions: calls and tokens per analytics question on the real
snapshot, and what the query database and the PR tools cost on a 5-year lifter."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.analytics import QUESTIONS, ask
from bench.table import Row
from core.coach.tools import ToolBox
from core.hevy.models import HevyTemplate, HevyWorkout
from core.models import User, utcnow
from core.services.insights import Insights
from core.services.log_query import TrainingLog
from core.services.plans import PlanService
from sandbox.catalogue import built_in_templates
from sandbox.generator import Lifter, generate_workouts
from storage.sqlite import SqliteStore

SHARED = Path(__file__).resolve().parents[2] / "shared" / "hevy" / "fixtures"


async def _store(folder: str, workouts: list[dict], templates: list[dict]) -> SqliteStore:
    store = await SqliteStore.open(Path(folder) / "s.db")
    await store.users.put(User(id=1, name="Lifter"))
    await store.templates.replace_all(
        1, [HevyTemplate.model_validate(t).to_domain() for t in templates]
    )
    await store.workouts.upsert(1, [HevyWorkout.model_validate(w).to_domain() for w in workouts])
    return store


def _box(store: SqliteStore, log: TrainingLog | None = None) -> ToolBox:
    insights = Insights(store)
    return ToolBox(1, store, insights, PlanService(store, insights), log)


async def query_rows(smoke: bool) -> list[Row]:
    rows = []
    if SHARED.is_dir():
        raw = json.loads((SHARED / "workouts.json").read_text())
        templates = json.loads((SHARED / "exercise_templates.json").read_text())
        with tempfile.TemporaryDirectory() as folder:
            store = await _store(folder, raw, templates)
            box = _box(store)
            answered = [await ask(box, q) for q in QUESTIONS]
            await store.close()
        calls = [a.calls for a in answered]
        tokens = [a.tokens for a in answered]
        rows.append(Row(
            f"Open questions ({len(QUESTIONS)}, real snapshot): tool calls per question",
            f"mean {statistics.mean(calls):.2f}, max {max(calls)}",
            "hevy-mcp ~9.7 calls (HT224/hevy-mcp-eval)",
            f"{9.7 / statistics.mean(calls):.1f}×",
            "a scripted policy over the real tools; each answer checked in tests",
        ))  # fmt: skip
        rows.append(Row(
            "Open questions: tool output per question",
            f"mean {statistics.mean(tokens):.0f} tokens, max {max(tokens)}",
            "hevy-mcp ~300k tokens",
            f"{300_000 / statistics.mean(tokens):.0f}×",
            "tokens estimated at 3 characters each (an upper bound for JSON)",
        ))  # fmt: skip
    weeks = 30 if smoke else 260
    workouts = generate_workouts(Lifter(seed=5, weeks=weeks))
    with tempfile.TemporaryDirectory() as folder:
        store = await _store(folder, workouts, built_in_templates())
        sets = len(await store.workouts.sets(1))
        log = TrainingLog(store)
        box = _box(store, log)
        sql = {"sql": "SELECT exercise, max(e1rm_kg) FROM sets GROUP BY exercise"}
        started = time.perf_counter()
        await box.run("query_training_log", sql)
        cold = (time.perf_counter() - started) * 1000
        runs = 5 if smoke else 20
        started = time.perf_counter()
        for _ in range(runs):
            await box.run("query_training_log", sql)
        warm = (time.perf_counter() - started) / runs * 1000
        insights = Insights(store)
        started = time.perf_counter()
        await insights.warm(1)  # what a sync that changed the log does
        derive = (time.perf_counter() - started) * 1000
        warmed = ToolBox(1, store, insights, PlanService(store, insights), log)
        timings = {}
        for name, args in (
            ("personal_records", {"start": "2020-01-01"}),
            ("exercise_progress", {"exercise": "Bench Press (Barbell)"}),
        ):
            started = time.perf_counter()
            for _ in range(runs):
                await warmed.run(name, args)
            timings[name] = (time.perf_counter() - started) / runs * 1000
        started = time.perf_counter()
        for _ in range(runs):
            await insights.pr_report(1, utcnow() - timedelta(weeks=4))
        timings["/prs"] = (time.perf_counter() - started) / runs * 1000
        await store.close()
    label = f"{weeks // 52 or 1}-year lifter, {sets:,} sets"
    rows.append(Row(
        f"Query database ({label}): first question / later ones",
        f"cold {cold:.0f} ms / warm {warm:.1f} ms",
        "targets 300 ms / ~0",
        "",
        "cold = read the log from the store and build the per-user database",
    ))  # fmt: skip
    rows.append(Row(
        f"PR answers ({label}): personal_records / exercise_progress / /prs",
        f"{timings['personal_records']:.0f} / {timings['exercise_progress']:.0f} / "
        f"{timings['/prs']:.0f} ms",
        "target 50 ms",
        "",
        f"records derived once per log version, after the sync ({derive:.0f} ms)",
    ))  # fmt: skip
    return rows
