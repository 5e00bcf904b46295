"""Every reason the lifter sees matches the numbers beside it, in their unit: the note Hevy and
the plan show with next week's prescription is that week's reason, not the block's first note
("same load, aim for 9" beside 11 reps); a comeback ramp or a deload that sets the week drops
the advance's own aim ("aim for 6 reps" beside 2×5)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression
from core.models import ExerciseSet, ExerciseTemplate, Units, Workout, WorkoutExercise
from core.services.plan_loop import next_week
from core.units import LB_PER_KG

ROW = "row"
CATALOGUE = {ROW: ExerciseTemplate(id=ROW, title="Row", equipment="barbell")}
MODEL = DoubleProgression(rep_low=8, rep_high=12)
CAUTION_FREE = "Your last hard week: 3×8 at 135 lb: same load, aim for 9."


def lb(x: float) -> float:
    return x / LB_PER_KG


def plan(loads: list[float], shares: list[float | None], deload_last: bool = False):
    def ex(n: int) -> PlannedExercise:
        share = shares[n - 1]
        note = CAUTION_FREE + (
            f" This week ~{round(share * 100)} % of it after the time off." if share else ""
        )
        return PlannedExercise(template_id=ROW, sets=3, reps=9, rep_low=8, rep_high=12,
                               load_kg=lb(loads[n - 1]), rpe=8, progression=MODEL, notes=note,
                               ramp_share=share)  # fmt: skip

    weeks = [
        PlanWeek(number=n, deload=deload_last and n == len(loads),
                 days=[PlanDay(key="d1", name="Day", exercises=[ex(n)])])
        for n in range(1, len(loads) + 1)
    ]  # fmt: skip
    return TrainingPlan(title="t", split="full_body", weeks=weeks)


def logged(load: float, reps: int, sets: int = 3) -> Workout:
    return Workout(id="w", start_time=datetime(2026, 3, 3, tzinfo=UTC), exercises=[
        WorkoutExercise(index=0, template_id=ROW, sets=[
            ExerciseSet(index=i, weight_kg=lb(load), reps=reps) for i in range(sets)])])  # fmt: skip


def advance(training: TrainingPlan, workout: Workout) -> tuple[PlannedExercise, str]:
    upcoming, changes = next_week(training, 1, {"d1": workout}, CATALOGUE, Units.LB, [workout])
    return upcoming.days[0].exercises[0], " ".join(c.text for c in changes)


def test_next_weeks_note_is_its_own_reason_not_the_blocks_first_note() -> None:
    ex, why = advance(plan([135, 135], [None, None]), logged(135, 9))
    assert ex.reps == 10
    assert ex.notes == "3×9/9/9 at 135 lb: aim for 10 reps."  # was the block's "aim for 9"
    assert "aim for 10 reps → 3×10 at 135 lb" in why


def test_a_ramp_week_says_the_ramp_and_not_the_advances_aim() -> None:
    ex, why = advance(plan([115, 135], [0.85, None]), logged(115, 9))
    assert (round(ex.load_kg * LB_PER_KG), ex.reps) == (135, 9), why
    assert "aim for" not in why and "aim for" not in ex.notes  # it said "aim for 10 reps"
    assert why.endswith("the ramp goes on: 135 lb → 3×9 at 135 lb")


def test_a_deload_week_says_the_deload_and_not_the_advances_aim() -> None:
    ex, why = advance(plan([135, 135], [None, None], deload_last=True), logged(135, 9))
    assert ex.reps == 8 and "aim for" not in why, why  # it said "aim for 10 reps; deload week"
    assert ex.notes.startswith("3×9/9/9 at 135 lb; deload week: half the working sets")
