"""Today's session fitted to today: the readiness check-in's answer applied to one plan day.

The lifter says how much time they have (all / about ⅔ / about ½) and how it feels (good /
tired / something hurts, and where). Only today's session changes, within the plan's rules:
- short of time: sets go by priority until the session fits (TRAINING.md, "Building a plan":
  the small muscles give way first); the first heavy compound's work is kept;
- tired: loads ~5–10 % lighter on the lifter's grid, or, where the grid has no such step,
  one more rep in reserve (one rep fewer, the RPE target a point lower);
- something hurts: each movement the area rules out (`injuries`) is swapped for the best
  substitute the lifter can do (`substitution`), keeping the slot's movement where one fits;
  with none, it is left out today. A lift the area allows with a caution (a bench press for a
  sore shoulder) stays with that caution: its note, and the RPE capped (`injuries.CAUTION`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.engine.allocation import MUSCLE_TIER
from core.engine.injuries import injury_conflict
from core.engine.movements import COMPOUND, pattern_of
from core.engine.plan import PlanDay, PlannedExercise
from core.engine.prescription import injury_note
from core.engine.steps import Grid
from core.engine.substitution import alternatives
from core.engine.volume import BAND_GROUP
from core.models import ExerciseTemplate

TimeToday = Literal["all", "two_thirds", "half"]
Feel = Literal["good", "tired", "hurts"]

TIME_SHARE: dict[str, float] = {"all": 1.0, "two_thirds": 2 / 3, "half": 0.5}
# Where something can hurt today: each is an injury rule (core/engine/injuries.py).
AREAS = ("shoulder", "elbow", "wrist", "lower back", "hip", "knee", "ankle")
LIGHTER = (0.90, 0.95)  # a tired day's loads: ~5–10 % lighter, the lightest share first
MIN_SETS = 2  # a kept exercise is trimmed to this many sets before it goes altogether
ACCESSORY_TIER = 2.5  # below this muscle tier (arms, calves, abs, forearms) an exercise goes whole


@dataclass(frozen=True, slots=True)
class Answer:
    """The lifter's answer to the check-in. No answer is `Answer()`: the plan as written."""

    time: TimeToday = "all"
    feel: Feel = "good"
    area: str | None = None  # with feel == "hurts"


@dataclass(frozen=True, slots=True)
class Adjusted:
    """Today's session after the answer, and what changed in words."""

    day: PlanDay
    planned: int  # exercises in the plan's session
    dropped: tuple[str, ...] = ()  # titles left out
    trimmed: int = 0  # sets taken off exercises that stay
    lighter: tuple[tuple[str, float], ...] = ()  # (title, share lighter) per lightened lift
    eased: tuple[str, ...] = ()  # titles kept at their load, one more rep in reserve
    swaps: tuple[tuple[str, str], ...] = field(default=())  # (from, to) titles
    cautioned: tuple[str, ...] = ()  # titles kept with the sore area's caution

    @property
    def changed(self) -> bool:
        return bool(
            self.dropped
            or self.trimmed
            or self.lighter
            or self.eased
            or self.swaps
            or self.cautioned
        )

    def summary(self) -> str:
        """One line: `4 of 6 lifts, ~10 % lighter on the squat` (`as planned` when unchanged)."""
        if not self.changed:
            return "as planned"
        parts = []
        kept = len(self.day.exercises)
        if self.dropped or self.trimmed:
            sets = f", {self.trimmed} set{'s' * (self.trimmed != 1)} fewer" if self.trimmed else ""
            parts.append(f"{kept} of {self.planned} lifts{sets}")
        if self.lighter:
            share = _percent(sum(s for _t, s in self.lighter) / len(self.lighter))
            on = f" on {self.lighter[0][0]}" if len(self.lighter) == 1 else ""
            parts.append(f"~{share} % lighter{on}")
        if self.eased:
            parts.append("one more rep in reserve" + (" elsewhere" if self.lighter else ""))
        for old, new in self.swaps:
            parts.append(f"{new} for {old}")
        if self.cautioned:
            parts.append(f"pain-free range on {_listed(self.cautioned)}")
        return ", ".join(parts)


