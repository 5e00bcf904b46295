"""The weekly advance (`next_week`) coming back from time off and through a run of misses
(TRAINING.md, "Return from a break", "Reading a logged session", "Misses"): the plan's climb goes
on from what was actually lifted, and only from a week that went fully well; a week that cuts
the load does not add a set; a deload week neither adds nor clears misses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression, RpeTopSet
from core.models import ExerciseSet, ExerciseTemplate, Plan, Units, Workout, WorkoutExercise
from core.ports import Store
from core.services.plan_loop import next_week, ramp_share
from core.units import LB_PER_KG

CATALOGUE = {"squat": ExerciseTemplate(id="squat", title="Squat", equipment="barbell")}
TOP = RpeTopSet(top_reps=3, top_rpe=8, backoff_sets=1)
SHARES = {1: 70, 2: 80, 3: 90}  # the plan after 35 weeks off: ~70 % → full by week 4
RAMP = {1: 180, 2: 205, 3: 230, 4: 255}  # lb, the plan's own weeks


def lb(x: float) -> float:
    return x / LB_PER_KG


def comeback(week2_lb: float, week2_misses: int = 0) -> TrainingPlan:
    def day(n: int) -> PlanDay:
        note = f"This week ~{SHARES[n]} % of it after the time off." if n in SHARES else ""
        return PlanDay(key="d1", name="Day", exercises=[PlannedExercise(
            template_id="squat", sets=2, reps=3, load_kg=lb(RAMP[n]), rpe=8, progression=TOP,
            notes=note)])  # fmt: skip

    weeks = [PlanWeek(number=n, days=[day(n)]) for n in RAMP]
    # Week 2 as the advance wrote it (the plan's own week 2, or a held load after a miss).
    weeks[1].days[0].exercises[0] = (
        weeks[1]
        .days[0]
        .exercises[0]
        .model_copy(update={"load_kg": lb(week2_lb), "misses": week2_misses})
    )
    return TrainingPlan(title="t", split="full_body", weeks=weeks)


def session(sets: list[tuple[float, int, float | None]], tid: str = "squat") -> Workout:
    return Workout(id="w", start_time=datetime(2026, 3, 3, tzinfo=UTC), exercises=[
        WorkoutExercise(index=0, template_id=tid, sets=[
            ExerciseSet(index=i, weight_kg=lb(load), reps=reps, rpe=rpe)
            for i, (load, reps, rpe) in enumerate(sets)])])  # fmt: skip


def week3(training: TrainingPlan, logged: Workout) -> tuple[float, str]:
    upcoming, changes = next_week(training, 2, {"d1": logged}, CATALOGUE, Units.LB, [logged])
    ex = upcoming.days[0].exercises[0]
    return round((ex.load_kg or 0) * LB_PER_KG, 1), " ".join(c.text for c in changes)


def test_a_full_week_at_the_plans_ramp_load_takes_the_plans_next_load() -> None:
    load, why = week3(comeback(205), session([(205, 3, 8.0), (185, 3, None)]))
    assert load == 230, why
    assert "the ramp goes on: 230 lb" in why


def test_a_held_week_after_a_miss_takes_a_normal_step_not_the_ramp() -> None:
    """Week 1 missed at 180, week 2 held at 180 and made: week 3 is the normal step from 180
    (it was 230, a triple above the 212 lb e1RM)."""
    load, why = week3(comeback(180, week2_misses=1), session([(180, 3, 8.0), (160, 3, None)]))
    assert load == 185, why
    assert "ramp" not in why


def test_a_lighter_week_goes_on_with_the_ramp_from_the_load_lifted() -> None:
    """Planned 205 (80 %), made at 185: week 3 is 185 × 90/80 ≈ 210 lb, not the plan's 230."""
    load, why = week3(comeback(205), session([(185, 3, 8.0), (165, 3, None)]))
    assert load == 210, why
    assert "the ramp goes on from 185 lb: 210 lb" in why


def test_a_volume_shortfall_does_not_take_the_ramp() -> None:
    load, why = week3(comeback(205), session([(205, 3, 8.0)]))
    assert load < 230, why


BENCH = DoubleProgression(rep_low=6, rep_high=8, misses_before_deload=3)


