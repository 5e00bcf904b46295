"""A beginner's linear progression adds its step after every successful session (TRAINING.md,
"Progression models"): the week is read session by session, so a lift done twice a week climbs
a step each session (55, 60, 65 kg; not 55, 55, 65), on the lifter's grid; a missed session
holds the load for the next one, misses count per session (three failed sessions bring the one
cut, not three weeks), and the first cut halves the step (a coach's rule: TRAINING.md says to
build back, not how fast)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import LinearProgression
from core.models import ExerciseSet, ExerciseTemplate, Units, Workout, WorkoutExercise
from core.services.plan_loop import next_week
from core.units import LB_PER_KG

SQUAT = "squat"
CATALOGUE = {SQUAT: ExerciseTemplate(id=SQUAT, title="Squat", equipment="barbell")}


def plan(kg: float, second: float | None = None, misses: int = 0) -> TrainingPlan:
    def day(key: str, load: float) -> PlanDay:
        return PlanDay(key=key, name=key, exercises=[PlannedExercise(
            template_id=SQUAT, sets=3, reps=5, rep_low=5, rep_high=5, load_kg=load,
            misses=misses, progression=LinearProgression(reps=5, step_kg=5.0))])  # fmt: skip

    days = [day("d1", kg), day("d2", kg if second is None else second)]
    return TrainingPlan(
        title="t", split="full_body", weeks=[PlanWeek(number=n, days=days) for n in (1, 2, 3)]
    )


def session(kg: float, reps: int, day: int) -> Workout:
    return Workout(id=f"w{day}", start_time=datetime(2026, 3, 2 + day, tzinfo=UTC), exercises=[
        WorkoutExercise(index=0, template_id=SQUAT, sets=[
            ExerciseSet(index=i, weight_kg=kg, reps=reps) for i in range(3)])])  # fmt: skip


def advance(
    kg: float,
    reps: tuple[int, int],
    units: Units = Units.KG,
    training: TrainingPlan | None = None,
    week: int = 1,
) -> tuple[list[float], str, TrainingPlan]:
    training = training or plan(kg)
    days = next(w for w in training.weeks if w.number == week).days
    logged = {
        d.key: session(d.exercises[0].load_kg or 0, r, 7 * (week - 1) + 3 * i)
        for i, (d, r) in enumerate(zip(days, reps, strict=True))
    }
    upcoming, changes = next_week(training, week, logged, CATALOGUE, units, logged.values())
    loads = [d.exercises[0].load_kg or 0 for d in upcoming.days]
    return loads, " ".join(c.text for c in changes), training


def test_a_beginner_squatting_twice_a_week_climbs_a_step_every_session() -> None:
    # beginner-kg: 55, 55, then +10 kg a week (65, 65): an 18 % jump between two sessions
    loads, why, _ = advance(55.0, (5, 5), training=plan(55.0, 60.0))
    assert loads == [65.0, 70.0], why  # 55, 60 done → 65, 70: +5 kg every session
    assert "+5 kg a session after that" in why
    # written the old way (both days at 60): 60 done twice is 65 next, then 70
    loads, why, _ = advance(60.0, (5, 5))
    assert loads == [65.0, 70.0], why


def test_a_missed_session_holds_its_load_for_the_next_one() -> None:
    loads, why, _ = advance(60.0, (5, 3))
    assert loads == [60.0, 60.0], why  # the last session missed 60: hold it, no step ahead


def test_three_failed_sessions_bring_the_one_cut_and_it_halves_the_step() -> None:
    # one session already missed at 65 (held): two more the next week are three in a row
    training = plan(65.0, misses=1)
    loads, why, training = advance(65.0, (3, 3), training=training)
    assert "3 misses in a row" in why and loads[0] == 60.0, why  # 5–10 %, not 6 sessions on
    # building back: a step each session, now 2.5 kg (squat 5 → 2.5 after the first reset)
    assert loads == [60.0, 62.5], why
    loads, why, _ = advance(60.0, (5, 5), training=training, week=2)
    assert loads == [65.0, 67.5], why


def test_the_steps_per_session_stay_on_an_lb_lifters_grid() -> None:
    loads, why, _ = advance(135 / LB_PER_KG, (5, 5), Units.LB)
    assert [round(x * LB_PER_KG, 2) for x in loads] == [145.0, 155.0], why  # 135 + 10 lb each
    assert "+10 lb a session after that" in why
