"""A plan as plain text: what a lifter reads in a preview (and what tests keep as snapshots)."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.loads import format_load
from core.engine.plan import PlannedExercise, TrainingPlan
from core.engine.progression import DoubleProgression, LinearProgression, RpeTopSet
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


def describe_exercise(ex: PlannedExercise, title: str, units: Units) -> str:
    """`Bench Press (Barbell) — 2 warm-up + 3 × 5–8 @ RPE 8 · 80 kg · rest 3:00 · …`."""
    warm = f"{ex.warmup_sets} warm-up + " if ex.warmup_sets else ""
    rpe = f" @ RPE {ex.rpe:g}" if ex.rpe is not None else ""
    load = format_load(ex.load_kg, units) if ex.load_kg is not None else "load: your pick"
    rest = f"{ex.rest_seconds // 60}:{ex.rest_seconds % 60:02d}"
    sets = f"{ex.sets} × {reps_text(ex)}"
    line = f"{title} — {warm}{sets}{rpe} · {load} · rest {rest} · {progression_text(ex)}"
    return f"{line}\n      {ex.notes}" if ex.notes else line


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
    sets = week_sets_per_muscle(
        plan.training_weeks[0] if plan.training_weeks else chosen, catalogue
    )
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
            title = (
                catalogue[ex.template_id].title if ex.template_id in catalogue else ex.template_id
            )
            lines.append(f"    {describe_exercise(ex, title, units)}")
    lines += [f"Note: {note}" for note in plan.notes]
    lines += [f"Trade-off: {compromise}" for compromise in plan.compromises]
    return "\n".join(lines)