def block(sets: list[int], misses: int, deload: int | None = None) -> TrainingPlan:
    def day(n: int) -> PlanDay:
        return PlanDay(key="d1", name="Day", exercises=[PlannedExercise(
            template_id="squat", sets=n, reps=6, rep_low=6, rep_high=8, load_kg=lb(90), rpe=8,
            progression=BENCH, misses=misses)])  # fmt: skip

    days = [day(n) for n in sets]
    weeks = [PlanWeek(number=i + 1, deload=i + 1 == deload, days=[d]) for i, d in enumerate(days)]
    return TrainingPlan(title="t", split="full_body", weeks=weeks)


def test_a_week_that_cuts_the_load_holds_the_sets() -> None:
    """The third miss in a row cuts the load; the block's extra set waits ("3 misses → −10 lb;
    the block builds: 5 sets" was a cut and more volume in one week)."""
    training = block([4, 5], misses=2)
    logged = session([(90, 6, None)] * 3 + [(90, 4, None)])
    upcoming, (change,) = next_week(training, 1, {"d1": logged}, CATALOGUE, Units.LB, [logged])
    ex = upcoming.days[0].exercises[0]
    assert ex.load_kg is not None and ex.load_kg < lb(90) - 1e-6, change.text
    assert ex.sets == 4, change.text
    assert "the block builds" not in change.text


def test_a_deload_week_neither_adds_nor_clears_misses() -> None:
    """Two misses, then a deload week done as asked: the run of misses goes on after it, so the
    next miss is the third in a row and brings the one cut."""
    training = block([4, 2, 4], misses=2, deload=2)
    logged = session([(80, 6, 6.0)] * 2)
    upcoming, _ = next_week(training, 2, {"d1": logged}, CATALOGUE, Units.LB, [logged])
    assert upcoming.days[0].exercises[0].misses == 2
    missed = session([(80, 4, 10.0)] * 2)
    training = block([4, 2, 4], misses=1, deload=2)
    upcoming, _ = next_week(training, 2, {"d1": missed}, CATALOGUE, Units.LB, [missed])
    assert upcoming.days[0].exercises[0].misses == 1


def test_the_ramp_goes_on_from_the_share_stored_in_the_plan_not_from_its_notes() -> None:
    """A plan made now keeps each comeback week's share as data: notes reworded (or in another
    language) no longer lose the ramp (it was parsed back out of the note's words)."""
    training = comeback(205)
    for week in training.weeks:
        ex = week.days[0].exercises[0]
        share = SHARES.get(week.number, 100) / 100
        week.days[0].exercises[0] = ex.model_copy(
            update={"notes": "Back after a break.", "ramp_share": share if share < 1 else None}
        )
    stored = TrainingPlan.model_validate(training.model_dump(mode="json"))
    load, why = week3(stored, session([(205, 3, 8.0), (185, 3, None)]))
    assert load == 230, why
    assert "the ramp goes on: 230 lb" in why


async def test_a_plans_ramp_share_round_trips_through_the_store_and_old_plans_still_load(
    store: Store,
) -> None:
    training = comeback(205)
    ex = training.weeks[0].days[0].exercises[0]
    training.weeks[0].days[0].exercises[0] = ex.model_copy(update={"ramp_share": 0.7})
    body = training.model_dump(mode="json")
    old = json.loads(json.dumps(body))
    for week in old["weeks"]:  # a plan stored before the field: its notes say the share
        for e in week["days"][0]["exercises"]:
            del e["ramp_share"]
    await store.plans.put(Plan(id="new", user_id=1, body=body))
    await store.plans.put(Plan(id="old", user_id=1, body=old))
    new_plan, old_plan = await store.plans.get(1, "new"), await store.plans.get(1, "old")
    assert new_plan is not None and old_plan is not None
    read = TrainingPlan.model_validate(new_plan.body)
    assert read.weeks[0].days[0].exercises[0].ramp_share == 0.7
    assert read.weeks[1].days[0].exercises[0].ramp_share is None
    before = TrainingPlan.model_validate(old_plan.body)
    assert [ramp_share(w.days[0].exercises[0]) for w in before.weeks] == [0.7, 0.8, 0.9, 1.0]
