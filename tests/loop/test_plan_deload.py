"""The plan's own deload week is the weekly advance's deload (TRAINING.md, "Deloads": one
definition — half the working sets, loads ~10 % lighter on the lifter's grid, reps at the
bottom of the range, RPE ≤ 6–7 — and "Load steps": a cut that rounds back to the same load
changes reps or sets instead). The plan showed cable flies 40 → 20 lb and single-arm rows
10 → 5 kg at the top of the range; the advance, for the same week, kept 40 lb at 10 reps."""

from __future__ import annotations

from collections import defaultdict

import pytest

from core.models import ExerciseSet, SetRow, SetValues, Workout, WorkoutExercise
from core.services.plan_loop import next_week
from tests.engine.test_coach_checklist import CATALOGUE, PROFILES, plan_for


def _workouts(rows: list[SetRow]) -> list[Workout]:
    by_session: dict[str, list[SetRow]] = defaultdict(list)
    for row in rows:
        by_session[row.workout_id].append(row)
    workouts = []
    for wid, sets in by_session.items():
        by_exercise: dict[int, list[SetRow]] = defaultdict(list)
        for row in sets:
            by_exercise[row.exercise_index].append(row)
        exercises = [
            WorkoutExercise(index=i, template_id=ex[0].template_id, sets=[
                ExerciseSet(index=r.set_index, **r.model_dump(include=set(SetValues.model_fields)))
                for r in ex])
            for i, ex in sorted(by_exercise.items())
        ]  # fmt: skip
        workouts.append(Workout(id=wid, start_time=sets[0].start_time, exercises=exercises))
    return workouts


@pytest.mark.parametrize(
    "name", ["gym-regular-hypertrophy-4x60-gym", "snapshot-hypertrophy-4x60-gym-lb"]
)
def test_the_plans_deload_week_is_the_deload_the_weekly_advance_writes(name: str) -> None:
    plan, _prefs, _profile, rows = plan_for(name)
    last, deload = plan.training_weeks[-1], plan.weeks[-1]
    assert deload.deload
    # The advance into the deload week from the last hard week, nothing logged yet.
    # (a copy: the advance writes into the plan it is given)
    advanced, _ = next_week(
        plan.model_copy(deep=True), last.number, {}, CATALOGUE, PROFILES[name][1], _workouts(rows)
    )
    for shown, written, before in zip(deload.days, advanced.days, last.days, strict=True):
        for ex, adv, was in zip(shown.exercises, written.exercises, before.exercises, strict=True):
            title = CATALOGUE[ex.template_id].title
            assert (ex.sets, ex.reps, ex.load_kg, ex.rpe) == (
                adv.sets, adv.reps, adv.load_kg, adv.rpe), title  # fmt: skip
            if ex.load_kg is not None and was.load_kg is not None:
                # ~10 % lighter, or the same load where the grid has nothing near it
                assert 0.8 * was.load_kg - 1e-6 <= ex.load_kg <= was.load_kg + 1e-6, title
                if ex.load_kg >= was.load_kg - 1e-6:
                    assert ex.reps < was.reps or ex.sets < was.sets, title
            assert ex.reps == min(was.rep_low or was.reps, was.reps), title
            assert ex.rpe is not None and ex.rpe <= 7, title
