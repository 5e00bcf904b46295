"""One exercise's prescription (TRAINING.md "Session design", "Building a plan from the
lifter"): rep range by goal and role, rest, warm-up ramp, starting load from the lifter's
rep-matched recent work, injury cautions, and the progression model that moves it."""

from __future__ import annotations

import math
import re

from core.engine.allocation import Item
from core.engine.breaks import Comeback
from core.engine.e1rm import epley
from core.engine.injuries import CAUTION, normalize_injury
from core.engine.lifter import LifterHistory, WorkingLoad
from core.engine.loads import LoadingProfile, format_load, from_user_units, round_load
from core.engine.movements import COMPOUND
from core.engine.plan import PlannedExercise
from core.engine.progression import (
    CUT_FACTOR,
    DoubleProgression,
    LinearProgression,
    RpeTopSet,
    cut_load,
    extra_reps,
)
from core.engine.splits import Role
from core.engine.steps import BIG_STEP, Grid
from core.models import ExerciseTemplate, Preferences, Units

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
WARMUPS = ((0.5, 8), (0.75, 4))  # a ramp: the last set alone when one is enough
# A lift last done this long ago, by a lifter who trains now, says nothing of today's strength:
# 27.5 kg hip thrusts of four years ago are an empty bar beside today's 100 kg hack squats.
STALE_WEEKS = 52
_MAIN_LIFTS = frozenset({"squat", "hinge", "h_press", "v_press", "h_pull"})


def bodyweight_only(template: ExerciseTemplate) -> bool:
    return template.equipment == "none" or template.type == "reps_only"


def linear_main_lift(role: Role, pattern: str, equipment: str, prefs: Preferences) -> bool:
    """Beginners after strength or general fitness run their main barbell lifts (squat, bench,
    deadlift, press, row) on linear progression; everything else moves by double progression."""
    return (
        prefs.level == "beginner"
        and prefs.goal in _LINEAR_REPS
        and role != "light"
        and equipment == "barbell"
        and pattern in _MAIN_LIFTS
    )


def rep_range(role: Role, pattern: str, equipment: str, prefs: Preferences) -> tuple[int, int]:
    """The role's range for the goal; isolation work (curls, raises, pushdowns, flyes, calves,
    core) takes the hypertrophy ranges whatever the goal and never the 6–10s of a heavy day:
    low-rep ranges are for compounds."""
    if linear_main_lift(role, pattern, equipment, prefs):
        reps = _LINEAR_REPS[prefs.goal]
        return reps, reps
    if pattern not in COMPOUND:
        return _REPS[("hypertrophy", "light" if role == "light" else "moderate")]
    return _REPS[(prefs.goal, role)]


def rest_range(role: Role, low: int, pattern: str | None = None) -> tuple[int, int]:
    """Starting and longest rest (TRAINING.md): heavy compounds 180–300 s, other compounds
    120–180 s, isolation 60–90 s — by the movement when it is known: a row on its light day is
    still a compound, a leg extension on its heavier day no squat."""
    if not (pattern in COMPOUND if pattern is not None else role != "light"):
        return 60, 90
    if low < 6:
        return 180, 300
    return 120, 180


def ramp(
    role: Role, pattern: str, template: ExerciseTemplate, bodyweight: bool, warmed: set[str]
) -> int:
    """Warm-up sets before an exercise (TRAINING.md "Session design"): a two-set ramp before the
    day's first compound and each heavy one on a new pattern, one set before a later compound on
    a new pattern or a heavy one on a pattern already warmed up today (one set for a light-day
    compound that opens the session); none for bodyweight or isolation work. (`warmups` drops
    a set that cannot be lighter than the working load.)"""
    if bodyweight or pattern not in COMPOUND:
        return 0
    first = not warmed
    if role == "light":  # a compound on its light day: one set when it opens the session
        count = 1 if first else 0
    elif role == "heavy":
        count = 1 if pattern in warmed else 2
    else:
        count = 2 if first else 0 if pattern in warmed else 1
    warmed.add(pattern)
    return count


