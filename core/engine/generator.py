"""The offline plan generator: preferences and history in, a plan the validator passes out.

Each split is a list of days; each day a list of slots (a movement for a muscle, in order of
preference among Hevy's built-in exercises, with a fallback to anything in the lifter's
catalogue that trains that muscle). Sets are then added where a muscle is below its band and
taken away where one is above, within each session's budget. Loads come from the lifter's
e1RMs through the RPE chart; an exercise without history starts light, and its note says so.
When the days and minutes cannot hold the weekly volume, it says so instead of cheating.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.engine.e1rm import load_for
from core.engine.injuries import fits_equipment, injury_conflict
from core.engine.loads import LoadingProfile, round_load
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan
from core.engine.progression import DoubleProgression, Prescription, RpeTopSet, deload_week
from core.engine.validator import (
    MAX_SETS_PER_MUSCLE_PER_SESSION,
    errors,
    session_budget,
    validate,
)
from core.engine.volume import BAND_GROUP, BANDS, set_contribution
from core.errors import SpotterError
from core.models import ExerciseTemplate, Preferences

Role = Literal["heavy", "moderate", "light"]
Split = Literal["auto", "full_body", "upper_lower", "ppl"]
MAX_SETS_PER_EXERCISE = 5
_PLANNABLE_TYPES = ("weight_reps", "reps_only")


class PlanInfeasible(SpotterError):
    """The preferences cannot hold a sound plan; the message says what to change."""


@dataclass(frozen=True)
class Slot:
    muscle: str  # Hevy muscle group the slot trains first
    role: Role
    prefer: tuple[str, ...]  # built-in template ids, best first


# Preferred built-ins per movement (Hevy ids); any catalogue exercise for the muscle is a fallback.
SQUAT = Slot(
    "quadriceps", "heavy", ("D04AC939", "5046D0A9", "1E42FD5F", "C7973E0E", "3D0C7C75", "B5D3A742")
)
LEG_PRESS = Slot(
    "quadriceps", "moderate", ("C7973E0E", "1E42FD5F", "B5D3A742", "3D0C7C75", "B537D09F")
)
SPLIT_SQUAT = Slot(
    "quadriceps", "moderate", ("B5D3A742", "5046D0A9", "B537D09F", "3D0C7C75", "C7973E0E")
)
HINGE = Slot("hamstrings", "moderate", ("2B4B7310", "72CFFAD5", "4180C405", "B8127AD1", "11A123F3"))
DEADLIFT = Slot("glutes", "heavy", ("C6272009", "D57C2EC7", "D20D7BBE", "CDA23948"))
HIP_THRUST = Slot("glutes", "moderate", ("D57C2EC7", "CDA23948", "C6272009"))
LEG_CURL = Slot("hamstrings", "light", ("B8127AD1", "11A123F3", "72CFFAD5", "2B4B7310"))
CALVES = Slot("calves", "light", ("E05C2C38", "062AB91A", "6DA40660"))
ABS = Slot("abdominals", "light", ("23A48484", "F8356514", "DCF3B31B", "99D5F10E", "C6C9B8A0"))
BENCH = Slot("chest", "heavy", ("79D0BB3A", "3601968B", "7EB3F7C3", "756EE329", "392887AA"))
INCLINE = Slot("chest", "moderate", ("07B38369", "50DFDFAB", "3601968B", "7EB3F7C3", "392887AA"))
ROW = Slot("upper_back", "moderate", ("55E6546F", "0393F233", "1DF4A847", "F1E57334", "08A2974E"))
CABLE_ROW = Slot("upper_back", "moderate", ("0393F233", "1DF4A847", "F1E57334", "55E6546F"))
PULLDOWN = Slot("lats", "moderate", ("6A6C31A5", "1B2B1E7C", "29083183", "F1E57334"))
OVERHEAD = Slot(
    "shoulders", "moderate", ("7B8D84E8", "878CD1D0", "9930DF71", "059E835D", "A69FF221")
)
LATERAL = Slot("shoulders", "light", ("422B08F1", "BE289E45", "E5988A0A", "BE640BA0"))
REAR_DELT = Slot("shoulders", "light", ("BE640BA0", "E5988A0A", "422B08F1"))
CURL = Slot("biceps", "light", ("37FCC2BB", "A5AC6449", "ADA8623C", "7E3BC8B6", "4F942934"))
HAMMER = Slot("biceps", "light", ("7E3BC8B6", "37FCC2BB", "ADA8623C"))
PUSHDOWN = Slot("triceps", "light", ("93A552C6", "94B7239B", "3765684D", "B5EFBF9C"))
OVERHEAD_EXT = Slot("triceps", "light", ("B5EFBF9C", "3765684D", "94B7239B", "93A552C6"))

_DAYS: dict[str, tuple[str, tuple[Slot, ...]]] = {
    "FA": ("Full Body A", (SQUAT, BENCH, ROW, HINGE, LATERAL, CURL, CALVES, ABS)),
    "FB": (
        "Full Body B",
        (DEADLIFT, OVERHEAD, PULLDOWN, LEG_PRESS, INCLINE, PUSHDOWN, CALVES, ABS),
    ),
    "FC": (
        "Full Body C",
        (SPLIT_SQUAT, INCLINE, CABLE_ROW, HIP_THRUST, LATERAL, HAMMER, CALVES, ABS),
    ),
    "UA": ("Upper A", (BENCH, ROW, OVERHEAD, PULLDOWN, CURL, PUSHDOWN)),
    "LA": ("Lower A", (SQUAT, HINGE, LEG_PRESS, LEG_CURL, CALVES, ABS)),
    "UB": ("Upper B", (INCLINE, CABLE_ROW, LATERAL, PULLDOWN, HAMMER, OVERHEAD_EXT)),
    "LB": ("Lower B", (DEADLIFT, SPLIT_SQUAT, HIP_THRUST, LEG_CURL, CALVES, ABS)),
    "PU": ("Push", (BENCH, OVERHEAD, INCLINE, LATERAL, PUSHDOWN, OVERHEAD_EXT)),
    "PL": ("Pull", (ROW, PULLDOWN, CABLE_ROW, REAR_DELT, CURL, HAMMER)),
    "LE": ("Legs", (SQUAT, HINGE, LEG_PRESS, LEG_CURL, CALVES, ABS)),
}
_SPLITS: dict[tuple[str, int], tuple[str, ...]] = {
    ("full_body", 2): ("FA", "FB"),
    ("full_body", 3): ("FA", "FB", "FC"),
    ("full_body", 4): ("FA", "FB", "FC", "FA"),
    ("upper_lower", 4): ("UA", "LA", "UB", "LB"),
    ("upper_lower", 5): ("UA", "LA", "PU", "PL", "LE"),
    ("upper_lower", 6): ("UA", "LA", "UB", "LB", "UA", "LA"),
    ("ppl", 3): ("PU", "PL", "LE"),
    ("ppl", 5): ("UA", "LA", "PU", "PL", "LE"),
    ("ppl", 6): ("PU", "PL", "LE", "PU", "PL", "LE"),
}
_AUTO = {2: "full_body", 3: "full_body", 4: "upper_lower", 5: "upper_lower", 6: "ppl"}
_WEEKDAYS = {2: (1, 4), 3: (1, 3, 5), 4: (1, 2, 4, 5), 5: (1, 2, 3, 5, 6), 6: (1, 2, 3, 4, 5, 6)}
_SPLIT_NAMES = {"full_body": "Full body", "upper_lower": "Upper/lower", "ppl": "Push/pull/legs"}


@dataclass
class _Draft:
    """A day being built: chosen templates with their set counts."""

    key: str
    name: str
    weekday: int | None
    items: list[tuple[Slot, ExerciseTemplate, int]] = field(default_factory=list)

    @property
    def sets(self) -> int:
        return sum(n for _, _, n in self.items)

    def muscle_sets(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for _, template, n in self.items:
            for muscle, share in set_contribution(template).items():
                totals[muscle] = totals.get(muscle, 0.0) + share * n
        return totals


def generate_plan(
    preferences: Preferences,
    catalogue: Mapping[str, ExerciseTemplate],
    profile: LoadingProfile,
    e1rms: Mapping[str, float] | None = None,
    split: Split = "auto",
    weeks: int = 5,
) -> TrainingPlan:
    """A block of `weeks` weeks (the last a deload) that passes the validator, or PlanInfeasible."""
    days = preferences.days_per_week
    if not 2 <= days <= 6:
        raise PlanInfeasible("Spotter plans 2 to 6 training days a week; each muscle needs two.")
    chosen = _AUTO[days] if split == "auto" else split
    if (chosen, days) not in _SPLITS:
        raise PlanInfeasible(f"{_SPLIT_NAMES[chosen]} does not fit {days} days; try another split.")
    usable = [
        t
        for t in catalogue.values()
        if fits_equipment(t, preferences.equipment) and not injury_conflict(t, preferences.injuries)
    ]
    weekdays = (
        preferences.training_days if len(preferences.training_days) == days else _WEEKDAYS[days]
    )
    drafts = [
        _draft(f"day-{i + 1}", _DAYS[code], usable, weekday)
        for i, (code, weekday) in enumerate(zip(_SPLITS[(chosen, days)], weekdays, strict=True))
    ]
    _fit_sessions(drafts, session_budget(preferences.session_minutes)[1])
    _fit_volume(drafts, preferences)
    week_one = [_plan_day(d, preferences, profile, e1rms or {}) for d in drafts]
    plan_weeks = [PlanWeek(number=n, days=week_one) for n in range(1, weeks)]
    plan_weeks.append(
        PlanWeek(number=weeks, deload=True, days=[_deload(d, catalogue, profile) for d in week_one])
    )
    notes = [
        f"{weeks - 1} training weeks, then a deload week "
        "(about half the sets at ~80% of the load).",
    ]
    if any(e.notes.startswith("No history") for d in week_one for e in d.exercises):
        notes.append(
            "Exercises without history start light (RPE 6–7); loads follow your first sessions."
        )
    plan = TrainingPlan(
        title=f"{_SPLIT_NAMES[chosen]}, {days} days",
        split=chosen,
        goal=preferences.goal,
        level=preferences.level,
        session_minutes=preferences.session_minutes,
        weeks=plan_weeks,
        notes=notes,
    )
    # The validator has the last word: a plan it rejects is never handed out.
    problems = errors(validate(plan, catalogue, preferences, profile))
    if problems:
        raise PlanInfeasible("; ".join(dict.fromkeys(v.message for v in problems[:3])))
    return plan


def _muscle_of(template: ExerciseTemplate) -> str:
    return BAND_GROUP.get(template.primary_muscle_group, template.primary_muscle_group)


def _pick(slot: Slot, usable: list[ExerciseTemplate], taken: set[str]) -> ExerciseTemplate | None:
    by_id = {t.id: t for t in usable}
    for tid in slot.prefer:
        if tid in by_id and tid not in taken:
            return by_id[tid]
    # Fallback: any exercise for the slot's muscle; compounds (more secondaries) for heavy slots.
    free = [t for t in usable if t.id not in taken and t.type in _PLANNABLE_TYPES]
    options = [t for t in free if t.primary_muscle_group == slot.muscle]
    if not options:
        group = BAND_GROUP.get(slot.muscle, slot.muscle)
        options = [t for t in free if _muscle_of(t) == group]
    if not options:
        return None
    sign = -1 if slot.role != "light" else 1  # compounds for heavy slots, isolation for light

    def rank(t: ExerciseTemplate) -> tuple[int, bool, str]:
        return (sign * len(t.secondary_muscle_groups), not t.is_custom, t.title)

    return min(options, key=rank)


def _draft(
    key: str, spec: tuple[str, tuple[Slot, ...]], usable: list[ExerciseTemplate], weekday: int
) -> _Draft:
    name, slots = spec
    draft = _Draft(key=key, name=name, weekday=weekday)
    taken: set[str] = set()
    for slot in slots:
        template = _pick(slot, usable, taken)
        if template is None:
            continue
        taken.add(template.id)
        draft.items.append((slot, template, 3 if slot.role == "heavy" else 2))
    return draft


def _fit_sessions(drafts: list[_Draft], max_sets: int) -> None:
    """Trim each day to its session budget: fewer sets on the biggest items, then fewer items."""
    for draft in drafts:
        while draft.sets > max_sets:
            biggest = max(range(len(draft.items)), key=lambda i: draft.items[i][2])
            slot, template, n = draft.items[biggest]
            if n > 1:
                draft.items[biggest] = (slot, template, n - 1)
            else:  # one set each already: drop the last accessory
                draft.items.pop()


def _week_sets(drafts: list[_Draft]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for d in drafts:
        for muscle, sets in d.muscle_sets().items():
            totals[muscle] = totals.get(muscle, 0.0) + sets
    return totals


def _fit_volume(drafts: list[_Draft], prefs: Preferences) -> None:
    """Add sets where a muscle is below its band (or its focus target) and trim where above."""
    bands = BANDS[prefs.level]
    _, max_sets = session_budget(prefs.session_minutes)
    focus = {BAND_GROUP.get(m, m) for m in prefs.focus_muscles}

    def target(muscle: str) -> float:
        low, high = bands[muscle]
        return (low + high) / 2 if muscle in focus else low

    for _ in range(400):
        week = _week_sets(drafts)
        short = sorted(
            (m for m in bands if week.get(m, 0.0) < target(m)),
            key=lambda m: week.get(m, 0.0) - target(m),
        )
        if not short:
            break
        if not any(_add_set(drafts, muscle, week, bands, max_sets) for muscle in short):
            break
    for _ in range(400):
        week = _week_sets(drafts)
        over = [m for m, (_low, high) in bands.items() if week.get(m, 0.0) > high]
        if not over or not _remove_set(drafts, over[0], week, bands):
            break
    _check_capacity(drafts, prefs, bands, max_sets)


def _add_set(
    drafts: list[_Draft], muscle: str, week: dict[str, float], bands, max_sets: int
) -> bool:
    best = None
    for d_index, draft in enumerate(drafts):
        if draft.sets >= max_sets:
            continue
        day_muscles = draft.muscle_sets()
        for i_index, (_slot, template, n) in enumerate(draft.items):
            share = set_contribution(template)
            if share.get(muscle, 0.0) < 1.0 or n >= MAX_SETS_PER_EXERCISE:
                continue
            if any(
                week.get(m, 0.0) + s > bands[m][1] if m in bands else False
                for m, s in share.items()
            ) or any(
                day_muscles.get(m, 0.0) + s > MAX_SETS_PER_MUSCLE_PER_SESSION
                for m, s in share.items()
            ):
                continue
            spill = sum(s for m, s in share.items() if m != muscle)
            rank = (
                n,
                spill,
                draft.sets,
            )  # fewest sets first, then the most isolated, then the lightest day
            if best is None or rank < best[0]:
                best = (rank, d_index, i_index)
    return _bump(drafts, best, +1)


def _remove_set(drafts: list[_Draft], muscle: str, week: dict[str, float], bands) -> bool:
    best = None
    for d_index, draft in enumerate(drafts):
        for i_index, (_slot, template, n) in enumerate(draft.items):
            share = set_contribution(template)
            if muscle not in share or n <= 1:
                continue
            if any(
                week.get(m, 0.0) - s < bands[m][0]
                for m, s in share.items()
                if m in bands and m != muscle
            ):
                continue
            rank = (-share[muscle], -n)
            if best is None or rank < best[0]:
                best = (rank, d_index, i_index)
    return _bump(drafts, best, -1)


def _bump(drafts: list[_Draft], best: tuple | None, delta: int) -> bool:
    """Change the sets of the chosen (rank, day, item) by `delta`; False when none was chosen."""
    if best is None:
        return False
    _, d_index, i_index = best
    slot, template, n = drafts[d_index].items[i_index]
    drafts[d_index].items[i_index] = (slot, template, n + delta)
    return True


def _check_capacity(drafts: list[_Draft], prefs: Preferences, bands, max_sets: int) -> None:
    week = _week_sets(drafts)
    short = [m for m, (low, _) in bands.items() if week.get(m, 0.0) < low]
    if not short:
        return
    trainable = {_muscle_of(t) for d in drafts for _, t, _ in d.items}
    missing = [m for m in short if m not in trainable]
    if missing:
        raise PlanInfeasible(
            f"No exercise in your catalogue trains {', '.join(missing)} with your equipment "
            "and injuries; add equipment or a custom exercise in Hevy."
        )
    raise PlanInfeasible(
        f"{prefs.days_per_week} sessions of {prefs.session_minutes} minutes (about {max_sets} "
        f"working sets each) cannot give {', '.join(short)} the weekly sets a {prefs.level} "
        "lifter needs; add a day or lengthen the sessions."
    )


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
_REST = {"heavy": 180, "moderate": 120, "light": 90}


def _plan_day(
    draft: _Draft, prefs: Preferences, profile: LoadingProfile, e1rms: Mapping[str, float]
) -> PlanDay:
    exercises = []
    warmed: set[str] = set()  # muscles whose heavy pattern has had its ramp today
    for slot, template, sets in draft.items:
        low, high = _REPS[(prefs.goal, slot.role)]
        hinge_or_squat = slot in (SQUAT, DEADLIFT)
        rpe = 7.5 if hinge_or_squat else 8.0  # squats and deadlifts at 2–3 reps in reserve
        bodyweight = template.equipment == "none" or template.type == "reps_only"
        e1rm = e1rms.get(template.id)
        load = None
        if bodyweight:
            note = "Bodyweight: add reps within the range, then slow the tempo."
        elif e1rm:
            load = round_load(load_for(e1rm, low, rpe), template.equipment, profile, mode="down")
            note = ""
        else:
            note = (
                f"No history yet: start with a weight you could lift for about {high + 3} reps "
                "(RPE 6–7); Spotter sets the load from your first session."
            )
        if slot.role == "heavy" and prefs.goal == "strength" and e1rm and not bodyweight:
            progression = RpeTopSet(top_reps=low, top_rpe=rpe, backoff_sets=max(0, sets - 1))
        else:
            progression = DoubleProgression(rep_low=low, rep_high=high, target_rpe=rpe)
        rest = 180 if slot.role == "heavy" and low <= 6 else _REST[slot.role]
        exercises.append(
            PlannedExercise(
                template_id=template.id,
                sets=sets,
                reps=low,
                rep_low=low,
                rep_high=high,
                load_kg=load,
                rpe=rpe,
                rest_seconds=rest,
                warmup_sets=_ramp(slot, template, bodyweight, warmed),
                notes=note,
                progression=progression,
            )
        )
    return PlanDay(key=draft.key, name=draft.name, weekday=draft.weekday, exercises=exercises)


def _ramp(slot: Slot, template: ExerciseTemplate, bodyweight: bool, warmed: set[str]) -> int:
    """Warm-up sets before an exercise (TRAINING.md): a two-set ramp before each heavy compound,
    one set before a later one on a pattern already warmed up today, one before a moderate
    barbell compound; none for bodyweight or isolation work."""
    if bodyweight or slot.role == "light":
        return 0
    if slot.role == "heavy":
        ramp = 1 if slot.muscle in warmed else 2
    else:
        ramp = 1 if template.equipment == "barbell" and slot.muscle not in warmed else 0
    warmed.add(slot.muscle)
    return ramp


def _deload(
    day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], profile: LoadingProfile
) -> PlanDay:
    exercises = []
    for ex in day.exercises:
        equipment = catalogue[ex.template_id].equipment
        lighter = deload_week(
            Prescription(sets=ex.sets, reps=ex.reps, load_kg=ex.load_kg, rpe=ex.rpe),
            lambda kg, eq=equipment: round_load(kg, eq, profile, mode="down"),
        )
        update = {
            "sets": lighter.sets,
            "load_kg": lighter.load_kg,
            "rpe": lighter.rpe,
            "notes": "Deload: leave 3–4 reps in reserve.",
        }
        exercises.append(ex.model_copy(update=update))
    return day.model_copy(update={"exercises": exercises})
