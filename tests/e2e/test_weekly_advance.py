"""The weekly advance end to end (issue 23): a lifter in lb and one in kg each have a plan in
Hevy and log its first week in the Hevy app; the real `spotter run`'s scheduled round syncs,
advances the plan, updates the routines in Hevy and tells the lifter why, in their unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression, RpeTopSet
from core.models import ExerciseTemplate, HevyCredential, Plan, Units, User
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_writer import PlanWriter
from core.units import kg_to_lb, lb_to_kg
from sandbox.catalogue import built_in_templates
from sandbox.server import RunningSandbox
from sandbox.state import Account
from storage.factory import open_store
from tests.hevy.conftest import connector_for

pytestmark = pytest.mark.slow  # the first scheduled round comes up to a minute after start

INTERVAL = 60  # the smallest SYNC_INTERVAL_SECONDS allowed; the first round falls within it
SECRET_KEY = generate_master_key()
BENCH, PULLDOWN, RAISE = "79D0BB3A", "6A6C31A5", "BE289E45"
SQUAT, CURL, PRESS = "D04AC939", "37FCC2BB", "7B8D84E8"


@dataclass(frozen=True)
class Lifter:
    """One lifter, every load in their own unit (as they type it into Hevy)."""

    user_id: int
    units: Units
    planned: dict[str, float]  # week 1's loads
    history: list[dict[str, float]]  # the weeks logged before the plan: they teach the steps
    backoff: float  # the press's back-off sets, as the lifter loaded them

    def kg(self, value: float) -> float:
        """What Hevy stores for `value` typed in the lifter's unit."""
        return lb_to_kg(value) if self.units == Units.LB else value


LB = Lifter(
    5101,
    Units.LB,
    {BENCH: 135, PULLDOWN: 80, RAISE: 15, SQUAT: 185, CURL: 25, PRESS: 95},
    [
        {BENCH: 125, PULLDOWN: 70, RAISE: 10, SQUAT: 175, CURL: 20, PRESS: 85},
        {BENCH: 130, PULLDOWN: 75, RAISE: 12.5, SQUAT: 180, CURL: 25, PRESS: 90},
    ],
    backoff=85,
)
KG = Lifter(
    5102,
    Units.KG,
    {BENCH: 60, PULLDOWN: 50, RAISE: 7.5, SQUAT: 100, CURL: 12, PRESS: 40},
    [
        {BENCH: 55, PULLDOWN: 45, RAISE: 5, SQUAT: 95, CURL: 10, PRESS: 37.5},
        {BENCH: 57.5, PULLDOWN: 47.5, RAISE: 6.25, SQUAT: 97.5, CURL: 12, PRESS: 37.5},
    ],
    backoff=35,
)
LIFTERS = (LB, KG)
NOW = datetime.now(UTC).replace(microsecond=0)
STARTED = NOW - timedelta(days=6)  # the plan's first week is nearly over…
SESSIONS = {"day-1": STARTED + timedelta(days=1), "day-2": STARTED + timedelta(days=3)}  # …done


def block(lifter: Lifter) -> TrainingPlan:
    """Four weeks of an upper and a lower day, the fourth a deload."""

    def ex(template_id: str, sets: int, low: int, high: int, **kw) -> PlannedExercise:
        progression = kw.pop("progression", None) or DoubleProgression(rep_low=low, rep_high=high)
        return PlannedExercise(template_id=template_id, sets=sets, reps=low, rep_low=low,
                               rep_high=high, load_kg=lifter.kg(lifter.planned[template_id]),
                               rpe=8, progression=progression, **kw)  # fmt: skip

    def days() -> list[PlanDay]:
        return [
            PlanDay(key="day-1", name="Upper", weekday=2, exercises=[
                ex(BENCH, 3, 6, 8, warmup_sets=2),
                ex(PULLDOWN, 3, 8, 12),
                ex(RAISE, 3, 10, 15),
            ]),
            PlanDay(key="day-2", name="Lower", weekday=4, exercises=[
                ex(SQUAT, 3, 5, 8, warmup_sets=2,
                   progression=DoubleProgression(rep_low=5, rep_high=8, misses_before_deload=2)),
                ex(CURL, 3, 8, 12),
                ex(PRESS, 3, 5, 5, progression=RpeTopSet(top_reps=5, top_rpe=8, backoff_sets=2)),
            ]),
        ]  # fmt: skip

    weeks = [PlanWeek(number=n, deload=n == 4, days=days()) for n in (1, 2, 3, 4)]
    return TrainingPlan(title="Upper/Lower", split="upper_lower", weeks=weeks)


