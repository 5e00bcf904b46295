"""Volume that ramps across a block (TRAINING.md, "Building a plan from the lifter"): week 1 puts
each muscle near the lifter's recent weekly hard sets (last 4 trained weeks) plus ~20 %, and at
least its band's floor; the block builds to its full volume (towards the top of the band, as far
as the minutes allow) by its last hard week; the deload halves that. A lifter doing 7 quad sets
a week does not get 16 in week 1.

The allocator decides the full week; the earlier weeks take sets off it, exercise by exercise,
so every exercise stays in the plan (at one set at least) and each week's routines are the same
exercises with fewer sets."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.movements import COMPOUND, pattern_of
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek
from core.engine.validator import week_sets_per_muscle
from core.engine.volume import set_contribution
from core.models import ExerciseTemplate

START = 1.2  # week 1: recent weekly sets + ~20 %


def recent_muscle_sets(
    weekly_sets: Mapping[str, float], catalogue: Mapping[str, ExerciseTemplate]
) -> dict[str, float]:
    """Hard sets per muscle in an average recent week, from sets per exercise."""
    totals: dict[str, float] = {}
    for tid, sets in weekly_sets.items():
        for muscle, share in set_contribution(catalogue.get(tid)).items():
            totals[muscle] = totals.get(muscle, 0.0) + share * sets
    return totals


def week_targets(
    full: Mapping[str, float],
    recent: Mapping[str, float],
    bands: Mapping[str, tuple[float, float]],
    hard_weeks: int,
) -> list[dict[str, float]]:
    """Each hard week's sets per muscle: from max(floor, recent × 1.2) (never above the full
    week) in a straight line to the full week in the last hard week."""
    out = []
    for week in range(hard_weeks):
        targets = {}
        for muscle, peak in full.items():
            low = bands.get(muscle, (0.0, 0.0))[0] if muscle in bands else peak
            start = min(peak, max(low, recent.get(muscle, 0.0) * START))
            share = week / (hard_weeks - 1) if hard_weeks > 1 else 1.0
            targets[muscle] = start + (peak - start) * share
        out.append(targets)
    return out


def ramped_days(
    days: list[PlanDay],
    target: Mapping[str, float],
    bands: Mapping[str, tuple[float, float]],
    catalogue: Mapping[str, ExerciseTemplate],
) -> list[PlanDay]:
    """`days` (the next week) with sets taken off, one at a time where it brings the week's
    muscles closest to `target`, each exercise keeping one set at least (a compound two) and
    no muscle taken below its band's floor. Built backwards from the full week, so no week has
    more sets of an exercise than the week after it."""
    sets = [[ex.sets for ex in day.exercises] for day in days]
    least = [[_least(ex, catalogue) for ex in day.exercises] for day in days]
    shares = [[set_contribution(catalogue.get(ex.template_id)) for ex in d.exercises] for d in days]
    totals: dict[str, float] = {}
    for day_shares, day_sets in zip(shares, sets, strict=True):
        for share, count in zip(day_shares, day_sets, strict=True):
            for muscle, part in share.items():
                totals[muscle] = totals.get(muscle, 0.0) + part * count

    def kept(muscle: str) -> float:
        """What the ramp never takes a muscle below: its band's floor (its target, for one
        the whole block holds below the floor)."""
        low = bands[muscle][0] if muscle in bands else 0.0
        return min(low, target.get(muscle, low))

    def miss(muscle: str, value: float) -> float:
        return abs(value - target.get(muscle, value))

    while True:
        best: tuple[float, int, int, int] | None = None
        for d, day_shares in enumerate(shares):
            for e, share in enumerate(day_shares):
                if sets[d][e] <= least[d][e] or any(
                    totals[m] - part < kept(m) - 1e-9 <= totals[m] for m, part in share.items()
                ):
                    continue  # never below a band's floor once at it
                gain = sum(
                    miss(m, totals[m]) - miss(m, totals[m] - part) for m, part in share.items()
                )
                rank = (gain, sets[d][e], d, e)
                if gain > 1e-9 and (best is None or rank > best):
                    best = rank
        if best is None:
            break
        _gain, _count, d, e = best
        sets[d][e] -= 1
        for muscle, part in shares[d][e].items():
            totals[muscle] -= part
    return [
        day.model_copy(
            update={
                "exercises": [
                    ex.model_copy(update={"sets": count})
                    for ex, count in zip(day.exercises, sets[d], strict=True)
                ]
            }
        )
        for d, day in enumerate(days)
    ]


def ramp_sentence(
    first: list[PlanDay],
    full: list[PlanDay],
    catalogue: Mapping[str, ExerciseTemplate],
    hard_weeks: int,
) -> str:
    """The ramp in one sentence with the plan's own numbers ("" when week 1 is the full week)."""
    start = week_sets_per_muscle(PlanWeek(number=1, days=first), catalogue)
    end = week_sets_per_muscle(PlanWeek(number=hard_weeks, days=full), catalogue)
    grows = sorted(
        ((m, start.get(m, 0.0), sets) for m, sets in end.items() if sets - start.get(m, 0.0) >= 1),
        key=lambda row: row[1] - row[2],
    )
    if not grows:
        return ""
    shown = ", ".join(f"{m} {a:g} → {b:g}" for m, a, b in grows[:4])
    minutes = [d.estimated_minutes for d in first]
    return (
        f"Volume builds from near your recent weeks to the full plan by week {hard_weeks} "
        f"({shown} sets a week), so the first weeks' sessions are shorter (week 1: "
        f"{_span(minutes)} minutes)."
    )


def _span(minutes: list[int]) -> str:
    return f"{min(minutes)}–{max(minutes)}" if min(minutes) != max(minutes) else f"{minutes[0]}"


def _least(ex: PlannedExercise, catalogue: Mapping[str, ExerciseTemplate]) -> int:
    """The fewest sets a ramp week leaves an exercise: a compound lift keeps two (a main lift
    done as one working set is no session's backbone), anything else one."""
    template = catalogue.get(ex.template_id)
    compound = template is not None and pattern_of(template) in COMPOUND
    return min(ex.sets, 2 if compound else 1)
