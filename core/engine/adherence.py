"""Which completed workouts fulfilled which plan days, and how much of the plan got done."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.engine.plan import PlanDay, PlanWeek
from core.engine.records import working
from core.models import Workout


def _overlap(day: PlanDay, workout: Workout) -> float:
    planned = {e.template_id for e in day.exercises}
    done = {e.template_id for e in workout.exercises}
    return len(planned & done) / len(planned | done) if planned | done else 0.0


def match_workouts(
    days: Sequence[PlanDay],
    workouts: Sequence[Workout],
    routine_ids: Mapping[str, str] | None = None,
) -> dict[str, Workout | None]:
    """Each plan day's workout: by the Hevy routine it was started from, else the closest match
    (same exercises counting most, then the title, then the planned weekday); each workout
    fulfils at most one day."""
    routine_ids = routine_ids or {}
    by_routine = {rid: key for key, rid in routine_ids.items()}
    matched: dict[str, Workout | None] = {d.key: None for d in days}
    free = sorted(workouts, key=lambda w: w.start_time)
    for workout in list(free):
        key = by_routine.get(workout.routine_id or "")
        if key in matched and matched[key] is None:
            matched[key] = workout
            free.remove(workout)
    scored = []
    for day in days:
        if matched[day.key] is not None:
            continue
        for workout in free:
            overlap = _overlap(day, workout)
            if overlap < 0.5:
                continue
            title = 1.0 if day.name.casefold() in workout.title.casefold() else 0.0
            weekday = 0.5 if day.weekday == workout.start_time.isoweekday() else 0.0
            scored.append((overlap + title + weekday, day.key, workout))
    for _score, key, workout in sorted(scored, key=lambda s: -s[0]):
        if matched[key] is None and workout in free:
            matched[key] = workout
            free.remove(workout)
    return matched


@dataclass(frozen=True, slots=True)
class DayAdherence:
    key: str
    name: str
    done: bool
    sets_planned: int
    sets_done: int


@dataclass(frozen=True, slots=True)
class Adherence:
    days: list[DayAdherence]

    @property
    def sessions(self) -> tuple[int, int]:
        """(done, planned) sessions."""
        return sum(d.done for d in self.days), len(self.days)

    @property
    def sets(self) -> tuple[int, int]:
        """(done, planned) working sets of the planned exercises."""
        return sum(d.sets_done for d in self.days), sum(d.sets_planned for d in self.days)


def adherence(
    week: PlanWeek, workouts: Sequence[Workout], routine_ids: Mapping[str, str] | None = None
) -> Adherence:
    """How much of `week` the `workouts` (that week's) fulfilled."""
    matched = match_workouts(week.days, workouts, routine_ids)
    rows = []
    for day in week.days:
        workout = matched[day.key]
        planned = sum(e.sets for e in day.exercises)
        done = 0
        if workout is not None:
            rows_done = working(workout.set_rows())
            for exercise in day.exercises:
                logged = sum(1 for r in rows_done if r.template_id == exercise.template_id)
                done += min(logged, exercise.sets)
        rows.append(DayAdherence(day.key, day.name, workout is not None, planned, done))
    return Adherence(rows)


def week_streak(trained_on: Iterable[date], this_monday: date) -> int:
    """Weeks in a row with at least one workout, counted back from last week (and this week
    once it has one: a week under way breaks nothing yet)."""
    weeks = {d - timedelta(days=d.weekday()) for d in trained_on}
    monday = this_monday if this_monday in weeks else this_monday - timedelta(weeks=1)
    streak = 0
    while monday in weeks:
        streak += 1
        monday -= timedelta(weeks=1)
    return streak
