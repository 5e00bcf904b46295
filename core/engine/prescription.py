"""One exercise's prescription (TRAINING.md "Session design", "Building a plan from the
lifter"): rep range by goal and role, rest, warm-up ramp, starting load from the lifter's
rep-matched recent work, injury cautions, and the progression model that moves it."""

from __future__ import annotations

from core.engine.allocation import Item
from core.engine.breaks import Comeback
from core.engine.injuries import CAUTION, normalize_injury
from core.engine.lifter import LifterHistory, WorkingLoad
from core.engine.loads import LoadingProfile, format_load, round_load
from core.engine.movements import COMPOUND
from core.engine.plan import PlannedExercise
from core.engine.progression import DoubleProgression, LinearProgression, RpeTopSet
from core.engine.splits import Role
from core.engine.steps import BIG_STEP
from core.models import ExerciseTemplate, Preferences

_REPS: dict[tuple[str, Role], tuple[int, int]] = {
    ("strength", "heavy"): (3, 5),
    ("strength", "moderate"): (5, 8),
    ("strength", "light"): (8, 12),
    ("hypertrophy", "heavy"): (6, 10),
    ("hypertrophy", "moderate"): (8, 12),
    ("hypertrophy", "light"): (10, 15),
    ("general", "heavy"): (5, 8),
    ("general", "moderate"): (8, 12),
    ("general", "light"): (10, 15),
}
_LINEAR_REPS = {"strength": 5, "general": 8}  # beginners' main lifts: same reps, add load


def bodyweight_only(template: ExerciseTemplate) -> bool:
    return template.equipment == "none" or template.type == "reps_only"


def linear_main_lift(role: Role, pattern: str, prefs: Preferences) -> bool:
    """Beginners after strength or general fitness run their main lifts on linear progression."""
    return (
        prefs.level == "beginner"
        and prefs.goal in _LINEAR_REPS
        and role != "light"
        and pattern in COMPOUND
    )


def rep_range(role: Role, pattern: str, prefs: Preferences) -> tuple[int, int]:
    if linear_main_lift(role, pattern, prefs):
        reps = _LINEAR_REPS[prefs.goal]
        return reps, reps
    return _REPS[(prefs.goal, role)]


def rest_range(role: Role, low: int) -> tuple[int, int]:
    """Starting and longest rest (TRAINING.md): heavy compounds 180–300 s, other compounds
    120–180 s, isolation 60–90 s."""
    if role == "light":
        return 60, 90
    if low < 6:
        return 180, 300
    return 120, 180


def ramp(
    role: Role, pattern: str, template: ExerciseTemplate, bodyweight: bool, warmed: set[str]
) -> int:
    """Warm-up sets before an exercise (TRAINING.md): a two-set ramp before each heavy compound,
    one set before a later one on a pattern already warmed up today, one before a moderate
    barbell compound; none for bodyweight or isolation work."""
    if bodyweight or role == "light" or pattern not in COMPOUND:
        return 0
    if role == "heavy":
        ramp = 1 if pattern in warmed else 2
    else:
        ramp = 1 if template.equipment == "barbell" and pattern not in warmed else 0
    warmed.add(pattern)
    return ramp


def injury_note(pattern: str, injuries: list[str]) -> tuple[str, float | None]:
    notes, cap = [], None
    for injury in injuries:
        note, rpe_cap = CAUTION.get(normalize_injury(injury) or "", {}).get(pattern, ("", None))
        if note:
            notes.append(note)
        if rpe_cap is not None:
            cap = rpe_cap if cap is None else min(cap, rpe_cap)
    return " ".join(notes), cap


