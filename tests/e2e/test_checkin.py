"""The readiness check-in end to end (issue 24): a linked lifter with a plan in Hevy answers
"½ time, tired" on a training day through the real `spotter run`; today's routine is updated in
Hevy in place (PUT) and nothing else is; the lifter logs the fitted session, the scheduled round
advances the week, and the next week's write puts the plan back, the fitted day read as fitted
(not as misses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression
from core.models import ExerciseTemplate, HevyCredential, Plan, Units, User
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_writer import PlanWriter
from sandbox.catalogue import built_in_templates
from sandbox.server import RunningSandbox
from storage.factory import open_store
from tests.e2e.test_weekly_advance import Lifter, log_workout
from tests.hevy.conftest import connector_for

pytestmark = pytest.mark.slow  # the advance waits for a scheduled round (up to two minutes)

INTERVAL = 60
SECRET_KEY = generate_master_key()
USER = 5301
BENCH, PULLDOWN, ROW, RAISE, CURL, PUSHDOWN = (
    "79D0BB3A", "6A6C31A5", "0393F233", "BE289E45", "37FCC2BB", "93A552C6",
)  # fmt: skip
SQUAT = "D04AC939"
LOADS = {BENCH: 80, PULLDOWN: 60, ROW: 60, RAISE: 10, CURL: 14, PUSHDOWN: 30, SQUAT: 100}
LIFTER = Lifter(USER, Units.KG, LOADS, [], backoff=0)
NOW = datetime.now(UTC).replace(microsecond=0)
STARTED = NOW - timedelta(days=6)
LOWER_DONE = NOW - timedelta(days=3)


def block() -> TrainingPlan:
    """Upper today (6 lifts) and Lower three days ago, for four weeks."""

    def ex(tid: str, sets: int, low: int, high: int, rest: int = 120, **kw) -> PlannedExercise:
        model = DoubleProgression(rep_low=low, rep_high=high)
        return PlannedExercise(template_id=tid, sets=sets, reps=low, rep_low=low, rep_high=high,
                               load_kg=LOADS[tid], rpe=8, rest_seconds=rest, progression=model,
                               **kw)  # fmt: skip

    def days() -> list[PlanDay]:
        return [
            PlanDay(key="day-1", name="Upper", weekday=NOW.isoweekday(), exercises=[
                ex(BENCH, 4, 6, 8, rest=180, warmup_sets=2),
                ex(PULLDOWN, 3, 8, 12),
                ex(ROW, 3, 8, 12),
                ex(RAISE, 3, 12, 15, rest=60),
                ex(CURL, 3, 10, 12, rest=60),
                ex(PUSHDOWN, 3, 10, 12, rest=60),
            ]),
            PlanDay(key="day-2", name="Lower", weekday=LOWER_DONE.isoweekday(), exercises=[
                ex(SQUAT, 3, 5, 8, rest=180, warmup_sets=2),
            ]),
        ]  # fmt: skip

    weeks = [PlanWeek(number=n, days=days()) for n in (1, 2, 3, 4)]
    return TrainingPlan(title="Upper/Lower", split="upper_lower", weeks=weeks)


async def seed(hevy: RunningSandbox, env: dict[str, str]) -> None:
    """A linked lifter whose block went into Hevy six days ago; Lower is logged already."""
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
            account = hevy.state.add_account(f"Lifter {USER}")
            await store.users.put(User(id=USER, chat_id=USER, name="Lifter", set_up=True))
            sealed = vault.encrypt(account.api_key, owner=USER)
            await store.credentials.put(HevyCredential(user_id=USER, ciphertext=sealed))
            await store.templates.replace_all(USER, templates)
            body = block().model_dump(mode="json")
            await store.plans.put(
                Plan(id="p1", user_id=USER, title="Upper/Lower", body=body, created_at=STARTED)
            )
            written = await writer.approve(USER, "p1")
            await store.plans.put(written.plan.model_copy(update={"started_at": STARTED}))
            lower = written.routines["day-2"].hevy_id
            log_workout(
                account, LIFTER, "Spotter · Lower", LOWER_DONE, {SQUAT: [(100, 6, 8.0)] * 3}, lower
            )
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


def routine_writes(stack, since: int = 0) -> list:
    """Every routine write (POST or PUT) the process sent to Hevy, after request `since`."""
    return [
        r
        for r in stack.hevy.state.requests[since:]
        if r.method in ("PUT", "POST") and r.path.startswith("/v1/routines")
    ]


def buttons(call) -> dict[str, str]:
    return {
        b["text"].removeprefix("✓ "): b["callback_data"]
        for row in call.params["reply_markup"]["inline_keyboard"]
        for b in row
    }


async def test_half_time_tired_updates_todays_routine_only_and_next_week_restores_the_plan(
    stack,
) -> None:
    tg, hevy = stack.telegram, stack.hevy.state
    account = next(a for a in hevy.accounts.values() if a.user["name"] == f"Lifter {USER}")
    routines = {r["title"]: r["id"] for r in account.routines.values()}
    upper_id, lower_id = routines["Spotter · Upper"], routines["Spotter · Lower"]
    before = len(hevy.requests)

    tg.send_text(USER, "/today")
    checkin = await tg.wait_for(lambda c: "ck:" in str(c.params.get("reply_markup")), 30)
    assert "How much time do you have" in checkin.params["text"]
    tg.press(USER, checkin, buttons(checkin)["~½"])
    half = await tg.wait_for(
        lambda c: c.method == "editMessageText" and "is updated" in c.params.get("text", ""), 30
    )
    tg.press(USER, half, buttons(half)["Tired"])
    said = await tg.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and "lighter" in c.params.get("text", "")
            and "is updated" in c.params.get("text", "")
        ),
        30,
    )
    text = said.params["text"]
    assert len(text.splitlines()) <= 8, text
    line = text.splitlines()[-1]
    assert line.startswith("Today: ") and " of 6 lifts" in line, line
    assert line.endswith("Hevy's “Upper” is updated."), line

    # A second tap on Tired (a double tap) answers again but writes nothing more.
    edits = len(tg.sent("editMessageText"))
    tg.press(USER, said, buttons(said)["Tired"])
    await tg.wait_for(lambda c: len(tg.sent("editMessageText")) > edits, 30)

    # Hevy: today's routine PUT in place, twice (one per answer); nothing created, nothing else.
    writes = routine_writes(stack, before)
    assert [(w.method, w.path) for w in writes] == [("PUT", f"/v1/routines/{upper_id}")] * 2
    today = writes[-1].body["routine"]
    assert today["title"] == "Spotter · Upper"
    kept = {e["exercise_template_id"]: e for e in today["exercises"]}
    assert BENCH in kept and len(kept) < 6
    assert {CURL, PUSHDOWN, RAISE} - set(kept), "arms and small muscles go first"
    bench = [s for s in kept[BENCH]["sets"] if s["type"] == "normal"]
    assert len(bench) == 4, "the first heavy compound keeps its work"
    assert all(72 <= s["weight_kg"] <= 76 for s in bench), bench  # 5–10 % under 80 kg
    assert account.routines[lower_id]["exercises"][0]["sets"][-1]["weight_kg"] == 100

    # The lifter trains what Hevy shows; the scheduled round advances the week.
    done = {
        tid: [(s["weight_kg"], s["reps"], 8.0) for s in e["sets"] if s["type"] == "normal"]
        for tid, e in kept.items()
    }
    log_workout(account, LIFTER, "Spotter · Upper", NOW - timedelta(minutes=5), done, upper_id)
    update = await tg.wait_for(
        lambda c: c.method == "sendMessage" and c.params.get("text", "").startswith("Week 2 of 4"),
        2 * INTERVAL + 30,
    )
    assert "miss" not in update.params["text"], update.params["text"]

    # Next week's write puts the plan back: every lift, its sets, no lighter load.
    restored = [
        w.body["routine"]
        for w in routine_writes(stack, before)[2:]
        if w.path == f"/v1/routines/{upper_id}"
    ]
    assert restored, "the weekly advance rewrote Upper"
    week2 = {e["exercise_template_id"]: e for e in restored[-1]["exercises"]}
    assert set(week2) == {BENCH, PULLDOWN, ROW, RAISE, CURL, PUSHDOWN}
    bench2 = [s for s in week2[BENCH]["sets"] if s["type"] == "normal"]
    assert len(bench2) == 4 and all(s["weight_kg"] >= 80 for s in bench2), bench2
    assert all(
        s["weight_kg"] >= LOADS[tid] for tid, e in week2.items() for s in e["sets"]
        if s["type"] == "normal"
    )  # fmt: skip
    assert "Traceback" not in stack.log.read_text()
