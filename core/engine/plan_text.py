"""A plan as plain text: what a lifter reads in a preview (and what tests keep as snapshots)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.engine.loads import LoadingProfile, format_load
from core.engine.plan import PlannedExercise, TrainingPlan, set_loads
from core.engine.progression import (
    DELOAD_WORDS,
    DoubleProgression,
    LinearProgression,
    RpeTopSet,
)
from core.engine.validator import week_sets_per_muscle
from core.engine.volume import BANDS
from core.models import ExerciseTemplate, Units

WEEKDAY = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def reps_text(ex: PlannedExercise) -> str:
    """`8–12` for a range, `5` for fixed reps."""
    if ex.rep_low and ex.rep_high and ex.rep_low != ex.rep_high:
        return f"{ex.rep_low}–{ex.rep_high}"
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
        load = f"top set {format_load(loads[0], units)}, back-offs {format_load(loads[1], units)}"
    else:
        load = format_load(ex.load_kg, units)
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
