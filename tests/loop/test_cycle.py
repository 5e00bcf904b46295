"""Three weeks of training against the sandbox: routines updated in Hevy, the lifter told why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression
from core.models import ExerciseTemplate, OutboxMessage, Plan, PlanStatus, User
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.outbox import Outbox
from core.services.plan_loop import PlanLoop
from core.services.plan_writer import PlanWriter
from core.services.sync import SyncService
from sandbox.catalogue import built_in_templates
from tests.hevy.conftest import connector_for

USER = 77
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday
BENCH, SQUAT = "79D0BB3A", "D04AC939"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def small_plan() -> TrainingPlan:
    def day() -> PlanDay:
        return PlanDay(
            key="day-1",
            name="Day A",
            weekday=1,
            exercises=[
                PlannedExercise(template_id=BENCH, sets=3, reps=6, rep_low=6, rep_high=8, load_kg=80.0,
                                rpe=8, progression=DoubleProgression(rep_low=6, rep_high=8, target_rpe=8)),
                PlannedExercise(template_id=SQUAT, sets=3, reps=5, rep_low=5, rep_high=8, load_kg=100.0,
                                rpe=8, progression=DoubleProgression(rep_low=5, rep_high=8, misses_before_deload=2)),
            ],
        )  # fmt: skip

    weeks = [PlanWeek(number=n, days=[day()]) for n in (1, 2, 3)]
    weeks.append(PlanWeek(number=4, deload=True, days=[day()]))
    return TrainingPlan(title="Test block", split="full_body", weeks=weeks)


def log_session(
    account,
    routine_id: str,
    when: datetime,
    bench: list[int],
    squat: list[int],
    bench_kg,
    squat_kg,
    rpe=8,
):
    def sets(reps, kg, with_rpe):
        return [{"index": i, "type": "normal", "weight_kg": kg, "reps": r, "distance_meters": None,
                 "duration_seconds": None, "rpe": with_rpe, "custom_metric": None} for i, r in enumerate(reps)]  # fmt: skip

    account.put_workout(
        {
            "title": "Spotter · Day A",
            "routine_id": routine_id,
            "description": "",
            "start_time": when.isoformat(),
            "end_time": (when + timedelta(hours=1)).isoformat(),
            "exercises": [
                {"index": 0, "title": "Bench Press (Barbell)", "notes": "", "exercise_template_id": BENCH,
                 "superset_id": None, "sets": sets(bench, bench_kg, rpe)},
                {"index": 1, "title": "Squat (Barbell)", "notes": "", "exercise_template_id": SQUAT,
                 "superset_id": None, "sets": sets(squat, squat_kg, None)},
            ],
        }
    )  # fmt: skip


def routine_loads(account, routine_id: str) -> dict[str, list]:
    routine = account.routines[routine_id]
    return {
        e["exercise_template_id"]: [
            (s["weight_kg"], s["reps"]) for s in e["sets"] if s["type"] == "normal"
        ]
        for e in routine["exercises"]
    }


async def linked_lifter(store, sandbox, http, name: str):
    """USER with a sandbox Hevy account linked and the built-in catalogue stored."""
    account = sandbox.state.add_account(name)
    vault = KeyVault(parse_master_keys(generate_master_key()))
    accounts = HevyAccounts(store, vault, connector_for(sandbox.base_url, http))
    await store.users.put(User(id=USER, chat_id=USER, name=name))
    await accounts.link(USER, account.api_key)
    await store.templates.replace_all(
        USER, [ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"],
                                primary_muscle_group=t["primary_muscle_group"]) for t in built_in_templates()]
    )  # fmt: skip
    return account, accounts


async def approved_at_t0(store, writer: PlanWriter, plan_id: str) -> None:
    """The small plan, approved into Hevy, its first week starting at T0."""
    body = small_plan().model_dump(mode="json")
    await store.plans.put(Plan(id=plan_id, user_id=USER, title="Test block", body=body))
    await writer.approve(USER, plan_id)
    stored = await store.plans.get(USER, plan_id)
    await store.plans.put(stored.model_copy(update={"started_at": T0}))


async def test_three_weeks_advance_the_routines_and_explain_each_change(
    sqlite_store, sandbox, http: httpx.AsyncClient
) -> None:
    store, clock = sqlite_store, Clock()
    account, accounts = await linked_lifter(store, sandbox, http, "Cycler")
    sync = SyncService(store, clock=clock)
    await sync.sync(USER, await accounts.client_for(USER))
    writer = PlanWriter(store, accounts, HevyWriter(store))
    outbox = Outbox(store, clock=clock)
    loop = PlanLoop(store, writer, outbox, clock=clock)
    await approved_at_t0(store, writer, "p1")
    routine_id = (await store.plans.get_link(USER, "day-1")).hevy_id
    assert routine_loads(account, routine_id)[BENCH] == [(80.0, 6)] * 3

    sent: list[OutboxMessage] = []

    async def send(message: OutboxMessage) -> None:
        sent.append(message)

    weeks = [
        # bench reps, squat reps, bench kg, squat kg
        ([8, 8, 8], [6, 6, 5], 80.0, 100.0),
        ([8, 7, 7], [4, 4, 3], 82.5, 100.0),
        ([8, 8, 8], [4, 3, 3], 82.5, 100.0),
    ]
    for n, (bench, squat, bench_kg, squat_kg) in enumerate(weeks):
        clock.now = T0 + timedelta(weeks=n, days=1)
        log_session(account, routine_id, clock.now, bench, squat, bench_kg, squat_kg)
        await sync.sync(USER, await accounts.client_for(USER))
        report = await loop.after_sync(USER)
        assert report.advanced == [n + 2] and report.written and report.notified
        clock.now += timedelta(minutes=1)
        await outbox.deliver(send, owner="test")

    loads = routine_loads(account, routine_id)
    # Week 4 is the deload (TRAINING.md, "Spotter's deload"): half the sets, ~10 % lighter
    # than the 82.5 kg the lifter was on, at the bottom of the range.
    assert loads[BENCH] == [(75.0, 6), (75.0, 6)]
    # Squat missed twice → a 10% cut, but week 4 is the deload: the larger reduction applies,
    # not both (cuts don't stack).
    assert loads[SQUAT] == [(90.0, 5), (90.0, 5)]
    assert account.routines[routine_id]["title"] == "Spotter · Day A"
    assert len(account.routines) == 1, "updated in place, never duplicated"

    assert [m.text.splitlines()[0] for m in sent] == [
        "Week 2 of 4: it's in Hevy now.",
        "Week 3 of 4: it's in Hevy now.",
        "Week 4 of 4 is a deload week: it's in Hevy now.",
    ]
    assert "3×8/8/8 at 80 kg @ RPE 8: every set at 8 → +2.5 kg, back to 6 → 3×6 at 82.5 kg" in (
        sent[0].text
    )
    # A rep target the lifter sees change carries its reason too.
    assert "Squat (Barbell): 3×6/6/5 at 100 kg: aim for 6 reps → 3×6 at 100 kg" in sent[0].text
    assert "2 misses in a row → −10 kg" in sent[2].text
    assert "deload week" in sent[2].text
    plan = await store.plans.get(USER, "p1")
    assert (plan.week, plan.hevy_week, plan.notified_week, plan.status) == (
        4,
        4,
        4,
        PlanStatus.ACTIVE,
    )


async def test_a_routine_deleted_in_the_app_is_recreated_and_the_lifter_told(
    sqlite_store, sandbox, http
) -> None:
    store, clock = sqlite_store, Clock()
    account, accounts = await linked_lifter(store, sandbox, http, "Deleter")
    sync = SyncService(store, clock=clock)
    await sync.sync(USER, await accounts.client_for(USER))
    writer = PlanWriter(store, accounts, HevyWriter(store))
    outbox = Outbox(store, clock=clock)
    await approved_at_t0(store, writer, "p2")
    old_id = (await store.plans.get_link(USER, "day-1")).hevy_id
    del account.routines[old_id]  # deleted in the app

    clock.now = T0 + timedelta(weeks=1, hours=1)  # the week ran out with nothing logged
    await sync.sync(USER, await accounts.client_for(USER))
    await PlanLoop(store, writer, outbox, clock=clock).after_sync(USER)
    sent: list[OutboxMessage] = []

    async def send(message: OutboxMessage) -> None:
        sent.append(message)

    await outbox.deliver(send, "t")
    clock.now += timedelta(seconds=2)  # one message a second per chat
    await outbox.deliver(send, "t")
    assert len(account.routines) == 1 and old_id not in account.routines
    assert any("deleted in Hevy (Day A); I've put it back" in m.text for m in sent)
    assert any(
        "Nothing logged last week, so week 1 of your plan starts again" in m.text for m in sent
    )


async def test_a_week_with_nothing_logged_moves_the_block_instead_of_using_up_a_week(
    sqlite_store, sandbox, http
) -> None:
    store, clock = sqlite_store, Clock()
    account, accounts = await linked_lifter(store, sandbox, http, "Away")
    sync = SyncService(store, clock=clock)
    writer = PlanWriter(store, accounts, HevyWriter(store))
    outbox = Outbox(store, clock=clock)
    loop = PlanLoop(store, writer, outbox, clock=clock)
    await approved_at_t0(store, writer, "p3")
    routine_id = (await store.plans.get_link(USER, "day-1")).hevy_id

    clock.now = T0 + timedelta(weeks=2, days=1)  # two whole weeks away
    await sync.sync(USER, await accounts.client_for(USER))
    report = await loop.after_sync(USER)
    again = await loop.after_sync(USER)  # a second round (or a restart) changes nothing
    plan = await store.plans.get(USER, "p3")
    assert (report.shifted, report.advanced, again.shifted) == (2, [], 0)
    assert (plan.week, plan.started_at, plan.skipped_weeks) == (1, T0 + timedelta(weeks=2), 2)
    assert await store.outbox.pending_count() == 1

    log_session(account, routine_id, clock.now, [8, 8, 8], [6, 6, 6], 80.0, 100.0)
    clock.now += timedelta(days=6, hours=1)  # the moved week ends with its session logged
    await sync.sync(USER, await accounts.client_for(USER))
    report = await loop.after_sync(USER)
    assert report.advanced == [2] and report.shifted == 0
    assert routine_loads(account, routine_id)[BENCH] == [(82.5, 6)] * 3
