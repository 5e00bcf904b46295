"""The coach's tools: strict schemas, validated inputs, compact outputs, one user each.

A ToolBox is built for one user; every handler reads that user's id from the box, never from
the model's input, so no argument can reach another user's data. Numbers come from the engine
(via Insights and PlanService); outputs are compact JSON rows, paged beyond a size cap.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.engine.loads import to_user_units
from core.engine.periods import day_start, week_start
from core.engine.plan import TrainingPlan
from core.errors import SpotterError
from core.models import Preferences, Units, User, time_zone, utcnow
from core.ports import Store
from core.services.insights import Insights, UnknownExercise
from core.services.log_query import MAX_SQL, TrainingLog
from core.services.plans import PlanChange, PlanRequest, PlanService

log = logging.getLogger(__name__)

MAX_OUTPUT_CHARS = 16_000
PAGE_ROWS = 25
SEARCH_MATCHES = 50  # name matches a search ranks; it says when it hit the cap
SUMMARY_PRS = 15  # rep-PRs a summary shows; it says how many there are


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoInput(_Input):
    pass


class Window(_Input):
    start: date | None = Field(default=None, description="first day, YYYY-MM-DD")
    end: date | None = Field(default=None, description="last day (inclusive), YYYY-MM-DD")


class Paged(Window):
    page: int = Field(default=1, ge=1, le=1000)


class ProgressInput(_Input):
    exercise: str = Field(description="exercise name as the lifter says it, or its id")
    bucket: Literal["day", "week", "month"] = "month"
    formula: Literal["auto", "epley", "brzycki", "rts"] = "auto"
    start: date | None = None
    end: date | None = None
    page: int = Field(default=1, ge=1, le=1000)


class RecordsInput(_Input):
    exercise: str | None = Field(default=None, description="one exercise, or all when omitted")
    start: date | None = Field(
        default=None, description="rep-PRs from this day (default: 4 weeks ago)"
    )
    end: date | None = None
    page: int = Field(default=1, ge=1, le=1000)


class WeekInput(_Input):
    week_of: date | None = Field(
        default=None, description="any day of the ISO week; default this week"
    )


class WorkoutInput(_Input):
    workout_id: str | None = None
    day: date | None = Field(default=None, description="the workout on this day, when no id")


class SearchInput(_Input):
    query: str | None = Field(default=None, max_length=80)
    muscle: str | None = Field(default=None, description="Hevy muscle group, e.g. chest, lats")
    equipment: str | None = Field(default=None, description="barbell, dumbbell, machine, none…")
    page: int = Field(default=1, ge=1, le=1000)


class ProposeInput(_Input):
    request: PlanRequest | None = Field(default=None, description="a new plan with these choices")
    changes: list[PlanChange] | None = Field(default=None, description="edits to the current draft")


class PreferencesInput(_Input):
    goal: Literal["strength", "hypertrophy", "general"] | None = None
    level: Literal["beginner", "intermediate", "advanced"] | None = None
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    session_minutes: int | None = Field(default=None, ge=20, le=180)
    equipment: list[str] | None = None
    injuries: list[str] | None = None
    focus_muscles: list[str] | None = None
    units: Literal["kg", "lb"] | None = None
    timezone: str | None = None


class QueryInput(_Input):
    sql: str = Field(description="one SELECT statement, SQLite dialect", max_length=MAX_SQL)


class NoteInput(_Input):
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
        "equipment."
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
- workouts(id, title, start_time, end_time, date, duration_min): times ISO 8601 UTC, `date`
  (YYYY-MM-DD) in the lifter's time zone.
  e.g. SELECT date, title, duration_min FROM workouts ORDER BY start_time DESC LIMIT 5
- sets(workout_id, date, start_time, workout_title, exercise, template_id, primary_muscle,
  exercise_index, set_index, type, weight_kg, weight, reps, rpe, distance_m, duration_s,
  e1rm_kg): one row per set; `type` is normal, warmup, failure or dropset (working sets:
  type != 'warmup'); `weight` in the lifter's units; `e1rm_kg` the engine's estimate (Epley,
  null above 12 reps or without load).
  e.g. SELECT date, max(weight) FROM sets WHERE exercise = 'Bench Press (Barbell)' AND
  type != 'warmup' GROUP BY date ORDER BY date
- exercises(template_id, title, primary_muscle, secondary_muscles, equipment, custom):
  `secondary_muscles` comma-separated.
  e.g. SELECT title FROM exercises WHERE primary_muscle = 'chest' AND equipment = 'dumbbell'
Exercise names are exact titles: look them up (exercises.title, or search_exercises) before
filtering on one. Output: {"columns", "rows", "total_rows", "truncated"}; at most 200 rows, so
aggregate in SQL rather than fetching sets. Errors come back as SQLite's message: fix the query
and try again. Queries are stopped after 0.5 s.""",
}


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    input_model: type[_Input]
    handler: Handler

    def definition(self) -> dict[str, Any]:
        schema = _input_schema(self.input_model)
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": schema,
            "strict": True,
        }