def adjust_session(
    day: PlanDay,
    answer: Answer,
    catalogue: Mapping[str, ExerciseTemplate],
    grids: Mapping[str, Grid],
    *,
    equipment: Iterable[str] = (),
    recent_loads: Mapping[str, float] | None = None,
) -> Adjusted:
    """`day` fitted to `answer`. `grids`: each exercise's load grid (the lifter's steps);
    `equipment`: what the lifter has (for swaps); `recent_loads`: the last working load (kg)
    per exercise, which a swapped-in exercise starts from ("your pick" without one)."""
    exercises = list(day.exercises)
    titles = {ex.template_id: _title(ex.template_id, catalogue) for ex in exercises}
    swaps: list[tuple[str, str]] = []
    dropped: list[str] = []
    cautioned: list[str] = []
    if answer.feel == "hurts" and answer.area:
        exercises, swaps, left_out = _swap_what_hurts(
            exercises, answer.area, catalogue, list(equipment), recent_loads or {}
        )
        dropped += left_out
        exercises, cautioned = _caution(exercises, answer.area, catalogue)
    trimmed = 0
    if answer.time != "all":
        budget = day.estimated_minutes * TIME_SHARE[answer.time]
        exercises, gone, trimmed = _fit_time(day, exercises, budget, catalogue)
        dropped += [titles.get(t, _title(t, catalogue)) for t in gone]
    lighter: list[tuple[str, float]] = []
    eased: list[str] = []
    if answer.feel == "tired":
        exercises, lighter, eased = _ease(exercises, catalogue, grids)
    exercises = _lone_supersets_apart(exercises)
    return Adjusted(
        day=day.model_copy(update={"exercises": exercises}),
        planned=len(day.exercises),
        dropped=tuple(dropped),
        trimmed=trimmed,
        lighter=tuple(lighter),
        eased=tuple(eased),
        swaps=tuple(swaps),
        cautioned=tuple(cautioned),
    )


def _percent(share: float) -> int:
    """A share as whole percent, halves up (a float's 7.4999… from 92.5/100 reads 8)."""
    return int(100 * share + 0.5 + 1e-9)


def _title(template_id: str, catalogue: Mapping[str, ExerciseTemplate]) -> str:
    template = catalogue.get(template_id)
    return template.title if template else template_id


def _note(ex: PlannedExercise, text: str) -> str:
    return f"Today: {text}." + (f" {ex.notes}" if ex.notes else "")


def tier(template: ExerciseTemplate | None) -> float:
    """How much an exercise's sets matter when not everything fits: its primary muscle's tier
    (big muscles, then arms, then calves, abs, forearms), compounds a step above."""
    if template is None:
        return 1.0
    muscle = BAND_GROUP.get(template.primary_muscle_group, template.primary_muscle_group)
    return MUSCLE_TIER.get(muscle, 1.0) + (1.0 if pattern_of(template) in COMPOUND else 0.0)


def first_heavy_compound(
    exercises: list[PlannedExercise], catalogue: Mapping[str, ExerciseTemplate]
) -> str | None:
    """The session's first compound lift: its work is kept whatever the time."""
    for ex in exercises:
        template = catalogue.get(ex.template_id)
        if template is not None and pattern_of(template) in COMPOUND:
            return ex.template_id
    return exercises[0].template_id if exercises else None


def _fit_time(
    day: PlanDay,
    exercises: list[PlannedExercise],
    budget: float,
    catalogue: Mapping[str, ExerciseTemplate],
) -> tuple[list[PlannedExercise], list[str], int]:
    """Sets taken by priority until the session's estimate is within `budget` minutes:
    accessories of the small muscles and arms go whole first (the least important, the latest
    first), then the others lose sets down to MIN_SETS, then they go too. The first heavy
    compound keeps its work."""
    kept = list(exercises)
    keep = first_heavy_compound(kept, catalogue)
    gone: list[str] = []
    trimmed = 0

    def minutes() -> float:
        return day.model_copy(update={"exercises": kept}).estimated_minutes

    def order(candidates: list[PlannedExercise]) -> list[PlannedExercise]:
        # least important first; among equals, the one later in the session
        return sorted(
            candidates,
            key=lambda ex: (tier(catalogue.get(ex.template_id)), -kept.index(ex)),
        )

    others = [ex for ex in kept if ex.template_id != keep]
    for ex in order([e for e in others if tier(catalogue.get(e.template_id)) < ACCESSORY_TIER]):
        if minutes() <= budget:
            break
        kept.remove(ex)
        gone.append(ex.template_id)
    while minutes() > budget:
        candidates = [ex for ex in kept if ex.template_id != keep and ex.sets > MIN_SETS]
        if not candidates:
            break
        ex = min(
            candidates,
            key=lambda e: (tier(catalogue.get(e.template_id)), -e.sets, -kept.index(e)),
        )
        kept[kept.index(ex)] = ex.model_copy(update={"sets": ex.sets - 1})
        trimmed += 1
    planned_sets = {ex.template_id: ex.sets for ex in exercises}
    for ex in order([e for e in kept if e.template_id != keep]):
        if minutes() <= budget:
            break
        kept.remove(ex)
        gone.append(ex.template_id)
        trimmed -= planned_sets.get(ex.template_id, ex.sets) - ex.sets  # they went with it
    return kept, gone, trimmed


