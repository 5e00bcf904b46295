"""Which two exercises may share a superset (TRAINING.md, "Session design"): antagonists or
non-competing pairs (row + press, curl + pushdown, calf + abs), never a heavy compound (≤ 6
reps: its sets need their full rest), never two heavily loaded compounds (barbell, leg press or
hinge work at ≤ 8 reps: a row and a leg press, a deadlift and a landmine press) and never two
exercises that tire the same muscle (neither's primary muscle may be worked, even as a
secondary, by the other)."""

from __future__ import annotations

from core.engine.movements import COMPOUND, pattern_of
from core.engine.plan import PlannedExercise
from core.engine.volume import set_contribution
from core.models import ExerciseTemplate

HEAVY_REPS = 6  # a compound at this many reps or fewer is heavy work
LOADED_REPS = 8  # a barbell, leg press or hinge compound at this many reps or fewer is loaded heavy


def heavy_compound(template: ExerciseTemplate, rep_low: int) -> bool:
    return pattern_of(template) in COMPOUND and rep_low <= HEAVY_REPS


def loaded_compound(template: ExerciseTemplate, rep_low: int) -> bool:
    """A compound loaded heavy: on a barbell, a leg press (a squat on a machine) or a hinge,
    at ≤ 8 reps. One of them may share a superset; two of them make one heavy pair."""
    pattern = pattern_of(template)
    heavy_kit = (
        template.equipment == "barbell"
        or pattern == "hinge"
        or (pattern == "squat" and template.equipment == "machine")
    )
    return pattern in COMPOUND and heavy_kit and rep_low <= LOADED_REPS


def superset_problem(a: ExerciseTemplate, a_reps: int, b: ExerciseTemplate, b_reps: int) -> str:
    """Why `a` and `b` (at the bottom of their rep ranges) make no superset; "" when they do."""
    if a.id == b.id:
        return "the same exercise twice"
    if heavy_compound(a, a_reps) or heavy_compound(b, b_reps):
        return "a heavy compound needs its full rest"
    if loaded_compound(a, a_reps) and loaded_compound(b, b_reps):
        return "two heavy compounds each need their full rest"
    a_works, b_works = set_contribution(a), set_contribution(b)
    shared = [m for m, share in a_works.items() if share == 1.0 and m in b_works]
    shared += [m for m, share in b_works.items() if share == 1.0 and m in a_works]
    if shared:
        return f"both tire the {shared[0]}"
    return ""


def together(exercises: list[PlannedExercise]) -> list[PlannedExercise]:
    """The day's exercises in their order, each superset's members next to its first."""
    out: list[PlannedExercise] = []
    for ex in exercises:
        if any(o is ex for o in out):
            continue
        out.append(ex)
        if ex.superset is not None:
            out += [o for o in exercises if o.superset == ex.superset and o is not ex]
    return out
