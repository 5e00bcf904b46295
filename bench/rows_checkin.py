"""The readiness check-in's answer time: a tap fits today's session and PUTs today's routine."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.table import Row, ratio
from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.readiness import Answer
from core.hevy.client import HevyConnector
from core.hevy.pacing import PacerRegistry
from core.models import Plan, User, utcnow
from core.services.checkin import CheckIns
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_writer import PlanWriter
from core.services.sync import SyncService
from core.services.user_lease import UserLeases
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from sandbox.server import serve
from sandbox.state import SandboxState
from storage.sqlite import SqliteStore

# Upper day of built-in exercises: bench, pulldown, row, lateral raise, curl, pushdown.
UPPER = (("79D0BB3A", 4, 80.0), ("6A6C31A5", 3, 60.0), ("0393F233", 3, 60.0),
         ("BE289E45", 3, 10.0), ("37FCC2BB", 3, 14.0), ("93A552C6", 3, 30.0))  # fmt: skip
ANSWERS = (Answer("half", "tired"), Answer("two_thirds", "good"), Answer("all", "tired"))


async def checkin_rows(smoke: bool) -> list[Row]:
    taps = 6 if smoke else 30
    weeks = 12 if smoke else 52
    state = SandboxState()
    account = state.add_account()
    load_generated(account, Lifter(seed=3, weeks=weeks), until=utcnow())
    today = utcnow().date()
    day = PlanDay(
        key="day-1",
        name="Upper",
        weekday=today.isoweekday(),
        exercises=[
            PlannedExercise(
                template_id=tid,
                sets=sets,
                reps=8,
                rep_low=8,
                rep_high=12,
                load_kg=load,
                rest_seconds=120,
            )
            for tid, sets, load in UPPER
        ],
    )
    training = TrainingPlan(
        title="Bench", split="full_body", weeks=[PlanWeek(number=1, days=[day])]
    )
    with tempfile.TemporaryDirectory() as folder:
        async with serve(state) as sandbox, httpx.AsyncClient() as http:
            store = await SqliteStore.open(Path(folder) / "s.db")
            vault = KeyVault(parse_master_keys(generate_master_key()))
            connector = HevyConnector(sandbox.base_url, http, pacers=PacerRegistry(0))
            accounts = HevyAccounts(store, vault, connector)
            await store.users.put(User(id=1, chat_id=1))
            await accounts.link(1, account.api_key)
            await SyncService(store).sync(1, await accounts.client_for(1))
            leases = UserLeases(store)
            writer = PlanWriter(store, accounts, HevyWriter(store), leases)
            body = training.model_dump(mode="json")
            await store.plans.put(Plan(id="p", user_id=1, title="Bench", body=body))
            await writer.approve(1, "p")
            checkins = CheckIns(store, accounts, HevyWriter(store), leases)
            puts_before = sum(1 for r in state.requests if r.method == "PUT")
            times = []
            for n in range(taps):
                started = time.perf_counter()
                await checkins.answer(1, today, ANSWERS[n % len(ANSWERS)])
                times.append(time.perf_counter() - started)
            puts = sum(1 for r in state.requests if r.method == "PUT") - puts_before
            workouts = await store.workouts.count(1)
            await store.close()
    median, worst = statistics.median(times), max(times)
    return [
        Row(
            f"Check-in answer: fit today + PUT today's routine ({workouts} workouts logged)",
            f"median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms over {taps} taps; "
            f"{puts / taps:.0f} PUT a tap",
            "a tap answered within 1 s; 1 PUT",
            ratio(median, 1.0),
            "zero-latency sandbox in-process; Hevy's own latency comes on top",
        )
    ]