def prescribe(
    item: Item,
    prefs: Preferences,
    history: LifterHistory,
    profile: LoadingProfile,
    bodyweight: bool,
) -> PlannedExercise:
    """The exercise as the lifter will do it: reps, RPE, starting load, its reason, and the
    progression model that moves it."""
    role, pattern = item.slot.role, item.slot.pattern
    low, high = rep_range(role, pattern, prefs)
    rpe = 7.5 if pattern in ("squat", "hinge") and role == "heavy" else 8.0
    caution, cap = injury_note(pattern, prefs.injuries)
    if cap is not None:
        rpe = min(rpe, cap)
    template = item.template
    linear = linear_main_lift(role, pattern, prefs)
    # A top set is loaded from the current e1RM; it needs a load to be one (decided below).
    top_set = not linear and role == "heavy" and prefs.goal == "strength" and low <= 10
    start = (
        None if bodyweight else history.working_load(template.id, low, high, rpe, top_set=top_set)
    )
    step = (5.0 if pattern in ("squat", "hinge") else 2.5) if linear else None
    load, reps = (
        (None, low)
        if start is None
        else starting_load(start, low, high, template.equipment, profile, step)
    )
    if bodyweight:
        note = "Bodyweight: add reps within the range, then slow the tempo."
    elif start is not None:
        note = load_note(start, low, high, load, reps, profile, history.comeback())
    elif history.trained(template.id):
        note = (
            "You have logged these without added weight: keep it so, and add weight once the "
            "top of the range is easy."
        )
    else:
        note = (
            f"No history yet: start with a weight you could lift for about {high + 3} reps "
            "(RPE 6–7); Spotter sets the load from your first session."
        )
    if step is not None:
        progression = LinearProgression(reps=low, step_kg=step)
    elif top_set and load:
        progression = RpeTopSet(top_reps=low, top_rpe=rpe, backoff_sets=max(0, item.sets - 1))
    else:
        progression = DoubleProgression(rep_low=low, rep_high=high, target_rpe=rpe)
    return PlannedExercise(
        template_id=template.id,
        sets=item.sets,
        reps=reps,
        rep_low=low,
        rep_high=high,
        load_kg=load,
        rpe=rpe,
        rest_seconds=item.rest,
        # A ramp below 20 kg would be lighter than the working weight is already.
        warmup_sets=0 if load is not None and load < 20 else item.warmups,
        notes=" ".join(part for part in (note, caution) if part),
        progression=progression,
    )


def starting_load(
    start: WorkingLoad,
    low: int,
    high: int,
    equipment: str,
    profile: LoadingProfile,
    linear_step: float | None = None,
) -> tuple[float | None, int]:
    """Week 1's load and rep target at full strength: the loadable weight nearest the start
    (kept within 90–105 % of it where the plates allow), one step above it when the range's top
    was reached — unless that step is more than ~10 % of the load (light cables, small
    dumbbells): then the same load, aiming for the top of the range first. A beginner's linear
    lift goes on by its own step after a successful week."""
    nearest = round_load(start.kg, equipment, profile)
    if nearest is not None and nearest > start.kg * 1.05:
        lower = round_load(start.kg, equipment, profile, mode="down")
        if lower is not None and lower >= start.kg * 0.9:
            nearest = lower
    if nearest is None or not start.heavier:
        return nearest, start.reps or low
    if linear_step is not None:
        return next_load(start.kg + linear_step - 0.5, equipment, profile), low
    heavier = next_load(start.kg, equipment, profile)
    if heavier is None or heavier - start.kg > BIG_STEP * start.kg + 1e-9:
        return nearest, high
    return heavier, low


def next_load(kg: float, equipment: str, profile: LoadingProfile) -> float | None:
    """The lightest loadable weight above `kg` on the lifter's kit."""
    bump = 0.5
    while bump < 50:
        heavier = round_load(kg + bump, equipment, profile)
        if heavier is None or heavier > kg + 1e-6:
            return heavier
        bump += 0.5
    return None


def load_note(
    start: WorkingLoad,
    low: int,
    high: int,
    load: float | None,
    reps: int,
    profile: LoadingProfile,
    plan_comeback: Comeback,
) -> str:
    """Where the load comes from, in the lifter's units, and this exercise's own time off."""
    units = profile.units
    e = start.exposure
    if start.source == "plan":
        note = "Load from your last plan."
    elif e is None:
        note = "Load from your e1RM."
    elif start.source == "e1rm":
        note = (
            f"Load from your e1RM in your last hard week ({format_load(e.kg, units)} × {e.reps})."
        )
    else:
        done = f"Your last hard week: {e.text} at {format_load(e.kg, units)}"
        if start.heavier and load is not None and load > e.kg * 1.01:
            note = f"{done}, the top of the range: one step heavier."
        elif start.heavier:
            note = f"{done}: the next step is a big one, so reps to {high} first."
        elif reps > low:
            note = f"{done}: same load, aim for {reps}."
        else:
            note = f"{done}: same load."
    if start.held:
        note += " Your last plan was holding it after missed reps."
    own = start.comeback
    if own.lighter and own.weeks_off > plan_comeback.weeks_off + 1 and own != plan_comeback:
        note += f" {own.sentence('you last did it')}."
    return note
