"""Substitutes ranked from the lifter's own catalogue; plan days matched to what was trained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.engine.adherence import adherence, match_workouts
from core.engine.injuries import injury_conflict, normalize_injury
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek
from core.engine.substitution import alternatives
from core.models import ExerciseSet, ExerciseTemplate, Workout, WorkoutExercise


def test_substitutes_rank_primary_then_secondary_overlap_with_reasons(catalogue) -> None:
    bench = catalogue["79D0BB3A"]
    ranked = alternatives(bench, catalogue.values(), equipment=["barbell", "dumbbell", "machine"])
    assert ranked[0].template.primary_muscle_group == "chest"
    assert ranked[0].score == 90  # same primary, shares triceps/shoulders, free weight
    assert "same primary muscle (chest)" in ranked[0].reasons
    assert all(c.template.id != bench.id for c in ranked)
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)


def test_substitutes_respect_equipment_injuries_and_prefer_custom(catalogue) -> None:
    ohp = catalogue["7B8D84E8"]
    home = alternatives(ohp, catalogue.values(), equipment=["dumbbell"], limit=20)
    assert home and all(c.template.equipment in ("dumbbell", "none") for c in home)
    hurt = alternatives(
        ohp, catalogue.values(), ["barbell", "dumbbell", "machine"], ["shoulder"], 20
    )
    overhead = ("Overhead Press", "Shoulder Press", "Arnold Press")
    assert hurt and not any(o in c.template.title for c in hurt for o in overhead)
    assert any(c.template.title == "Lateral Raise (Dumbbell)" for c in hurt)
    custom = ExerciseTemplate(
        id="c-1",
        title="Landmine Press",
        primary_muscle_group="shoulders",
        secondary_muscle_groups=["triceps"],
        equipment="barbell",
        is_custom=True,
    )
    mine = alternatives(ohp, [*catalogue.values(), custom], ["barbell", "dumbbell"], limit=3)
    assert mine[0].template.id == "c-1"


def test_injury_words_are_understood() -> None:
    assert normalize_injury("Left shoulder (rotator cuff)") == "shoulder"
    assert normalize_injury("low back pain") == "lower back"
    assert normalize_injury("bad knees") == "knee"
    assert normalize_injury("ingrown toenail") is None
    squat = ExerciseTemplate(id="x", title="Squat (Barbell)")
    assert injury_conflict(squat, ["knee"]) == "knee: avoid deep knee bends under load"


T0 = datetime(2026, 3, 2, 17, tzinfo=UTC)  # a Monday


def day(key: str, name: str, weekday: int, *tids: str) -> PlanDay:
    return PlanDay(
        key=key,
        name=name,
        weekday=weekday,
        exercises=[PlannedExercise(template_id=t, sets=3, reps=8) for t in tids],
    )


def workout(wid: str, title: str, days: int, *tids: str, sets: int = 3, routine: str | None = None):
    return Workout(
        id=wid,
        title=title,
        routine_id=routine,
        start_time=T0 + timedelta(days=days),
        exercises=[
            WorkoutExercise(
                index=i,
                template_id=t,
                sets=[ExerciseSet(index=j, weight_kg=50, reps=8) for j in range(sets)],
            )
            for i, t in enumerate(tids)
        ],
    )


def test_workouts_match_plan_days_by_routine_then_by_content() -> None:
    upper = day("day-1", "Upper A", 1, "BENCH", "ROW", "CURL")
    lower = day("day-2", "Lower A", 2, "SQUAT", "RDL", "CALF")
    done = [
        workout("w-lower", "Legs", 1, "SQUAT", "RDL"),  # Tuesday, by content
        workout("w-upper", "Whatever", 3, "BENCH", routine="r-upper"),  # by routine id
        workout("w-other", "Run", 4, "TREADMILL"),
    ]
    matched = match_workouts([upper, lower], done, {"day-1": "r-upper"})
    assert matched["day-1"].id == "w-upper" and matched["day-2"].id == "w-lower"

    report = adherence(PlanWeek(number=1, days=[upper, lower]), done, {"day-1": "r-upper"})
    assert report.sessions == (2, 2)
    assert report.sets == (3 + 6, 18)


def test_a_missed_day_counts_as_missed() -> None:
    upper = day("day-1", "Upper A", 1, "BENCH", "ROW")
    report = adherence(PlanWeek(number=1, days=[upper]), [workout("w", "Run", 0, "TREADMILL")])
    assert report.sessions == (0, 1) and report.sets == (0, 6)
