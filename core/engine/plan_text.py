"""A plan as plain text: what a lifter reads in a preview (and what tests keep as snapshots)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.engine.injuries import CAUTION
from core.engine.loads import LoadingProfile, format_planned
from core.engine.plan import PlanDay, PlannedExercise, TrainingPlan, set_loads
from core.engine.progression import (
    DELOAD_WORDS,
    DoubleProgression,
    LinearProgression,
    RpeTopSet,
    extra_reps,
)
from core.engine.validator import week_sets_per_muscle
from core.engine.volume import BANDS
from core.models import ExerciseTemplate, Units

WEEKDAY = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def reps_text(ex: PlannedExercise) -> str:
    """`8–12` for a range, `5` for fixed reps; `10–18` for a 10–15 range extended while its
    next load step is too big to take (TRAINING.md, "Load steps": reps first), so the aim is
    never outside the range shown beside it."""
    if ex.rep_low and ex.rep_high and ex.rep_low != ex.rep_high:
        high = ex.rep_high + extra_reps(ex.rep_high) if ex.reps > ex.rep_high else ex.rep_high
        return f"{ex.rep_low}–{high}"
    return str(ex.reps)


def progression_text(ex: PlannedExercise) -> str:
    """How the exercise moves forward, in a few words."""
    model = ex.progression
    if isinstance(model, DoubleProgression):
        return "double progression"
    if isinstance(model, LinearProgression):
        return f"linear +{model.step_kg:g} kg"
    if isinstance(model, RpeTopSet):
        share = f"{model.backoff_share:.0%}"
        return f"top set {model.top_reps} @ RPE {model.top_rpe:g}, back-offs at {share}"
    return "no progression"


@dataclass(frozen=True, slots=True)
class Prescription:
    """One planned exercise in words, the same in the chat, the Mini App and Hevy's notes."""

    title: str  # the exercise's name (its id when the catalogue lacks it)
    sets: str  # "2 warm-up + 3 × 5–8 @ RPE 8"
    load: str  # "80 kg", "top set 100 kg, back-offs 90 kg" or "load: your pick"
    rest: str  # "rest 3:00"
    progression: str  # "double progression"
    why: str  # where the load came from, or how to pick one


def prescription(
    ex: PlannedExercise, template: ExerciseTemplate | None, units: Units
) -> Prescription:
    equipment = template.equipment if template else "other"
    loads = set_loads(ex, equipment, LoadingProfile.for_units(units))
    if ex.load_kg is None:
        load = "load: your pick"
    elif len(set(loads)) > 1:
        top, back = (format_planned(kg, equipment, units) for kg in loads[:2])
        load = f"top set {top}, back-offs {back}"
    else:
        load = format_planned(ex.load_kg, equipment, units)
    warm = f"{ex.warmup_sets} warm-up + " if ex.warmup_sets else ""
    rpe = f" @ RPE {ex.rpe:g}" if ex.rpe is not None else ""
    return Prescription(
        title=template.title if template else ex.template_id,
        sets=f"{warm}{ex.sets} × {reps_text(ex)}{rpe}",
        load=load,
        rest=rest_text(ex),
        progression=progression_text(ex),
        why=ex.notes,
    )


def rest_text(ex: PlannedExercise) -> str:
    """`rest 2:00`; a superset's exercises alternate and rest once after each pair of sets."""
    rest = f"{ex.rest_seconds // 60}:{ex.rest_seconds % 60:02d}"
    if ex.superset is not None:
        return f"superset {superset_letter(ex.superset)}: rest {rest} after each pair"
    return f"rest {rest}"


def superset_letter(superset: int) -> str:
    return "ABCDEFGH"[superset % 8]


def hevy_notes(p: Prescription) -> str:
    """A routine exercise's notes in Hevy, which has no field for RPE, ranges or back-offs."""
    return ". ".join(part for part in (p.sets, p.load, p.progression, p.why) if part)


def describe_exercise(ex: PlannedExercise, template: ExerciseTemplate | None, units: Units) -> str:
    """`Bench Press (Barbell) — 2 warm-up + 3 × 5–8 @ RPE 8 · 80 kg · rest 3:00 · …`."""
    p = prescription(ex, template, units)
    line = f"{p.title} — {p.sets} · {p.load} · {p.rest} · {p.progression}"
    return f"{line}\n      {p.why}" if p.why else line