def log_workout(account: Account, lifter: Lifter, title: str, when: datetime,
                sets: dict[str, list[tuple[float, int, float | None]]],
                routine_id: str | None = None) -> None:  # fmt: skip
    """A session as the Hevy app stores it: loads typed in the lifter's unit, kept in kg."""
    titles = {t["id"]: t["title"] for t in account.templates}
    account.put_workout({
        "title": title, "routine_id": routine_id, "description": "",
        "start_time": when.isoformat(), "end_time": (when + timedelta(hours=1)).isoformat(),
        "exercises": [
            {"index": i, "title": titles[tid], "notes": "", "exercise_template_id": tid,
             "superset_id": None,
             "sets": [{"index": n, "type": "normal", "weight_kg": lifter.kg(load), "reps": reps,
                       "distance_meters": None, "duration_seconds": None, "rpe": rpe,
                       "custom_metric": None} for n, (load, reps, rpe) in enumerate(rows)]}
            for i, (tid, rows) in enumerate(sets.items())
        ],
    })  # fmt: skip


def log_history(account: Account, lifter: Lifter) -> None:
    """Two weeks before the plan, at loads one step apart (the lifter's own steps)."""
    for n, loads in enumerate(lifter.history):
        when = STARTED - timedelta(weeks=len(lifter.history) - n)
        upper = {t: [(loads[t], 8, None)] * 3 for t in (BENCH, PULLDOWN, RAISE)}
        lower = {t: [(loads[t], 6, None)] * 3 for t in (SQUAT, CURL, PRESS)}
        log_workout(account, lifter, "Upper", when + timedelta(days=1), upper)
        log_workout(account, lifter, "Lower", when + timedelta(days=3), lower)


def log_week_one(account: Account, lifter: Lifter, routines: dict[str, str]) -> None:
    """The plan's first week from its routines: bench, pulldown and raise at the top of their
    ranges, the squat missed, curls a rep or two up, the press's top set easier than asked."""
    load = lifter.planned
    log_workout(account, lifter, "Spotter · Upper", SESSIONS["day-1"], {
        BENCH: [(load[BENCH], 8, 8.0)] * 3,
        PULLDOWN: [(load[PULLDOWN], 12, 8.0)] * 3,
        RAISE: [(load[RAISE], 15, 8.0)] * 3,
    }, routines["day-1"])  # fmt: skip
    log_workout(account, lifter, "Spotter · Lower", SESSIONS["day-2"], {
        SQUAT: [(load[SQUAT], 4, 9.5), (load[SQUAT], 4, 9.5), (load[SQUAT], 3, 10.0)],
        CURL: [(load[CURL], 10, 8.0), (load[CURL], 9, 8.0), (load[CURL], 9, 8.0)],
        PRESS: [(load[PRESS], 5, 7.0), (lifter.backoff, 5, None), (lifter.backoff, 5, None)],
    }, routines["day-2"])  # fmt: skip


async def seed(hevy: RunningSandbox, env: dict[str, str]) -> None:
    """Each lifter linked, with a log in Hevy and the block approved into Hevy six days ago
    (the approval wrote week 1's routines), then the week's two sessions logged from them."""
    store = await open_store(env["DATABASE_URL"])
    vault = KeyVault(parse_master_keys(env["SPOTTER_SECRET_KEY"]))
    templates = [
        ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"],
                         primary_muscle_group=t["primary_muscle_group"])
        for t in built_in_templates()
    ]  # fmt: skip
    try:
        async with httpx.AsyncClient() as http:
            accounts = HevyAccounts(store, vault, connector_for(hevy.base_url, http))
            writer = PlanWriter(store, accounts, HevyWriter(store))
            for lifter in LIFTERS:
                uid = lifter.user_id
                account = hevy.state.add_account(f"Lifter {uid}")
                log_history(account, lifter)
                await store.users.put(
                    User(id=uid, chat_id=uid, name="Lifter", units=lifter.units, set_up=True)
                )
                sealed = vault.encrypt(account.api_key, owner=uid)
                await store.credentials.put(HevyCredential(user_id=uid, ciphertext=sealed))
                await store.templates.replace_all(uid, templates)
                body = block(lifter).model_dump(mode="json")
                await store.plans.put(Plan(id=f"p{uid}", user_id=uid, title="Upper/Lower",
                                           body=body, created_at=STARTED))  # fmt: skip
                written = await writer.approve(uid, f"p{uid}")
                await store.plans.put(written.plan.model_copy(update={"started_at": STARTED}))
                routines = {key: r.hevy_id for key, r in written.routines.items()}
                log_week_one(account, lifter, routines)
    finally:
        await store.close()


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {
        "SPOTTER_ACCESS": "open",
        "SPOTTER_SECRET_KEY": SECRET_KEY,
        "SYNC_INTERVAL_SECONDS": str(INTERVAL),
    }


@pytest.fixture
def before_start():
    return seed


def routine_puts(stack, lifter: Lifter) -> list[dict]:
    """The routines the process PUT to this lifter's Hevy account (whole bodies)."""
    name = f"Lifter {lifter.user_id}"
    account = next(a for a in stack.hevy.state.accounts.values() if a.user["name"] == name)
    return [
        r.body["routine"]
        for r in stack.hevy.state.requests
        if r.method == "PUT" and r.path.startswith("/v1/routines/") and r.api_key == account.api_key
    ]


