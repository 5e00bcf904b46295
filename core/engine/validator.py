"""Checking a plan before anything reaches the lifter or Hevy: every violation, with its reason.

Errors block a plan (volume above the band, an exercise the lifter cannot do, a load they
cannot load, a session longer than the time they have); warnings are shown with it (a muscle
below its band, or trained once a week: what a short schedule costs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from core.engine.injuries import fits_equipment, injury_conflict
from core.engine.loads import LoadingProfile, format_load, is_loadable
from core.engine.plan import PlanDay, PlanWeek, TrainingPlan
from core.engine.progression import extra_reps
from core.engine.session_time import working_sets
from core.engine.steps import Grid
from core.engine.supersets import superset_problem
from core.engine.volume import BANDS, Level, set_contribution
from core.models import ExerciseTemplate, Preferences

MAX_SETS_PER_MUSCLE_PER_SESSION = 8
MAX_EXERCISES_PER_SESSION = 8

# A session may run this much past the minutes the lifter gave (by the one time model,
# `session_time`, as PlanDay.estimated_minutes counts).
SESSION_TOLERANCE = 0.15


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"
    week: int | None = None
    day: str | None = None
    template_id: str | None = None


def day_sets_per_muscle(
    day: PlanDay, catalogue: Mapping[str, ExerciseTemplate]
) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for exercise in day.exercises:
        for muscle, share in set_contribution(catalogue.get(exercise.template_id)).items():
            totals[muscle] += share * exercise.sets
    return dict(totals)


def week_sets_per_muscle(
    week: PlanWeek, catalogue: Mapping[str, ExerciseTemplate]
) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for day in week.days:
        for muscle, sets in day_sets_per_muscle(day, catalogue).items():
            totals[muscle] += sets
    return dict(totals)


def validate(
    plan: TrainingPlan,
    catalogue: Mapping[str, ExerciseTemplate],
    preferences: Preferences,
    profile: LoadingProfile,
    loads: Mapping[str, Iterable[float]] | None = None,
) -> list[Violation]:
    """Every way `plan` breaks the rules for this lifter; empty when it is sound. `loads`: the
    lifter's logged working loads per exercise, whose grid (`steps`: dumbbells of 15, 17.5 and
    20 kg) their kit takes as well as the default plates."""
    found: list[Violation] = []
    level: Level = preferences.level  # type: ignore[assignment]
    for week in plan.weeks:
        for day in week.days:
            found += _check_day(week, day, catalogue, preferences, profile, loads or {})
        if not week.deload:
            found += _check_week(week, catalogue, level)
    return found


def _check_day(
    week: PlanWeek,
    day: PlanDay,
    catalogue: Mapping[str, ExerciseTemplate],
    prefs: Preferences,
    profile: LoadingProfile,
    loads: Mapping[str, Iterable[float]],
) -> list[Violation]:
    out: list[Violation] = []
    where = {"week": week.number, "day": day.name}
    for ex in day.exercises:
        template = catalogue.get(ex.template_id)
        at = {**where, "template_id": ex.template_id}
        if template is None:
            out.append(
                Violation(
                    "unknown_exercise", f"{ex.template_id} is not in your Hevy catalogue", **at
                )
            )
            continue
        if not fits_equipment(template, prefs.equipment):
            out.append(
                Violation(
                    "equipment",
                    f"{template.title} needs {template.equipment}, which you do not have",
                    **at,
                )
            )
        if reason := injury_conflict(template, prefs.injuries):
            out.append(Violation("injury", f"{template.title} does not suit you ({reason})", **at))
        if ex.progression is None:
            out.append(
                Violation(
                    "no_progression", f"{template.title} has no progression or deload path", **at
                )
            )
        low, high = ex.rep_low, ex.rep_high
        # A rep target may pass the range's top only by `extra_reps`: the reps-first climb
        # where the next load step is too big (TRAINING.md, "Load steps").
        if low is not None and high is not None and not low <= ex.reps <= high + extra_reps(high):
            out.append(
                Violation(
                    "rep_target",
                    f"{template.title}: {ex.reps} reps is outside {low}–{high} "
                    f"(+{extra_reps(high)} while a big step waits)",
                    **at,
                )
            )
        if not _loadable(ex.load_kg, template.equipment, profile, loads.get(ex.template_id)):
            out.append(
                Violation(
                    "unloadable",
                    f"{template.title}: {format_load(ex.load_kg, profile.units)} "
                    "cannot be loaded with your plates",
                    **at,
                )
            )
    if week.deload:
        return out
    minutes = day.estimated_minutes
    if minutes > prefs.session_minutes * (1 + SESSION_TOLERANCE):
        out.append(
            Violation(
                "session_too_long",
                f"{day.name}: about {minutes} minutes, over the {prefs.session_minutes} you have",
                **where,
            )
        )
    if len(day.exercises) > MAX_EXERCISES_PER_SESSION:
        out.append(
            Violation(
                "too_many_exercises",
                f"{day.name}: {len(day.exercises)} exercises (at most 8)",
                **where,
            )
        )
    total, cap = sum(ex.sets for ex in day.exercises), working_sets(prefs.session_minutes)[1]
    if total > cap:
        out.append(
            Violation(
                "too_many_sets",
                f"{day.name}: {total} working sets, more than a {prefs.session_minutes}-minute "
                f"session holds ({cap})",
                **where,
            )
        )
    out += [
        Violation("superset", f"{day.name}: {p}", **where)
        for p in _superset_problems(day, catalogue)
    ]
    for muscle, sets in day_sets_per_muscle(day, catalogue).items():
        if sets > MAX_SETS_PER_MUSCLE_PER_SESSION:
            out.append(
                Violation(
                    "muscle_session_cap",
                    f"{day.name}: {sets:g} sets for {muscle} in one session "
                    "(quality drops after ~8)",
                    **where,
                )
            )
    return out


def _check_week(
    week: PlanWeek, catalogue: Mapping[str, ExerciseTemplate], level: Level
) -> list[Violation]:
    out: list[Violation] = []
    sets = week_sets_per_muscle(week, catalogue)
    for muscle, (low, high) in BANDS[level].items():
        value = sets.get(muscle, 0.0)
        if value < low:
            out.append(
                Violation(
                    "below_band",
                    f"{muscle}: {value:g} sets a week, below {low:g}–{high:g}",
                    severity="warning",  # a short schedule's price, said in the plan's compromises
                    week=week.number,
                )
            )
        elif value > high:
            out.append(
                Violation(
                    "above_band",
                    f"{muscle}: {value:g} sets a week, above {low:g}–{high:g}",
                    week=week.number,
                )
            )
    sessions: dict[str, int] = defaultdict(int)
    for day in week.days:
        for muscle, day_sets in day_sets_per_muscle(day, catalogue).items():
            if day_sets >= 1.0:
                sessions[muscle] += 1
    for muscle, (low, _high) in BANDS[level].items():
        if low > 0 and sets.get(muscle, 0) > 0 and sessions[muscle] < 2:
            out.append(
                Violation(
                    "frequency",
                    f"{muscle} is trained {sessions[muscle]}× a week; "
                    "twice or more grows it better",
                    severity="warning",
                    week=week.number,
                )
            )
    return out


def _loadable(
    kg: float | None, equipment: str, profile: LoadingProfile, logged: Iterable[float] | None
) -> bool:
    """On the default plates, or on the grid the lifter's own log shows for the exercise."""
    if is_loadable(kg, equipment, profile) or kg is None or not logged:
        return is_loadable(kg, equipment, profile)
    on = Grid.learned(logged, profile.units, equipment, profile).round(kg)
    return on is not None and abs(on - kg) < 1e-6


def _superset_problems(day: PlanDay, catalogue: Mapping[str, ExerciseTemplate]) -> list[str]:
    """Each superset is two exercises next to each other that TRAINING.md lets share a rest."""
    out = []
    for sid in dict.fromkeys(ex.superset for ex in day.exercises if ex.superset is not None):
        at = [i for i, ex in enumerate(day.exercises) if ex.superset == sid]
        if len(at) != 2 or at[1] != at[0] + 1:
            out.append(f"superset {sid} is not two exercises side by side")
            continue
        a, b = (day.exercises[i] for i in at)
        ta, tb = catalogue.get(a.template_id), catalogue.get(b.template_id)
        if (
            ta
            and tb
            and (why := superset_problem(ta, a.rep_low or a.reps, tb, b.rep_low or b.reps))
        ):
            out.append(f"{ta.title} and {tb.title} make no superset ({why})")
    return out


def errors(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == "error"]
