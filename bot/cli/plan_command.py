"""`spotter plan`: the plan engine from the command line, without Telegram.

`spotter plan --prefs PREFS.json [--history EXPORT.csv] [--catalogue TEMPLATES.json]
[--today YYYY-MM-DD] [--json]` prints a plan starting `--today` (time off counts to it);
`spotter plan next --plan PLAN.json --history EXPORT.csv [--json]` prints the following week's
prescription from what was logged, with each change's reason. The numbers are
the same engine's as in the chat: the generator, the validator, the progression and the routine
sets that would be written into Hevy. Bad input exits 2 with one line naming the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from core.engine.adherence import match_workouts
from core.engine.catalogue import builtin_catalogue, catalogue_from_json
from core.engine.generator import PlanInfeasible, generate_plan
from core.engine.lifter import LifterHistory
from core.engine.loads import LoadingProfile, to_user_units
from core.engine.plan import PlanWeek, TrainingPlan
from core.engine.plan_text import describe_plan
from core.engine.validator import validate, week_sets_per_muscle
from core.models import ExerciseTemplate, Preferences, Units, Workout
from core.services.csv_import import CsvImportError, parse_hevy_csv
from core.services.plan_loop import next_week, week_skipped
from core.services.plan_writer import routine_for

WEEK = timedelta(weeks=1)


class BadInput(Exception):
    """One line for the user: which file, what is wrong."""


class PlanPrefs(Preferences):
    """PREFS.json: the settings' fields, plus the lifter's units."""

    model_config = ConfigDict(extra="forbid")
    units: Units = Units.KG


class SavedPlan(BaseModel):
    """What `spotter plan --json` printed, read back by `spotter plan next`."""

    model_config = ConfigDict(extra="ignore")
    units: Units = Units.KG
    started: date
    week: int = 1
    engine_plan: TrainingPlan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=["new", "next"],
        default="new",
        help="new: a plan from preferences (default); next: the following week",
    )
    parser.add_argument("--prefs", type=Path, help="PREFS.json: goal, level, days_per_week, …")
    parser.add_argument("--history", type=Path, help="a Hevy CSV export (Settings → Export)")
    parser.add_argument("--catalogue", type=Path, help="Hevy exercise_templates JSON array")
    parser.add_argument("--plan", type=Path, help="PLAN.json printed by `spotter plan --json`")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="YYYY-MM-DD: the day the plan starts; time off counts to it (default: today)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        output = _next(args) if args.action == "next" else _new(args)
    except BadInput as exc:
        print(f"spotter: {exc}", file=sys.stderr)
        return 2
    except PlanInfeasible as exc:
        print(f"spotter: no plan fits these preferences: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(output["json"], indent=1, ensure_ascii=False, default=str))
    else:
        print(output["text"])
    return 0


def _new(args: argparse.Namespace) -> dict[str, Any]:
    if args.prefs is None:
        raise BadInput("--prefs PREFS.json is required")
    prefs = _read_model(args.prefs, PlanPrefs)
    catalogue = _catalogue(args.catalogue)
    workouts = _history(args.history, catalogue) if args.history else []
    rows = [row for w in workouts for row in w.set_rows()]
    profile = LoadingProfile.for_units(prefs.units)
    started = args.today or datetime.now(UTC).date()
    # Time off counts from the day the plan starts, not from the log's last session.
    today = datetime.combine(started, datetime.min.time(), UTC)
    history = LifterHistory.from_rows(rows, today=today)
    training = generate_plan(prefs, catalogue, profile, history)
    document = plan_document(
        training, training.weeks, catalogue, prefs, started, week=1, loads=history.loads()
    )
    return {"json": document, "text": describe_plan(training, catalogue, prefs.units)}


def _next(args: argparse.Namespace) -> dict[str, Any]:
    if args.plan is None or args.history is None:
        raise BadInput("`spotter plan next` needs --plan PLAN.json and --history EXPORT.csv")
    saved = _read_model(args.plan, SavedPlan)
    catalogue = _catalogue(args.catalogue)
    training = saved.engine_plan
    if saved.week >= len(training.weeks):
        raise BadInput(f"{args.plan}: week {saved.week} is the plan's last week")
    start = datetime.combine(saved.started, datetime.min.time(), UTC) + WEEK * (saved.week - 1)
    history = [w for w in _history(args.history, catalogue) if w.start_time < start + WEEK]
    logged = [w for w in history if start <= w.start_time]
    week = next(w for w in training.weeks if w.number == saved.week)
    matched = match_workouts(week.days, logged)
    prefs = PlanPrefs(
        goal=training.goal, level=training.level, session_minutes=training.session_minutes,
        days_per_week=len(week.days), units=saved.units,
    )  # fmt: skip
    if week_skipped(matched):  # the block shifts by a week, as in the bot's loop
        started = saved.started + WEEK
        document = plan_document(training, [week], catalogue, prefs, started, week=saved.week)
        reason = (
            f"Nothing logged in week {saved.week}: the block moves back a week, "
            f"week {saved.week} again"
        )
        document["reasons"] = [reason]
        document["not_logged"] = [d.name for d in week.days]
        return {"json": document, "text": f"Week {saved.week} again: {reason}"}
    upcoming, changes = next_week(training, saved.week, matched, catalogue, saved.units, history)
    reasons = [c.text for c in changes]
    loads = LifterHistory.from_rows(r for w in history for r in w.set_rows()).loads()
    document = plan_document(
        training, [upcoming], catalogue, prefs, saved.started, week=saved.week + 1, loads=loads
    )
    document["reasons"] = reasons
    document["not_logged"] = [d.name for d in week.days if matched.get(d.key) is None]
    lines = [f"• {r}" for r in reasons] or ["no changes: the same targets again"]
    return {"json": document, "text": "\n".join([f"Week {upcoming.number}:", *lines])}


def plan_document(
    training: TrainingPlan,
    weeks: list[PlanWeek],
    catalogue: Mapping[str, ExerciseTemplate],
    prefs: PlanPrefs,
    started: date,
    week: int,
    loads: Mapping[str, list[float]] | None = None,
) -> dict[str, Any]:
    """The plan as JSON: every set as it would be written into Hevy, in kg and the lifter's
    units, with what the validator says. `engine_plan` lets `spotter plan next` read it back."""
    profile = LoadingProfile.for_units(prefs.units)
    first = next((w for w in training.weeks if w.number == weeks[0].number), weeks[0])
    volume = week_sets_per_muscle(first, catalogue)
    found = validate(training, catalogue, prefs, profile, loads)
    return {
        "title": training.title,
        "units": prefs.units.value,
        "started": started.isoformat(),
        "week": week,
        "weeks": [_week(w, catalogue, prefs.units) for w in weeks],
        "volume": {m: round(v, 1) for m, v in sorted(volume.items())},
        "compromises": training.compromises,
        "violations": list(dict.fromkeys(v.message for v in found if v.severity == "error")),
        "warnings": list(dict.fromkeys(v.message for v in found if v.severity == "warning")),
        "notes": training.notes,
        "engine_plan": training.model_dump(mode="json"),
    }


def _week(week: PlanWeek, catalogue: Mapping[str, ExerciseTemplate], units: Units) -> dict:
    days = []
    for day in week.days:
        routine = routine_for(day, f"Week {week.number}", None, catalogue, units)
        exercises = []
        for planned, written in zip(day.exercises, routine.exercises, strict=True):
            template = catalogue.get(planned.template_id)
            exercises.append(
                {
                    "template_id": planned.template_id,
                    "title": template.title if template else planned.template_id,
                    "primary_muscle": template.primary_muscle_group if template else None,
                    "secondary_muscles": template.secondary_muscle_groups if template else [],
                    "sets": [
                        {
                            "type": s.type.value,
                            "reps": [s.rep_range.start, s.rep_range.end] if s.rep_range else s.reps,
                            "load_kg": s.weight_kg,
                            "load": None
                            if s.weight_kg is None
                            else round(to_user_units(s.weight_kg, units), 2),
                            "rpe": planned.rpe if s.type.value == "normal" else None,
                        }
                        for s in written.sets
                    ],
                    "rest_seconds": planned.rest_seconds,
                    "progression": planned.progression.model_dump()
                    if planned.progression
                    else None,
                    "reason": planned.notes,
                }
            )
        days.append(
            {
                "key": day.key,
                "name": day.name,
                "weekday": day.weekday,
                "estimated_minutes": day.estimated_minutes,
                "exercises": exercises,
            }
        )
    return {"number": week.number, "deload": week.deload, "days": days}


def _read_model[M: BaseModel](path: Path, model: type[M]) -> M:
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the file"
        raise BadInput(f"{path}: {where}: {error['msg']}") from None


def _catalogue(path: Path | None) -> dict[str, ExerciseTemplate]:
    if path is None:
        return builtin_catalogue()
    try:
        return catalogue_from_json(path.read_text())
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror}") from None
    except (ValueError, ValidationError) as exc:
        raise BadInput(f"{path}: not a Hevy exercise_templates JSON array ({exc})") from None


def _history(path: Path, catalogue: Mapping[str, ExerciseTemplate]) -> list[Workout]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return parse_hevy_csv(text, list(catalogue.values()), "UTC").workouts
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a text (UTF-8) file") from None
    except CsvImportError as exc:
        raise BadInput(f"{path}: {exc}") from None