def warmups(
    load_kg: float | None, count: int, equipment: str, profile: LoadingProfile
) -> list[tuple[float | None, int]]:
    """The warm-up sets (load, reps) of a ramp of `count` before `load_kg`: ~50 % × 8 then
    ~75 % × 4 (the last alone for one set), each loadable and always below the working load — a
    set that cannot be lighter (a 45 lb press on a 45 lb bar) is left out. "Your pick" (no load
    yet) ramps from the empty bar on a barbell; elsewhere the lifter picks lighter weights."""
    ramp = WARMUPS[len(WARMUPS) - count :] if count else ()
    if load_kg is None:
        bar = from_user_units(profile.bar, profile.units) if equipment == "barbell" else None
        return [(bar if i == 0 else None, reps) for i, (_share, reps) in enumerate(ramp)]
    sets: list[tuple[float | None, int]] = []
    for share, reps in ramp:
        kg = round_load(load_kg * share, equipment, profile, mode="down")
        if kg is None or kg >= load_kg - 1e-6 or any(kg <= (w or 0) + 1e-6 for w, _ in sets):
            continue
        sets.append((kg, reps))
    return sets


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
    low, high = rep_range(role, pattern, item.template.equipment, prefs)
    rpe = 7.5 if pattern in ("squat", "hinge") and role == "heavy" else 8.0
    caution, cap = injury_note(pattern, prefs.injuries)
    if cap is not None:
        rpe = min(rpe, cap)
    template = item.template
    linear = linear_main_lift(role, pattern, item.template.equipment, prefs)
    # A top set is loaded from the current e1RM; it needs a load to be one (decided below).
    top_set = not linear and role == "heavy" and prefs.goal == "strength" and low <= 10
    start = (
        None if bodyweight else history.working_load(template.id, low, high, rpe, top_set=top_set)
    )
    stale = _stale(start, history, profile.units)
    if stale:
        start = None
    step = (5.0 if pattern in ("squat", "hinge") else 2.5) if linear else None
    grid = history.grid(template.id, template.equipment, profile)
    load, reps = (None, low) if start is None else starting_load(start, low, high, grid, step)
    if bodyweight:
        note = "Bodyweight: add reps within the range, then slow the tempo."
    elif start is not None:
        note = load_note(start, low, high, load, reps, profile, history.comeback(), grid)
    elif stale:
        note = (
            f"{stale}, too long ago to set today's load: start with a weight you could lift "
            f"for about {high + 3} reps (RPE 6–7); Spotter sets the load from your first session."
        )
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
        # "Your pick" ramps only for a lift never logged; logged without weight, none.
        warmup_sets=0
        if load is None and history.trained(template.id) and not stale
        else len(warmups(load, item.warmups, template.equipment, profile)),
        notes=" ".join(part for part in (note, caution) if part),
        progression=progression,
        misses=start.misses if start is not None else 0,  # a run of misses goes on
    )


def _stale(start: WorkingLoad | None, history: LifterHistory, units: Units) -> str:
    """ "Last done N weeks ago (3×10 at 27.5 kg)" for a lift whose last exposure is over a year
    old while the lifter trains now (TRAINING.md, "Building a plan": staples by recency; a lift
    not done for a year at a conservative load, with a note), else "". A whole break of a year
    is a comeback instead (`breaks`), ramped from the loads of before."""
    if start is None or start.source == "plan":
        return ""
    own, whole = start.comeback.weeks_off, history.comeback().weeks_off
    if own < STALE_WEEKS or whole >= STALE_WEEKS:
        return ""
    e = start.exposure
    done = f" ({e.text} at {format_load(e.kg, units)})" if e is not None else ""
    return f"Last done {own} weeks ago{done}"


