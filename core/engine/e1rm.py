"""Estimated one-rep max: Epley, Brzycki, and the RTS (Tuchscherer) RPE chart.

Auto picks the RPE chart when a set has an RPE and Epley otherwise, for one set on its own (a
top set's next load); a set as part of a series goes through `series_estimate`, which keeps one
estimator for every set compared. Outside the chart (more than
10 reps, RPE below 6.5) it falls back to Epley on effective reps (reps + reps in reserve) and
says so. Sets of more than 12 reps say little about a one-rep max and give no estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Formula = Literal["auto", "epley", "brzycki", "rts"]
MAX_REPS = 12

# % of 1RM by reps (1–10) and RPE (10 down to 6.5). Pinned: calculators disagree; this is the one.
_RPE_COLUMNS = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
_RTS_ROWS = {
    1: (100.0, 97.8, 95.5, 93.9, 92.2, 90.7, 89.2, 87.8),
    2: (95.5, 93.9, 92.2, 90.7, 89.2, 87.8, 86.3, 85.0),
    3: (92.2, 90.7, 89.2, 87.8, 86.3, 85.0, 83.7, 82.4),
    4: (89.2, 87.8, 86.3, 85.0, 83.7, 82.4, 81.1, 79.9),
    5: (86.3, 85.0, 83.7, 82.4, 81.1, 79.9, 78.6, 77.4),
    6: (83.7, 82.4, 81.1, 79.9, 78.6, 77.4, 76.2, 75.1),
    7: (81.1, 79.9, 78.6, 77.4, 76.2, 75.1, 73.9, 72.3),
    8: (78.6, 77.4, 76.2, 75.1, 73.9, 72.3, 70.7, 69.4),
    9: (76.2, 75.1, 73.9, 72.3, 70.7, 69.4, 68.0, 66.7),
    10: (73.9, 72.3, 70.7, 69.4, 68.0, 66.7, 65.3, 64.0),
}
RTS_CHART: dict[tuple[int, float], float] = {
    (reps, rpe): pct
    for reps, row in _RTS_ROWS.items()
    for rpe, pct in zip(_RPE_COLUMNS, row, strict=True)
}


@dataclass(frozen=True, slots=True)
class Estimate:
    """An e1RM and how it was reached; `note` is set when a fallback was used."""

    value: float
    method: Literal["epley", "brzycki", "rts", "single"]
    note: str | None = None


def rts_percentage(reps: int, rpe: float) -> float | None:
    """The chart's % of 1RM for `reps` at `rpe`, or None outside the chart."""
    return RTS_CHART.get((reps, float(rpe)))


def epley(weight: float, reps: float) -> float:
    """`w · (1 + r/30)`; a single is the weight itself."""
    return weight if reps <= 1 else weight * (1 + reps / 30)


def brzycki(weight: float, reps: float) -> float:
    """`w · 36 / (37 − r)` (poor above ~10 reps; undefined from 37)."""
    if reps >= 37:
        raise ValueError("Brzycki is undefined at 37 reps or more")
    return weight * 36 / (37 - reps)


def estimate(
    weight: float | None, reps: int | None, rpe: float | None = None, formula: Formula = "auto"
) -> Estimate | None:
    """The e1RM of one set, or None when the set cannot tell (no load, no reps, > 12 reps)."""
    if weight is None or reps is None or weight <= 0 or reps < 1 or reps > MAX_REPS:
        return None
    if formula == "brzycki":
        return Estimate(brzycki(weight, reps), "brzycki")
    if formula == "epley" or (formula == "auto" and rpe is None):
        return Estimate(epley(weight, reps), "single" if reps == 1 else "epley")
    if rpe is None:  # "rts" asked for, but the set has no RPE
        return Estimate(epley(weight, reps), "epley", "no RPE logged: Epley used")
    pct = rts_percentage(reps, rpe)
    if pct is not None:
        return Estimate(weight / (pct / 100), "rts")
    in_reserve = max(0.0, 10 - rpe)
    return Estimate(
        epley(weight, reps + in_reserve),
        "epley",
        f"{reps} reps at RPE {rpe:g} is outside the RPE chart: Epley on {reps + in_reserve:g} reps",
    )


def series_estimate(
    weight: float | None, reps: int | None, rpe: float | None, formula: Formula = "auto"
) -> Estimate | None:
    """The e1RM of one set as a point of a series (a trend, a stall, a PR, a load taken from
    history): one estimator for every set compared (TRAINING.md). "auto" is Epley on reps, so
    whether RPE was logged never moves a series; RPE enters only when "rts" is asked for by
    name, and judges effort elsewhere (progression), not the series."""
    if formula == "auto":
        return estimate(weight, reps, None, "epley")
    return estimate(weight, reps, rpe, formula)


def load_for(e1rm: float, reps: int, rpe: float) -> float:
    """The load for `reps` at `rpe` given an e1RM (chart, or inverse Epley outside it)."""
    pct = rts_percentage(reps, rpe)
    if pct is not None:
        return e1rm * pct / 100
    return e1rm / (1 + (reps + max(0.0, 10 - rpe)) / 30)