def loads_in_text(text: str, unit: str) -> list[float]:
    """Every load the text names (an e1RM is an estimate, not a load: it is left out)."""
    return [float(v) for v in re.findall(rf"(?<!e1RM )\b(\d+(?:\.\d+)?) {unit}\b", text)]


async def weekly_update(stack, lifter: Lifter) -> str:
    """The week's update as the lifter's chat shows it, once the scheduled round has run."""
    call = await stack.telegram.wait_for(
        lambda c: (
            c.method == "sendMessage"
            and c.params.get("chat_id") == lifter.user_id
            and c.params.get("text", "").startswith("Week 2 of 4")
        ),
        INTERVAL + 30,
    )
    return call.params["text"]


def change_lines(update: str) -> dict[str, str]:
    """Each bullet of the update by exercise title: its reason and its new target."""
    lines = [line.removeprefix("• ") for line in update.splitlines() if line.startswith("• ")]
    return dict(line.split(": ", 1) for line in lines)


def read_update(update: str, unit: str, grid: float) -> dict[str, tuple[str, str]]:
    """The update as its lifter reads it, checked: their unit only, loads round on their grid,
    and a short reason for every change. Each change's (reason, target) by exercise title."""
    other = {"lb": "kg", "kg": "lb"}[unit]
    assert update.splitlines()[0] == "Week 2 of 4: it's in Hevy now.", update
    assert not re.search(rf"\b{other}\b", update), update
    assert not re.search(r"\d\.\d\d\d|\d\.\d[1-46-9]", update), f"a 36.28-style load: {update}"
    assert all(v % grid == 0 for v in loads_in_text(update, unit)), update
    changes = {}
    for title, line in change_lines(update).items():
        reason, _, target = line.rpartition(" → ")
        assert reason and len(reason) <= 120, f"{title}: no short reason in {line!r}"
        sets = rf"\d+×\d+ at \d+(\.\d+)? {unit}"
        assert re.fullmatch(rf"{sets}( \+ {sets})?", target), (title, target)
        changes[title] = (reason, target)
    assert len(changes) == len(update.splitlines()) - 1, "every line after the head is a change"
    return changes


def hevy_weights(stack, lifter: Lifter, template_id: str | None = None) -> list[float]:
    """Every set's weight_kg in the routines PUT for the lifter (one exercise's, or all)."""
    return [
        s["weight_kg"]
        for r in routine_puts(stack, lifter)
        for e in r["exercises"]
        if template_id in (None, e["exercise_template_id"])
        for s in e["sets"]
    ]


async def test_a_logged_week_advances_in_the_lifters_unit_with_reasons_and_hevy_gets_kg_once(
    stack,
) -> None:
    # The lb lifter reads lb only, round on the lb grid, a short reason for every change.
    changes = read_update(await weekly_update(stack, LB), "lb", 2.5)
    assert changes["Bench Press (Barbell)"] == (
        "3×8/8/8 at 135 lb @ RPE 8: every set at 8 → +5 lb, back to 6",
        "3×6 at 140 lb",
    )
    assert changes["Lat Pulldown (Cable)"][1] == "3×8 at 85 lb"  # their 5 lb stack step
    assert "Squat (Barbell)" not in changes, "a first miss holds: nothing changes"
    # A top set and its back-offs, as Hevy gets them (not "3×5 at 100 lb").
    assert changes["Overhead Press (Barbell)"][1] == "1×5 at 100 lb + 2×5 at 90 lb"

    # Hevy gets each load as a round lb value divided by Hevy's factor once, exactly.
    puts = routine_puts(stack, LB)
    assert sorted(r["title"] for r in puts) == ["Spotter · Lower", "Spotter · Upper"]
    weights = hevy_weights(stack, LB)
    assert weights and all(w == lb_to_kg(round(kg_to_lb(w) * 2) / 2) for w in weights), weights
    assert all(round(kg_to_lb(w), 6) % 2.5 == 0 for w in weights), weights
    assert hevy_weights(stack, LB, PULLDOWN) == [lb_to_kg(85)] * 3  # 38.555…, not 84.99 lb
    assert hevy_weights(stack, LB, PRESS) == [lb_to_kg(100), lb_to_kg(90), lb_to_kg(90)]
    notes = " ".join(e["notes"] or "" for r in puts for e in r["exercises"])
    assert "lb" in notes and not re.search(r"\bkg\b", notes), notes

    # The kg lifter's same week, in the same process: kg text, round kg loads in Hevy.
    kg_changes = read_update(await weekly_update(stack, KG), "kg", 0.25)
    assert kg_changes["Lat Pulldown (Cable)"][1] == "3×8 at 52.5 kg"
    kg_weights = hevy_weights(stack, KG)
    assert kg_weights and all(w * 4 == round(w * 4) for w in kg_weights), kg_weights
    assert "Traceback" not in stack.log.read_text()