def starting_load(
    start: WorkingLoad,
    low: int,
    high: int,
    grid: Grid,
    linear_step: float | None = None,
) -> tuple[float | None, int]:
    """Week 1's load and rep target at full strength, on the lifter's own grid for the exercise
    (`steps`): the loadable weight nearest the start (kept within 90–105 % of it where the grid
    allows), one step above it when the range's top was reached — unless that step is more than
    ~10 % of the load (light cables, small dumbbells): then the reps-first rule goes on where the
    last hard week left it (the same load, a rep more, up to the range extended by
    `extra_reps`), and the step is taken once every set reached that extended top, however big
    (TRAINING.md, "Load steps"). A beginner's linear lift goes on by its own step after a
    successful week."""
    if start.cut_due:  # missed weeks in a row: their one cut, on this grid (none: held)
        cut = cut_load(start.kg, CUT_FACTOR, grid)
        return (cut if cut is not None else grid.round(start.kg)), low
    nearest = grid.round(start.kg)
    if nearest is not None and nearest > start.kg * 1.05:
        lower = grid.round(start.kg, mode="down")
        if lower is not None and lower >= start.kg * 0.9:
            nearest = lower
    done = start.exposure.reps if start.exposure is not None else None
    up = nearest is not None and nearest > start.kg and not grid.same(nearest, start.kg)
    if up and done is not None and start.reps:
        # Rounded up onto the grid: the heavier load is this week's progress, not a rep more.
        return nearest, max(low, min(done, start.reps))
    if nearest is None or not start.heavier:
        return nearest, start.reps or low
    if linear_step is not None:
        return grid.round(start.kg + linear_step - 1e-6, mode="up"), low
    heavier = grid.round(start.kg + 1e-3, mode="up")
    if heavier is None or heavier - start.kg <= BIG_STEP * start.kg + 1e-9:
        return (
            (nearest, high) if heavier is None else (heavier, _reps_kept(start, heavier, low, high))
        )
    extended = high + extra_reps(high)
    done = done if done is not None else high - 1
    if done >= extended:
        return heavier, _reps_kept(start, heavier, low, high)
    if up:  # rounded up: heavier already, the same reps
        return nearest, min(max(done, high), extended)
    return nearest, min(max(done + 1, high), extended)


def _reps_kept(start: WorkingLoad, load: float, low: int, high: int) -> int:
    """The reps at `load`, one step above the last hard week's, that keep its e1RM (Epley),
    within the range (TRAINING.md, "From one block to the next": the load and reps of the best
    working sets, in the new range; progress must accumulate): 107.5 kg × 9 in a 6–10 range
    goes on as 110 × 8, not 110 × 6. A top set (from the e1RM) keeps the range's bottom."""
    e = start.exposure
    if start.source != "last" or e is None:
        return low
    return max(low, min(high, round(30 * (epley(e.kg, e.reps) / load - 1))))


def load_note(
    start: WorkingLoad,
    low: int,
    high: int,
    load: float | None,
    reps: int,
    profile: LoadingProfile,
    plan_comeback: Comeback,
    grid: Grid | None = None,
) -> str:
    """Where the load comes from, in the lifter's units, and this exercise's own time off.
    Every number it names is one the plan shows: the full load is named, not called "same
    load", where a comeback week lightens it; a big next step says how big it is (`grid`)."""
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
        # Every number the note names is the one the plan shows: the load (the same, or the
        # nearest the lifter's kit takes), and the reps against those made.
        same = load is None or format_load(load, units) == format_load(e.kg, units)
        what = "same load" if same else format_load(load, units)
        if same and load is not None and start.comeback.lighter:  # this week is lighter
            what = f"{format_load(load, units)} at full strength"
        aim = (
            f"aim for {reps}"
            if reps > e.reps
            else f"{reps} reps again"
            if reps == e.reps
            else f"{reps} reps"
        )
        # A step starts at the range's bottom; reps-first keeps (or rounds to) the same load.
        if start.heavier and load is not None and load > e.kg * 1.01:
            extended = e.reps >= high + extra_reps(high)
            top = "the extended range's top" if extended else "the top of the range"
            top = top if e.reps >= high or reps <= low else "near the top"
            kept = f", {reps} reps keep its e1RM" if reps > low else ""
            note = f"{done}, {top}: one step heavier{kept}."
        elif start.heavier and same and reps > e.reps:
            note = f"{done}: {_big_step(e.kg, grid)}, so reps to {reps} first."
        elif start.heavier:
            note = f"{done}: {_big_step(e.kg, grid)}; {what}, {aim}."
        elif reps > low or reps != e.reps:
            note = f"{done}: {what}, {aim}."
        else:
            note = f"{done}: {what}."
    if start.held:
        note += f" {start.held_text}"
    own = start.comeback
    if own.lighter and own.weeks_off > plan_comeback.weeks_off + 1 and own != plan_comeback:
        note += f" {own.sentence('you last did it')}."
    return note