def _ease(
    exercises: list[PlannedExercise],
    catalogue: Mapping[str, ExerciseTemplate],
    grids: Mapping[str, Grid],
) -> tuple[list[PlannedExercise], list[tuple[str, float]], list[str]]:
    """A tired day: each load ~5–10 % lighter on its grid; where the grid has no load in that
    window (big steps, bodyweight, "your pick"), one more rep in reserve instead."""
    eased_exercises, lighter, eased = [], [], []
    for ex in exercises:
        title = _title(ex.template_id, catalogue)
        grid = grids.get(ex.template_id)
        load = _lighter(ex.load_kg, grid)
        if load is not None and ex.load_kg:
            share = 1 - load / ex.load_kg
            lighter.append((title, share))
            eased_exercises.append(
                ex.model_copy(
                    update={
                        "load_kg": load,
                        "notes": _note(ex, f"~{_percent(share)} % lighter (tired)"),
                    }
                )
            )
            continue
        low = ex.rep_low or 1
        eased.append(title)
        eased_exercises.append(
            ex.model_copy(
                update={
                    "reps": max(low, ex.reps - 1) if ex.reps > low else ex.reps,
                    "rpe": None if ex.rpe is None else max(6.0, ex.rpe - 1),
                    "notes": _note(ex, "one more rep in reserve (tired)"),
                }
            )
        )
    return eased_exercises, lighter, eased


def _lighter(load: float | None, grid: Grid | None) -> float | None:
    """The grid load nearest ~7.5 % below `load` within 5–10 % below it (else the heaviest
    one in that window); None when the grid has none there."""
    if not load or grid is None or not grid.loaded:
        return None
    low, high = LIGHTER
    for candidate in (grid.round(load * (low + high) / 2), grid.round(load * high, "down")):
        if (
            candidate is not None
            and load * low - 1e-6 <= candidate <= load * high + 1e-6
            and not grid.same(candidate, load)
        ):
            return candidate
    return None


def _swap_what_hurts(
    exercises: list[PlannedExercise],
    area: str,
    catalogue: Mapping[str, ExerciseTemplate],
    equipment: list[str],
    recent_loads: Mapping[str, float],
) -> tuple[list[PlannedExercise], list[tuple[str, str]], list[str]]:
    """Each exercise the area rules out, swapped for the best substitute that keeps its
    movement (else its primary muscle), one the lifter has loads for first; left out today
    when nothing fits. An exercise already in the session is not picked twice."""
    result, swaps, left_out = [], [], []
    used = {ex.template_id for ex in exercises}
    for ex in exercises:
        template = catalogue.get(ex.template_id)
        if template is None or injury_conflict(template, [area]) is None:
            result.append(ex)
            continue
        candidates = [
            c.template
            for c in alternatives(
                template, catalogue.values(), equipment, [area], limit=len(catalogue)
            )
            if c.template.id not in used
        ]
        pattern = pattern_of(template)
        same_move = [c for c in candidates if pattern is not None and pattern_of(c) == pattern]
        same_muscle = [
            c for c in candidates if c.primary_muscle_group == template.primary_muscle_group
        ]
        pool = same_move or same_muscle
        if not pool:
            left_out.append(template.title)
            continue
        pick = next((c for c in pool if c.id in recent_loads), pool[0])
        used.add(pick.id)
        swaps.append((template.title, pick.title))
        load = recent_loads.get(pick.id)
        result.append(
            ex.model_copy(
                update={
                    "template_id": pick.id,
                    "load_kg": load,
                    "warmup_sets": ex.warmup_sets if load else 0,
                    "progression": None,  # a one-day stand-in: the plan's model stays with the slot
                    "notes": f"Today: in place of {template.title} ({area}).",
                }
            )
        )
    return result, swaps, left_out


def _caution(
    exercises: list[PlannedExercise], area: str, catalogue: Mapping[str, ExerciseTemplate]
) -> tuple[list[PlannedExercise], list[str]]:
    """Each lift the sore area allows with a caution keeps it today: the caution's note, and its
    RPE capped where the rule caps it (a sore shoulder benches at RPE 7 at most, pain-free)."""
    result, cautioned = [], []
    for ex in exercises:
        template = catalogue.get(ex.template_id)
        pattern = pattern_of(template) if template is not None else None
        note, cap = injury_note(pattern, [area]) if pattern is not None else ("", None)
        if not note or note in (ex.notes or ""):
            result.append(ex)
            continue
        rpe = ex.rpe if cap is None or ex.rpe is None else min(ex.rpe, cap)
        cautioned.append(template.title)
        result.append(ex.model_copy(update={"rpe": rpe, "notes": _note(ex, note.rstrip("."))}))
    return result, cautioned


def _listed(titles: tuple[str, ...]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def _lone_supersets_apart(exercises: list[PlannedExercise]) -> list[PlannedExercise]:
    """A superset whose partner went today is a straight set again."""
    counts: dict[int, int] = {}
    for ex in exercises:
        if ex.superset is not None:
            counts[ex.superset] = counts.get(ex.superset, 0) + 1
    return [
        ex.model_copy(update={"superset": None})
        if ex.superset is not None and counts[ex.superset] < 2
        else ex
        for ex in exercises
    ]
