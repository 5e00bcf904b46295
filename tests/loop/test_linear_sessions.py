"""A beginner's linear progression adds its step after every successful session (TRAINING.md,
"Progression models"), so a lift done twice a week climbs two steps a week in the weekly
advance, on the lifter's grid; a missed session adds nothing for itself."""

from __future__ import annotations

from datetime import UTC, datetime

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import LinearProgression
from core.models import ExerciseSet, ExerciseTemplate, Units, Workout, WorkoutExercise
from core.services.plan_loop import next_week
from core.units import LB_PER_KG

SQUAT = "squat"
CATALOGUE = {SQUAT: ExerciseTemplate(id=SQUAT, title="Squat", equipment="barbell")}


def plan(kg: float) -> TrainingPlan:
    def day(key: str) -> PlanDay:
        return PlanDay(key=key, name=key, exercises=[PlannedExercise(
            template_id=SQUAT, sets=3, reps=5, rep_low=5, rep_high=5, load_kg=kg,
            progression=LinearProgression(reps=5, step_kg=5.0))])  # fmt: skip

    return TrainingPlan(
        title="t", split="full_body",
        weeks=[PlanWeek(number=n, days=[day("d1"), day("d2")]) for n in (1, 2)],
    )  # fmt: skip


def session(kg: float, reps: int, day: int) -> Workout:
    return Workout(id=f"w{day}", start_time=datetime(2026, 3, 2 + day, tzinfo=UTC), exercises=[
        WorkoutExercise(index=0, template_id=SQUAT, sets=[
            ExerciseSet(index=i, weight_kg=kg, reps=reps) for i in range(3)])])  # fmt: skip


def advance(kg: float, reps: tuple[int, int], units: Units = Units.KG) -> tuple[list[float], str]:
    logged = {"d1": session(kg, reps[0], 0), "d2": session(kg, reps[1], 3)}
    upcoming, changes = next_week(plan(kg), 1, logged, CATALOGUE, units, logged.values())
    loads = [d.exercises[0].load_kg or 0 for d in upcoming.days]
    return loads, " ".join(c.text for c in changes)


def test_a_beginner_squatting_twice_a_week_adds_the_step_for_each_successful_session() -> None:
    loads, why = advance(60.0, (5, 5))
    assert loads == [70.0, 70.0], why  # 60 + 5 per session (was 65: one step a week)
    assert "2 sessions this week → +10 kg" in why


def test_one_missed_session_of_two_holds_that_day_and_adds_one_step_to_the_other() -> None:
    loads, why = advance(60.0, (5, 3))
    assert loads == [65.0, 60.0], why


def test_the_steps_per_session_stay_on_an_lb_lifters_grid() -> None:
    loads, why = advance(135 / LB_PER_KG, (5, 5), Units.LB)
    assert [round(x * LB_PER_KG, 2) for x in loads] == [155.0, 155.0], why  # 135 + 2 × 10 lb
    assert "+20 lb" in why
