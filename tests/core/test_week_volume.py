"""/week on a Wednesday: judged against the plan's days already due, not the whole week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.hevy.models import HevyTemplate
from core.models import ExerciseSet, Plan, PlanStatus, User, Workout, WorkoutExercise
from core.services.insights import Insights
from core.services.plans import PlanService
from sandbox.catalogue import built_in_templates

BENCH, SQUAT, ROW = "79D0BB3A", "D04AC939", "55E6546F"
MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)


def day(key: str, weekday: int, template_id: str) -> PlanDay:
    exercise = PlannedExercise(template_id=template_id, sets=4, reps=8, load_kg=60.0)
    return PlanDay(key=key, name=key, weekday=weekday, exercises=[exercise])


async def setup(store, trained_monday: bool, started: datetime = MONDAY) -> PlanService:
    await store.users.put(User(id=1, chat_id=1))
    await store.templates.replace_all(
        1, [HevyTemplate.model_validate(t).to_domain() for t in built_in_templates()]
    )
    week = [day("day-1", 1, BENCH), day("day-2", 3, SQUAT), day("day-3", 5, ROW)]
    body = TrainingPlan(title="T", split="full_body", weeks=[PlanWeek(number=1, days=week)])
    await store.plans.put(
        Plan(id="p", user_id=1, status=PlanStatus.IN_HEVY, started_at=started,
             body=body.model_dump(mode="json"))
    )  # fmt: skip
    if trained_monday:
        sets = [ExerciseSet(index=i, weight_kg=60.0, reps=8) for i in range(4)]
        bench = WorkoutExercise(index=0, template_id=BENCH, sets=sets)
        await store.workouts.upsert(
            1, [Workout(id="mon", title="Mon", start_time=MONDAY, exercises=[bench])]
        )
    return PlanService(store, Insights(store))


async def test_a_wednesday_judges_only_what_the_plan_made_due(sqlite_store) -> None:
    plans = await setup(sqlite_store, trained_monday=True)
    wednesday = MONDAY + timedelta(days=2, hours=2)
    rows = {r.muscle: r for r in await plans.week_volume(1, MONDAY.date(), wednesday)}
    assert rows["chest"].status == "on track" and rows["chest"].expected == 4.0
    assert rows["quads"].status == "on track", "squat day is today, not logged yet: not due"
    assert rows["back"].status == "on track", "Friday's rows are not due on Wednesday"


async def test_a_skipped_planned_day_shows_as_below_with_what_was_due(sqlite_store) -> None:
    plans = await setup(sqlite_store, trained_monday=False)
    rows = {
        r.muscle: r for r in await plans.week_volume(1, MONDAY.date(), MONDAY + timedelta(days=2))
    }
    assert rows["chest"].status == "below" and rows["chest"].expected == 4.0


async def test_a_finished_week_is_judged_on_the_whole_band(sqlite_store) -> None:
    plans = await setup(sqlite_store, trained_monday=True)
    rows = {
        r.muscle: r for r in await plans.week_volume(1, MONDAY.date(), MONDAY + timedelta(days=8))
    }
    assert rows["chest"].status == "below" and rows["chest"].expected is None


async def test_a_plan_begun_mid_week_made_nothing_due_before_it_began(sqlite_store) -> None:
    plans = await setup(sqlite_store, trained_monday=False, started=MONDAY + timedelta(days=1))
    rows = {
        r.muscle: r for r in await plans.week_volume(1, MONDAY.date(), MONDAY + timedelta(days=2))
    }
    assert rows["chest"].status == "on track", "Monday's bench was before the plan began"
    assert rows["chest"].expected == 0.0


async def test_adherence_of_a_plan_begun_mid_week_counts_its_own_days(sqlite_store) -> None:
    plans = await setup(sqlite_store, trained_monday=False, started=MONDAY + timedelta(days=1))
    _plan, week, report = await plans.this_week(1, MONDAY + timedelta(days=2))
    assert len(week.days) == 3, "the week as planned"
    assert report.sessions == (0, 2), "judged on the 2 days since it began, not 3"