# What a day line must keep in view when the why sits behind a tap: a lift back after time off
# (the engine's ramp sentence ends so) and an injury caution (the engine's own CAUTION wording).
BREAK_WORDS = "after the time off"
BREAK_NOTE = "back after a break: starts lighter, builds back"
NB = "\u00a0"  # a phone keeps "4 × 5–8" and "40 kg" on one line
CAUTIONS = tuple(text for rules in CAUTION.values() for text, _cap in rules.values())


@dataclass(frozen=True, slots=True)
class Line:
    """One exercise on one phone line: `label` ("1", "5a"), its title and the prescription."""

    label: str
    title: str
    detail: str  # "2 warm-up + 4 × 3–5 · top 42.5, back-offs 37.5 kg · rest 3:00"
    marks: str  # "↩" back after a break, "🩹" an injury caution (said once in `notes`)
    why: str  # the engine's note, shown on request


@dataclass(frozen=True, slots=True)
class DayOutline:
    """A training day as the chat shows it: a header, one line per exercise, and what is said
    once for the day instead of on every line."""

    name: str
    weekday: str  # "Mon", or "" for a day without one
    minutes: int
    rpe: float | None  # the RPE most sets aim at; a line names its own only when it differs
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _labels(exercises: list[PlannedExercise]) -> list[str]:
    """`1, 2, 3a, 3b, 4`: a superset's exercises share a number, lettered in the order done."""
    labels: list[str] = []
    number, letter = 0, 0
    for i, ex in enumerate(exercises):
        before = exercises[i - 1].superset if i else None
        if ex.superset is not None and ex.superset == before:
            letter += 1
        else:
            number, letter = number + 1, 0
        after = exercises[i + 1].superset if i + 1 < len(exercises) else None
        paired = ex.superset is not None and (ex.superset in (before, after))
        labels.append(f"{number}{'abcdefgh'[letter]}" if paired else str(number))
    return labels


def _short_load(ex: PlannedExercise, template: ExerciseTemplate | None, units: Units) -> str:
    equipment = template.equipment if template else "other"
    loads = set_loads(ex, equipment, LoadingProfile.for_units(units))
    if ex.load_kg is None:
        return "load: your pick"
    if len(set(loads)) > 1:
        top, back = (format_planned(kg, equipment, units) for kg in loads[:2])
        return f"top {top.removesuffix(' ' + units.value)}, back-offs {back}".replace(
            " kg", NB + "kg"
        ).replace(" lb", NB + "lb")
    return format_planned(ex.load_kg, equipment, units).replace(" ", NB)


def outline_day(
    day: PlanDay, catalogue: Mapping[str, ExerciseTemplate], units: Units
) -> DayOutline:
    """`day` in one line per exercise (sets × reps · load · rest), for a phone."""
    rpes = Counter(ex.rpe for ex in day.exercises if ex.rpe is not None)
    common = rpes.most_common(1)[0][0] if rpes else None
    labels = _labels(day.exercises)
    by_label = dict(zip(labels, day.exercises, strict=True))
    lines, back = [], False
    cautions: dict[str, list[str]] = {}  # a caution's wording: the lines it belongs to
    for label, ex in by_label.items():
        template = catalogue.get(ex.template_id)
        rpe = f" @{NB}RPE{NB}{ex.rpe:g}" if ex.rpe is not None and ex.rpe != common else ""
        warm = f"{ex.warmup_sets}{NB}warm-up + " if ex.warmup_sets else ""
        rest = f"{ex.rest_seconds // 60}:{ex.rest_seconds % 60:02d}"
        if label[-1].isalpha():
            group = [x for x in labels if x[:-1] == label[:-1]]
            if label == group[-1]:
                rest = f"rest{NB}{rest}, back to{NB}{group[0]}"
            else:
                rest = f"straight to{NB}{group[group.index(label) + 1]}"
        else:
            rest = f"rest{NB}{rest}"
        sets = f"{ex.sets}{NB}×{NB}{reps_text(ex)}"
        detail = f"{warm}{sets}{rpe} · {_short_load(ex, template, units)}"
        marks = ""
        if BREAK_WORDS in ex.notes:
            marks, back = marks + "↩", True
        for caution in CAUTIONS:
            if caution in ex.notes:
                marks += "🩹" if "🩹" not in marks else ""
                cautions.setdefault(caution, []).append(label)
        lines.append(
            Line(
                label=label,
                title=template.title if template else ex.template_id,
                detail=f"{detail} · {rest}",
                marks=marks,
                why=ex.notes,
            )
        )
    notes = [f"↩ {BREAK_NOTE}"] if back else []
    notes += [f"🩹 {', '.join(at)}: {caution}" for caution, at in cautions.items()]
    return DayOutline(
        name=day.name,
        weekday=WEEKDAY.get(day.weekday or 0, ""),
        minutes=day.estimated_minutes,
        rpe=common,
        lines=lines,
        notes=notes,
    )