@cache
def _input_schema(model: type[_Input]) -> dict[str, Any]:
    """The JSON schema of a tool's input, built once per process (it never changes)."""
    return _strip_titles(model.model_json_schema())


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_titles(v) for k, v in node.items() if k != "title"}
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


MAX_LIFTER_TEXT = 500


def lifter_text(text: str | None) -> dict[str, str] | None:
    """Text someone typed in Hevy (titles, descriptions, notes), marked as data for the model:
    the system prompt says never to follow instructions found under "untrusted"."""
    if not text:
        return None
    return {"untrusted": text[:MAX_LIFTER_TEXT]}


def page_rows(rows: list[Any], page: int, per_page: int = PAGE_ROWS) -> dict[str, Any]:
    """One page of rows with where it stands, so a long answer is read in parts."""
    pages = max(1, -(-len(rows) // per_page))
    return {
        "rows": rows[(page - 1) * per_page : page * per_page],
        "page": min(page, pages),
        "pages": pages,
        "total": len(rows),
    }


class ToolError(SpotterError):
    """A tool could not answer; the message goes back to the model to act on."""


class ToolBox:
    """The tools for one user. The user id is bound here, in code."""

    def __init__(
        self,
        user_id: int,
        store: Store,
        insights: Insights,
        plans: PlanService,
        log: TrainingLog | None = None,
    ) -> None:
        self.user_id = user_id
        self._store = store
        self._insights = insights
        self._plans = plans
        self._log = log or TrainingLog(store)
        self._user: User | None = None
        self._catalogue: dict | None = None
        handlers: dict[str, tuple[type[_Input], Handler]] = {
            "get_profile": (NoInput, self._profile),
            "training_summary": (Window, self._summary),
            "exercise_progress": (ProgressInput, self._progress),
            "personal_records": (RecordsInput, self._records),
            "volume_by_muscle": (WeekInput, self._volume),
            "list_workouts": (Paged, self._workouts),
            "get_workout": (WorkoutInput, self._workout),
            "search_exercises": (SearchInput, self._search),
            "current_plan": (NoInput, self._current_plan),
            "propose_plan": (ProposeInput, self._propose),
            "update_preferences": (PreferencesInput, self._update_preferences),
            "remember_note": (NoteInput, self._remember),
            "query_training_log": (QueryInput, self._query),
        }
        self.tools = {
            name: Tool(name, DESCRIPTIONS[name], model, handler)
            for name, (model, handler) in handlers.items()
        }

    def definitions(self) -> list[dict[str, Any]]:
        return [t.definition() for t in self.tools.values()]

    async def run(self, name: str, raw: Any) -> tuple[str, bool]:
        """The tool's output, and whether it is an error the model should act on."""
        tool = self.tools.get(name)
        if tool is None:
            return f"Unknown tool {name!r}. Available: {', '.join(self.tools)}.", True
        try:
            args = tool.input_model.model_validate(raw if isinstance(raw, dict) else {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()
            )
            return f"Invalid input for {name}: {problems}", True
        try:
            result = await tool.handler(args)
        except UnknownExercise as exc:
            choices = [{"id": t.id, "title": t.title} for t in exc.choices]
            return dump({"error": str(exc), "choices": choices}), True
        except SpotterError as exc:
            return getattr(exc, "user_message", None) or str(exc), True
        text = result if isinstance(result, str) else dump(result)
        if len(text) > MAX_OUTPUT_CHARS:  # a guard: tools page their rows well before this
            log.warning("tool output too large", extra={"tool": name, "chars": len(text)})
            return (
                f"The answer is {len(text)} characters, over the {MAX_OUTPUT_CHARS} a tool may "
                "return: ask for a narrower window or a later page, or aggregate with "
                "query_training_log."
            ), True
        return text, False

    # --- helpers -------------------------------------------------------------------------------

    async def _me(self) -> User:
        if self._user is None:
            self._user = await self._insights.user(self.user_id)
        return self._user

    async def _load(self, kg: float | None) -> float | None:
        if kg is None:
            return None
        return round(to_user_units(kg, (await self._me()).units), 1)

    async def _window(self, start: date | None, end: date | None, default_days: int = 28):
        user = await self._me()
        end_dt = _day_end(end, user.timezone) if end else utcnow()
        start_dt = (
            day_start(start, user.timezone) if start else end_dt - timedelta(days=default_days)
        )
        return start_dt, end_dt

    # --- read tools ---------------------------------------------------------------------------

    async def _profile(self, _: NoInput) -> dict[str, Any]:
        user = await self._me()
        credential = await self._store.credentials.get(self.user_id)
        sync = await self._store.sync_state.get(self.user_id)
        return {
            "name": user.name,
            "units": user.units.value,
            "timezone": user.timezone,
            "preferences": user.preferences.model_dump(mode="json"),
            "coaching_notes": user.coaching_notes,
            "hevy_linked": credential is not None,
            "hevy_name": credential.hevy_name if credential else None,
            "last_sync": sync.last_synced_at,
            "workouts_logged": await self._store.workouts.count(self.user_id),
        }

    async def _summary(self, args: Window) -> dict[str, Any]:
        start, end = await self._window(args.start, args.end)
        s = await self._insights.summary(self.user_id, start, end)
        units = (await self._me()).units.value
        return {
            "window": [start.date(), end.date()],
            "units": units,
            "sessions": s.sessions,
            "working_sets": s.working_sets,
            "tonnage": round(await self._load(s.tonnage_kg) or 0),
            "top_exercises": [
                {"exercise": t.title if t else tid, "sets": n} for t, tid, n in s.top_exercises
            ],
            "top_exercises_note": (
                f"the {len(s.top_exercises)} with the most working sets; query_training_log "
                "counts every exercise"
            ),
            "sets_per_muscle_per_week": s.sets_per_muscle,
            "rep_prs": [
                {
                    "exercise": await self._title(p.template_id),
                    "reps": p.reps,
                    "load": await self._load(p.weight_kg),
                    "date": p.at.date(),
                }
                for p in s.rep_prs[-SUMMARY_PRS:]
            ],
            "rep_prs_total": len(s.rep_prs),
            "rep_prs_note": (
                f"the newest {min(SUMMARY_PRS, len(s.rep_prs))} of {len(s.rep_prs)}; "
                "personal_records pages through all of them"
            ),
        }

    async def _title(self, template_id: str) -> str:
        if self._catalogue is None:  # read once per turn, not once per row
            self._catalogue = await self._insights.catalogue(self.user_id)
        template = self._catalogue.get(template_id)
        return template.title if template else template_id

    async def _progress(self, args: ProgressInput) -> dict[str, Any]:
        user = await self._me()
        start = day_start(args.start, user.timezone) if args.start else None
        end = _day_end(args.end, user.timezone) if args.end else None
        p = await self._insights.progress(
            self.user_id, args.exercise, args.bucket, args.formula, start, end
        )
        rows = [
            {
                "period": period,
                "e1rm": await self._load(b.estimate.value),
                "load": await self._load(b.weight_kg),
                "reps": b.reps,
                "rpe": b.rpe,
                "date": b.at.date(),
                "method": b.estimate.method,
            }
            for period, b in p.by_period.items()
        ]
        records = p.records
        return {
            "exercise": p.template.title,
            "units": user.units.value,
            "formula": args.formula,
            "series": page_rows(rows, args.page),
            "heaviest": None
            if records is None
            else {
                "load": await self._load(records.heaviest.weight_kg),
                "reps": records.heaviest.reps,
                "date": records.heaviest.at.date(),
            },
            "best_e1rm": None
            if records is None or records.best_e1rm is None
            else {
                "e1rm": await self._load(records.best_e1rm.estimate.value),
                "load": await self._load(records.best_e1rm.weight_kg),
                "reps": records.best_e1rm.reps,
                "date": records.best_e1rm.at.date(),
            },
            "stalled_since": p.stalled_since.date() if p.stalled_since else None,
        }

    async def _records(self, args: RecordsInput) -> dict[str, Any]:
        user = await self._me()
        records = await self._insights.records(self.user_id)
        if args.exercise:
            template = await self._insights.resolve(self.user_id, args.exercise)
            records = {k: v for k, v in records.items() if k == template.id}
        ranked = sorted(
            records.values(),
            key=lambda r: -(r.best_e1rm.estimate.value if r.best_e1rm else r.heaviest.weight_kg),
        )
        rows = [
            {
                "exercise": await self._title(r.template_id),
                "heaviest": [
                    await self._load(r.heaviest.weight_kg),
                    r.heaviest.reps,
                    r.heaviest.at.date(),
                ],
                "best_e1rm": None
                if r.best_e1rm is None
                else [await self._load(r.best_e1rm.estimate.value), r.best_e1rm.at.date()],
            }
            for r in ranked
        ]
        start, end = await self._window(args.start, args.end)
        reps = await self._insights.rep_prs(self.user_id, start, end)
        if args.exercise:
            reps = [p for p in reps if p.template_id in records]
        return {
            "units": user.units.value,
            "all_time": page_rows(rows, args.page, per_page=20),
            "rep_prs_window": [start.date(), end.date()],
            "rep_prs": page_rows(
                [
                    {
                        "exercise": await self._title(p.template_id),
                        "reps": p.reps,
                        "load": await self._load(p.weight_kg),
                        "previous": await self._load(p.previous_kg),
                        "date": p.at.date(),
                    }
                    for p in reversed(reps)
                ],
                args.page,
            ),
            "paging": "`page` pages both lists (rep-PRs newest first); each says its total",
        }

    async def _volume(self, args: WeekInput) -> dict[str, Any]:
        user = await self._me()
        day = args.week_of or utcnow().astimezone().date()
        monday = week_start(day)
        rows = await self._plans.week_volume(self.user_id, monday, utcnow())
        return {
            "week_of": monday,
            "level": user.preferences.level,
            "muscles": [
                {
                    "muscle": r.muscle,
                    "sets": round(r.sets, 1),
                    "band": [r.low, r.high],
                    "due_by_now": r.expected,
                    "status": r.status,
                }
                for r in rows
            ],
        }

    async def _workouts(self, args: Paged) -> dict[str, Any]:
        start, end = await self._window(args.start, args.end, default_days=56)
        workouts = await self._insights.workouts(self.user_id, start, end)
        rows = []
        for w in reversed(workouts):
            sets = [s for e in w.exercises for s in e.sets if s.type != "warmup"]
            rows.append(
                {
                    "id": w.id,
                    "date": w.start_time.date(),
                    "title": lifter_text(w.title),
                    "exercises": len(w.exercises),
                    "working_sets": len(sets),
                    "minutes": round((w.end_time - w.start_time).total_seconds() / 60)
                    if w.end_time
                    else None,
                }
            )
        return {"window": [start.date(), end.date()], **page_rows(rows, args.page)}

    async def _workout(self, args: WorkoutInput) -> dict[str, Any]:
        user = await self._me()
        workout = None
        if args.workout_id:
            workout = await self._insights.workout(self.user_id, args.workout_id)
        elif args.day:
            found = await self._insights.workouts(
                self.user_id, day_start(args.day, user.timezone), _day_end(args.day, user.timezone)
            )
            workout = found[0] if found else None
        if workout is None:
            raise ToolError("No such workout. Use list_workouts to find ids and dates.")
        return {
            "id": workout.id,
            "title": lifter_text(workout.title),
            "description": lifter_text(workout.description),
            "start": workout.start_time,
            "end": workout.end_time,
            "units": user.units.value,
            "exercises": [
                {
                    "exercise": e.title or await self._title(e.template_id),
                    "notes": lifter_text(e.notes),
                    "sets": [
                        [s.type.value, await self._load(s.weight_kg), s.reps, s.rpe] for s in e.sets
                    ],
                }
                for e in workout.exercises
            ],
            "sets_format": "[type, load, reps, rpe]",
        }

    async def _search(self, args: SearchInput) -> dict[str, Any]:
        catalogue = await self._insights.catalogue(self.user_id)
        if args.query:
            found = await self._insights.find(self.user_id, args.query, limit=SEARCH_MATCHES)
        else:
            found = sorted(catalogue.values(), key=lambda t: t.title)
        if args.muscle:
            found = [
                t
                for t in found
                if args.muscle in (t.primary_muscle_group, *t.secondary_muscle_groups)
            ]
        if args.equipment:
            found = [t for t in found if t.equipment == args.equipment]
        rows = [
            {
                "id": t.id,
                "title": t.title,
                "primary": t.primary_muscle_group,
                "secondary": t.secondary_muscle_groups,
                "equipment": t.equipment,
                "custom": t.is_custom,
            }
            for t in found
        ]
        out = page_rows(rows, args.page)
        if args.query and len(found) == SEARCH_MATCHES:
            out["note"] = f"the {SEARCH_MATCHES} closest matches: refine the query for others"
        return out

    async def _current_plan(self, _: NoInput) -> dict[str, Any]:
        found = await self._plans.this_week(self.user_id, utcnow(), include_drafts=True)
        if found is None:
            return {"plan": None, "hint": "No plan yet: propose_plan makes one."}
        plan, week, report = found
        user = await self._me()
        training = TrainingPlan.model_validate(plan.body)
        return {
            "id": plan.id,
            "status": plan.status.value,
            "title": plan.title,
            "week": plan.week,
            "weeks": len(training.weeks),
            "days": [
                {
                    "key": d.key,
                    "name": d.name,
                    "weekday": d.weekday,
                    "exercises": [
                        [
                            await self._title(e.template_id),
                            e.sets,
                            f"{e.rep_low or e.reps}-{e.rep_high or e.reps}",
                            await self._load(e.load_kg),
                            e.rpe,
                        ]
                        for e in d.exercises
                    ],
                }
                for d in week.days
            ],
            "exercise_format": "[exercise, sets, reps, load, rpe]",
            "units": user.units.value,
            "this_week": {
                "sessions_done": report.sessions[0],
                "sessions_planned": report.sessions[1],
                "sets_done": report.sets[0],
                "sets_planned": report.sets[1],
            },
        }

    async def _query(self, args: QueryInput) -> dict[str, Any]:
        result = await self._log.query(self.user_id, args.sql)
        return {"units": (await self._me()).units.value, **result.as_dict()}

    # --- write tools --------------------------------------------------------------------------

    async def _propose(self, args: ProposeInput) -> dict[str, Any]:
        if args.changes:
            proposal = await self._plans.revise(self.user_id, args.changes)
        else:
            proposal = await self._plans.propose(self.user_id, args.request)
        if proposal.refused:
            return {"ok": False, "refused": proposal.refused}
        return {
            "ok": proposal.ok,
            "plan_id": proposal.plan.id,
            "preview": proposal.preview,
            "violations": list(
                {
                    (v.severity, v.code, v.message): {
                        "severity": v.severity,
                        "rule": v.code,
                        "message": v.message,
                    }
                    for v in proposal.violations
                }.values()
            ),  # each once, not once per week
            "next": (
                "The chat shows this draft's preview with an Approve button under your reply: "
                "explain it briefly, do not repeat it."
            ),
        }

    async def _update_preferences(self, args: PreferencesInput) -> dict[str, Any]:
        user = await self._me()
        changes = args.model_dump(exclude_none=True)
        units = changes.pop("units", None)
        timezone = changes.pop("timezone", None)
        if timezone is not None:
            try:
                time_zone(timezone)
            except ValueError as exc:
                raise ToolError(str(exc)) from None
        prefs = Preferences.model_validate({**user.preferences.model_dump(), **changes})
        updated = user.model_copy(
            update={
                "preferences": prefs,
                "units": Units(units) if units else user.units,
                "timezone": timezone or user.timezone,
                "updated_at": utcnow(),
            }
        )
        await self._store.users.put(updated)
        self._user = updated
        return {
            "saved": True,
            "preferences": prefs.model_dump(mode="json"),
            "units": updated.units.value,
            "timezone": updated.timezone,
        }

    async def _remember(self, args: NoteInput) -> dict[str, Any]:
        user = await self._me()
        notes = [*user.coaching_notes, args.note.strip()][-30:]
        updated = user.model_copy(update={"coaching_notes": notes, "updated_at": utcnow()})
        await self._store.users.put(updated)
        self._user = updated
        return {"remembered": args.note.strip(), "notes": len(notes)}


def _day_end(day: date, tz: str) -> datetime:
    return day_start(day + timedelta(days=1), tz)
