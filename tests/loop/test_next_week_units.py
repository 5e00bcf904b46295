"""The one week-to-week advance (`next_week`) in the lifter's units: any week logged with round
kg or lb loads, or 0.05 off them, advances without an error and lands every target on the
lifter's grid (TRAINING.md, "Load steps the lifter can actually take")."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression, LinearProgression, RpeTopSet
from core.models import ExerciseSet, ExerciseTemplate, Units, Workout, WorkoutExercise
from core.services.plan_loop import next_week
from core.services.plan_writer import routine_for
from core.units import LB_PER_KG

KIT = {"bar": "barbell", "db": "dumbbell", "cable": "machine"}
CATALOGUE = {key: ExerciseTemplate(id=key, title=key, equipment=eq) for key, eq in KIT.items()}
MODELS = {
    "bar": RpeTopSet(top_reps=5, top_rpe=8),
    "db": DoubleProgression(rep_low=8, rep_high=12),
    "cable": LinearProgression(reps=10, step_kg=2.5),
}


def plan(units: Units) -> TrainingPlan:
    start = {"bar": 100.0, "db": 20.0, "cable": 10.0}
    if units == Units.LB:
        start = {"bar": 225 / LB_PER_KG, "db": 45 / LB_PER_KG, "cable": 20 / LB_PER_KG}

    def day() -> PlanDay:
        return PlanDay(key="d1", name="Day", exercises=[
            PlannedExercise(template_id=k, sets=3, reps=8, load_kg=start[k], rpe=8,
                            progression=MODELS[k]) for k in KIT])  # fmt: skip

    return TrainingPlan(
        title="t", split="full_body",
        weeks=[PlanWeek(number=1, days=[day()]), PlanWeek(number=2, days=[day()]),
               PlanWeek(number=3, deload=True, days=[day()])],
    )  # fmt: skip


def on_grid(kg: float, units: Units) -> bool:
    shown = kg * LB_PER_KG if units == Units.LB else kg
    step = 2.5 if units == Units.LB else 0.5  # every grid in these units is a multiple of it
    return abs(shown / step - round(shown / step)) < 1e-6


round_load = st.builds(
    lambda units, n, off: (
        (n * (2.5 if units == Units.KG else 5) + off) / (LB_PER_KG if units == Units.LB else 1)
    ),
    st.shared(st.sampled_from([Units.KG, Units.LB]), key="units"),
    st.integers(1, 80),
    st.sampled_from([0.0, 0.05, -0.05]),
)


@settings(max_examples=60, deadline=None)
@given(
    st.shared(st.sampled_from([Units.KG, Units.LB]), key="units"),
    st.lists(st.tuples(st.sampled_from(list(KIT)), round_load, st.integers(1, 15),
                       st.sampled_from([None, 7.0, 8.0, 9.5])), min_size=1, max_size=12),
    st.booleans(),
)  # fmt: skip
def test_any_round_week_advances_and_lands_every_target_on_the_lifters_grid(
    units: Units, logged: list, to_deload: bool
) -> None:
    training = plan(units)
    exercises = [
        WorkoutExercise(index=i, template_id=key, sets=[ExerciseSet(index=0, weight_kg=kg,
                        reps=reps, rpe=rpe)])
        for i, (key, kg, reps, rpe) in enumerate(logged)
    ]  # fmt: skip
    workout = Workout(id="w", start_time=datetime(2026, 3, 3, tzinfo=UTC), exercises=exercises)
    week = 2 if to_deload else 1
    upcoming, changes = next_week(training, week, {"d1": workout}, CATALOGUE, units, [workout])
    for ex in upcoming.days[0].exercises:
        assert ex.load_kg is not None and on_grid(ex.load_kg, units), (ex, units)
    other = "kg" if units == Units.LB else "lb"
    assert all(f" {other}" not in c.text for c in changes), "reasons in the lifter's unit"


def test_a_top_sets_change_names_its_back_offs_as_hevy_gets_them() -> None:
    """95 lb × 5 @ RPE 7 with back-offs at 85: next week's top set is 100 lb and its back-offs
    90 lb in Hevy, and the chat says so (it used to say "3×5 at 100 lb")."""
    press = RpeTopSet(top_reps=5, top_rpe=8, backoff_sets=2)
    day = PlanDay(key="d1", name="Day", exercises=[
        PlannedExercise(template_id="bar", sets=3, reps=5, load_kg=95 / LB_PER_KG, rpe=8,
                        progression=press)])  # fmt: skip
    training = TrainingPlan(
        title="t", split="full_body",
        weeks=[PlanWeek(number=1, days=[day]), PlanWeek(number=2, days=[day.model_copy()])],
    )  # fmt: skip
    logged = [(95, 7.0), (85, None), (85, None)]
    workout = Workout(id="w", start_time=datetime(2026, 3, 3, tzinfo=UTC), exercises=[
        WorkoutExercise(index=0, template_id="bar", sets=[
            ExerciseSet(index=i, weight_kg=lb / LB_PER_KG, reps=5, rpe=rpe)
            for i, (lb, rpe) in enumerate(logged)])])  # fmt: skip

    upcoming, (change,) = next_week(training, 1, {"d1": workout}, CATALOGUE, Units.LB, [workout])

    (routine,) = routine_for(upcoming.days[0], "Week 2", None, CATALOGUE, Units.LB).exercises
    in_hevy = [round(s.weight_kg * LB_PER_KG, 6) for s in routine.sets]
    assert in_hevy == [100, 90, 90]
    assert change.text.endswith("→ 1×5 at 100 lb + 2×5 at 90 lb"), change.text
    assert change.short == "bar → 1×5 at 100 lb + 2×5 at 90 lb"
