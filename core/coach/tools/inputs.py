"""What each tool takes (strict pydantic models) and what the model is told it does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.services.log_query import MAX_SQL
from core.services.plans import PlanChange, PlanRequest


class ToolInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoInput(ToolInput):
    pass


class Window(ToolInput):
    start: date | None = Field(default=None, description="first day, YYYY-MM-DD")
    end: date | None = Field(default=None, description="last day (inclusive), YYYY-MM-DD")


class Paged(Window):
    page: int = Field(default=1, ge=1, le=1000)


class ProgressInput(ToolInput):
    exercise: str = Field(description="exercise name as the lifter says it, or its id")
    bucket: Literal["day", "week", "month"] = "month"
    formula: Literal["auto", "epley", "brzycki", "rts"] = "auto"
    start: date | None = None
    end: date | None = None
    page: int = Field(default=1, ge=1, le=1000)


class RecordsInput(ToolInput):
    exercise: str | None = Field(default=None, description="one exercise, or all when omitted")
    start: date | None = Field(
        default=None, description="rep-PRs from this day (default: 4 weeks ago)"
    )
    end: date | None = None
    page: int = Field(default=1, ge=1, le=1000)


class WeekInput(ToolInput):
    week_of: date | None = Field(
        default=None, description="any day of the ISO week; default this week"
    )


class WorkoutInput(ToolInput):
    workout_id: str | None = None
    day: date | None = Field(default=None, description="the workout on this day, when no id")


class SearchInput(ToolInput):
    query: str | None = Field(default=None, max_length=80)
    muscle: str | None = Field(default=None, description="Hevy muscle group, e.g. chest, lats")
    equipment: str | None = Field(default=None, description="barbell, dumbbell, machine, none…")
    page: int = Field(default=1, ge=1, le=1000)


class ProposeInput(ToolInput):
    request: PlanRequest | None = Field(default=None, description="a new plan with these choices")
    changes: list[PlanChange] | None = Field(default=None, description="edits to the current draft")


class PreferencesInput(ToolInput):
    goal: Literal["strength", "hypertrophy", "general"] | None = None
    level: Literal["beginner", "intermediate", "advanced"] | None = None
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    session_minutes: int | None = Field(default=None, ge=20, le=180)
    equipment: list[str] | None = None
    injuries: list[str] | None = None
    focus_muscles: list[str] | None = None
    units: Literal["kg", "lb"] | None = None
    timezone: str | None = None


class QueryInput(ToolInput):
    sql: str = Field(description="one SELECT statement, SQLite dialect", max_length=MAX_SQL)


class NoteInput(ToolInput):
    note: str = Field(min_length=1, max_length=300)


Handler = Callable[[Any], Awaitable[Any]]


DESCRIPTIONS = {
    "get_profile": "The lifter's profile, preferences, coaching notes and sync state.",
    "training_summary": (
        "Sessions, working sets, tonnage, top exercises, weekly sets per muscle and rep-PRs "
        "in a date window (default: the last 4 weeks)."
    ),
    "exercise_progress": (
        "Best e1RM per day, week or month for one exercise with the set behind each, its "
        "all-time PRs, and whether it has stalled. The e1RM formula can be chosen."
    ),
    "personal_records": (
        "All-time PRs (heaviest set, best e1RM) per exercise, and the rep-PRs set in a window."
    ),
    "volume_by_muscle": (
        "Hard sets per muscle in one ISO week (primary muscle 1, secondary 0.5) next to the "
        "lifter's target band."
    ),
    "list_workouts": "Workouts in a window as compact rows, newest first.",
    "get_workout": "One workout in full: every set exactly as recorded.",
    "search_exercises": (
        "Search the lifter's Hevy exercise catalogue (built-in and custom) by name, muscle or "
        "equipment. The exercises they have logged come first, most trained first (`sessions`)."
    ),
    "current_plan": "The plan in force (or the newest draft) and this week's adherence.",
    "propose_plan": (
        "Have the engine build a new plan (request) or edit the current draft (changes). "
        "Returns the preview and any rule violations. Nothing is written to Hevy: the lifter "
        "approves the plan in the chat."
    ),
    "update_preferences": (
        "Save the lifter's stated preferences: goal, level, days, session length, equipment, "
        "injuries, focus muscles, units, time zone."
    ),
    "remember_note": "Remember a short coaching note about the lifter for later conversations.",
    "query_training_log": """\
Read-only SQL (one SELECT, SQLite dialect with window functions and CTEs) over this lifter's own
log, for questions the other tools do not answer directly: comparisons across periods, exercise
pairs, tonnage per muscle, one set on one day, PRs in a window. Tables:
- workouts(id, title, start_time, end_time, date, duration_min, local_time): times ISO 8601
  UTC; `date` (YYYY-MM-DD) and `local_time` (HH:MM, when it started) on the lifter's own clock,
  daylight saving applied.
  e.g. SELECT date, title, duration_min FROM workouts ORDER BY start_time DESC LIMIT 5
  e.g. SELECT substr(local_time, 1, 2) AS hour, count(*) FROM workouts GROUP BY hour
- sets(workout_id, date, start_time, workout_title, exercise, template_id, primary_muscle,
  exercise_index, set_index, type, weight_kg, weight, reps, rpe, distance_m, duration_s,
  e1rm_kg, local_time): one row per set; `start_time`, `date` and `local_time` are its
  workout's (sets carry no time of their own: order them by start_time, exercise_index,
  set_index); `type` is normal, warmup, failure or dropset (working sets: type != 'warmup');
  `weight` in the lifter's units; `e1rm_kg` the engine's estimate: a single (1 rep) is its
  weight, 2-12 reps Epley, null above 12 reps or without load.
  e.g. SELECT date, max(weight) FROM sets WHERE exercise = 'Bench Press (Barbell)' AND
  type != 'warmup' GROUP BY date ORDER BY date
- exercises(template_id, title, primary_muscle, secondary_muscles, equipment, custom):
  `secondary_muscles` comma-separated.
  e.g. SELECT title FROM exercises WHERE primary_muscle = 'chest' AND equipment = 'dumbbell'
Exercise names are exact titles: look them up (exercises.title, or search_exercises) before
filtering on one. Output: {"columns", "rows", "total_rows", "truncated"}; at most 200 rows, so
aggregate in SQL rather than fetching sets. Errors come back as SQLite's message: fix the query
and try again. Queries are stopped after 0.5 s; a value built in SQL is capped at 16 KB;
trim(X, Y) is not available (trim(X) and replace are).""",
}