# Words a plan uses that a lifter may not know, explained once, on a tap (≤ 200 characters: the
# length of a Telegram alert).
GLOSSARY: dict[str, tuple[str, str]] = {
    "rpe": (
        "RPE",
        "Rate of perceived exertion, 1–10. RPE 8 means you could have done 2 more reps; "
        "RPE 10 means none. Stop each set there, not at failure.",
    ),
    "double": (
        "Double progression",
        "Stay on a weight until every set reaches the top of the rep range, then add the "
        "smallest step and start again at the bottom.",
    ),
    "linear": (
        "Linear progression",
        "Add the same small step every session while all reps are made. Beginners progress "
        "fastest this way.",
    ),
    "topset": (
        "Top set and back-offs",
        "One heavy set at the target RPE, then lighter sets at a share of it for volume. "
        "The top set's load follows your performance each week.",
    ),
    "deload": (
        "Deload",
        f"A lighter week so fatigue clears and the next block starts fresh: {DELOAD_WORDS}.",
    ),
    "warmup": (
        "Warm-up sets",
        "Lighter ramp sets before the working sets (about 50 % and 75 %). They don't count "
        "toward the week's hard sets.",
    ),
}


def terms_used(plan: TrainingPlan) -> list[str]:
    """The glossary keys the plan's wording needs, in glossary order."""
    used: set[str] = set()
    for week in plan.weeks:
        used |= {"deload"} if week.deload else set()
        for day in week.days:
            for ex in day.exercises:
                used |= {"rpe"} if ex.rpe is not None else set()
                used |= {"warmup"} if ex.warmup_sets else set()
                if isinstance(ex.progression, DoubleProgression):
                    used.add("double")
                elif isinstance(ex.progression, LinearProgression):
                    used.add("linear")
                elif isinstance(ex.progression, RpeTopSet):
                    used.add("topset")
    return [key for key in GLOSSARY if key in used]


def volume_line(plan: TrainingPlan, catalogue: Mapping[str, ExerciseTemplate]) -> str:
    """The week's hard sets against the bands, naming only what is outside them."""
    week = plan.training_weeks[0] if plan.training_weeks else plan.weeks[0]
    sets = week_sets_per_muscle(week, catalogue)
    off = []
    for muscle, (low, high) in BANDS[plan.level].items():
        value = sets.get(muscle, 0.0)
        if not low <= value <= high:
            word = "below" if value < low else "above"
            off.append(f"{muscle} {value:g} ({word} {low:g}–{high:g})")
    if not off:
        return "Weekly hard sets: every muscle in its range."
    return "Weekly hard sets outside their range: " + ", ".join(off) + "."


def describe_plan(
    plan: TrainingPlan,
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    week: int = 1,
) -> str:
    """The plan's header, weekly volume against the bands, and one week's days."""
    chosen = next(w for w in plan.weeks if w.number == week)
    deloads = [w.number for w in plan.weeks if w.deload]
    lines = [
        f"{plan.title} · {plan.level} · {plan.goal} · {plan.session_minutes} min · "
        f"{len(plan.weeks)} weeks"
        + (f" (deload: week {', '.join(map(str, deloads))})" if deloads else ""),
    ]
    # the volume of the week shown (the first hard week's, for a deload week)
    shown = chosen if not chosen.deload or not plan.training_weeks else plan.training_weeks[0]
    sets = week_sets_per_muscle(shown, catalogue)
    bands = BANDS[plan.level]
    volume = []
    for muscle, (low, high) in bands.items():
        value = sets.get(muscle, 0.0)
        mark = "✓" if low <= value <= high else ("↓" if value < low else "↑")
        volume.append(f"{muscle} {value:g} ({low:g}–{high:g}) {mark}")
    lines.append("Weekly hard sets: " + ", ".join(volume))
    lines.append(f"Week {chosen.number}{' (deload)' if chosen.deload else ''}:")
    for day in chosen.days:
        when = f" ({WEEKDAY[day.weekday]})" if day.weekday else ""
        total = sum(e.sets for e in day.exercises)
        lines.append(f"  {day.name}{when} · {total} working sets")
        for ex in day.exercises:
            lines.append(f"    {describe_exercise(ex, catalogue.get(ex.template_id), units)}")
    lines += [f"Note: {note}" for note in plan.notes]
    lines += [f"Trade-off: {compromise}" for compromise in plan.compromises]
    return "\n".join(lines)