def _big_step(kg: float, grid: Grid | None) -> str:
    """ "the next step (+5 kg, 12 %) is a big one": how big, on the lifter's grid (TRAINING.md,
    "Load steps": more than ~10 % of the load)."""
    up = grid.up(kg) if grid is not None else None
    if grid is None or up is None or up <= kg:
        return "the next step is a big one"
    share = round(100 * (up - kg) / kg)
    return f"the next step (+{grid.text(up - kg)}, {share} %) is a big one"


def lighter_day(
    ex: PlannedExercise,
    heavier: PlannedExercise,
    heavier_day: str,
    grid: Grid,
    equipment: str,
    profile: LoadingProfile,
    last_kg: float | None = None,
) -> PlannedExercise:
    """The same lift on its lighter day of the week (TRAINING.md, "Building a plan": days differ
    in emphasis): where its higher range would start at the heavier day's very load for about
    its reps (the same 67.5 × 11 on both days, or a rep more), it works at the middle of its own
    range at the load that is as hard for those reps (Epley), on the lifter's grid, below the
    heavier day's and within 90 % of its own range's last hard week (`last_kg`): 3 × 10 at
    67.5 kg last week is 67.5 × 11 on the 8–12 day and 65 × 13 on the 10–15 day, each day's
    double progression climbing its own range; on a coarse grid the next load down when the
    range's top makes it ~as hard. Unchanged where the grid has no such load."""
    low, high = ex.rep_low or ex.reps, ex.rep_high or ex.reps
    if (
        ex.load_kg is None
        or heavier.load_kg is None
        or not isinstance(ex.progression, DoubleProgression)
        or abs(ex.load_kg - heavier.load_kg) > 1e-6
        or low <= (heavier.rep_low or heavier.reps)
        or ex.reps > heavier.reps + 1
    ):
        return ex
    aim = max(ex.reps, (low + high + 1) // 2)
    effort = heavier.load_kg * (1 + heavier.reps / 30)  # Epley: as hard as the heavier day
    floor = max(ex.load_kg, last_kg or 0.0) * 0.9 - 1e-6
    load = grid.round(effort / (1 + aim / 30))
    if load is not None and load < floor:  # the nearest is too light: the lightest within 90 %
        load = grid.round(floor, mode="up")
        aim = min(high, max(ex.reps, round(30 * (effort / load - 1)))) if load else aim
    if load is None or load >= heavier.load_kg - 1e-6:
        load = grid.round(heavier.load_kg - 1e-3, mode="down")
    as_hard = 0.9 * heavier.load_kg * (1 + low / 30)  # the heavier load at this range's bottom
    if load is not None and load < floor and load * (1 + high / 30) >= as_hard:
        # A coarse grid (20 kg dumbbells beside 17.5s, a 10 lb stack step) has nothing lighter
        # within 90 % of the load: the next load down is still the lighter day when the range's
        # top makes it ~as hard by Epley (17.5 × 14 for 20 × 11), rep-matched as TRAINING.md's
        # starting loads are, rather than the same load and reps on both days.
        aim = min(high, max(low, math.ceil(30 * (effort / load - 1))))
    elif load is None or load < floor:
        return ex
    if aim <= heavier.reps:
        return ex
    units = profile.units
    body = (
        f"The lighter day for this lift: {format_load(load, units)}, aim for {aim} "
        f"({format_load(heavier.load_kg, units)} × {heavier.reps} on {heavier_day})."
    )
    then = _LAST_WEEK.match(ex.notes)
    notes = (
        f"{then.group(1)}. {body} {ex.notes[then.end() :].strip()}"
        if then
        else f"{ex.notes} {body}"
    )
    return ex.model_copy(
        update={
            "load_kg": load,
            "reps": aim,
            "notes": notes.strip(),
            "warmup_sets": len(warmups(load, ex.warmup_sets, equipment, profile)),
        }
    )


# "Your last hard week: 3×10 at 67.5 kg" and the rest of its sentence
_LAST_WEEK = re.compile(r"(Your last hard week: \S+ at [\d.]+ (?:kg|lb))[^.]*(?:\.\d[^.]*)*\.")
