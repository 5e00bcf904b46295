"""Loads a lifter can actually put on the bar, and how they read in the lifter's units.

Hevy stores kilograms; an lb lifter's loads are rounded in pounds and converted to kg once, with
Hevy's own factor, so the number Hevy shows them is the round number we chose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from core.models import Units
from core.units import kg_to_lb, lb_to_kg

Rounding = Literal["nearest", "down"]
_GRID = 20  # plate arithmetic on a 0.05-unit grid keeps floats out of the search

KG_PLATES = (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25)
LB_PLATES = (45.0, 35.0, 25.0, 10.0, 5.0, 2.5)


@dataclass(frozen=True)
class LoadingProfile:
    """The lifter's kit, in their own units: bar, plates (per side), dumbbell and stack steps."""

    units: Units = Units.KG
    bar: float = 20.0
    plates: tuple[float, ...] = KG_PLATES
    dumbbell_step: float = 2.0
    dumbbell_min: float = 2.0
    machine_step: float = 5.0
    kettlebell_step: float = 4.0
    max_per_side: float = 250.0

    @classmethod
    def for_units(cls, units: Units) -> LoadingProfile:
        """Sensible defaults: a 20 kg bar and 1.25 kg change plates, or 45 lb and 2.5 lb."""
        if units == Units.LB:
            return cls(
                units=Units.LB,
                bar=45.0,
                plates=LB_PLATES,
                dumbbell_step=5.0,
                dumbbell_min=5.0,
                machine_step=10.0,
                kettlebell_step=9.0,
                max_per_side=550.0,  # the same ~250 kg a side as in kg, not 250 lb
            )
        return cls()


def to_user_units(kg: float, units: Units) -> float:
    return kg_to_lb(kg) if units == Units.LB else kg


def from_user_units(value: float, units: Units) -> float:
    return lb_to_kg(value) if units == Units.LB else value


@cache
def _per_side_sums(plates: tuple[float, ...], limit: float) -> tuple[int, ...]:
    """Every per-side plate total up to `limit` (in grid units) from unlimited pairs."""
    sizes = sorted({round(p * _GRID) for p in plates if p > 0})
    top = round(limit * _GRID)
    reachable = bytearray(top + 1)
    reachable[0] = 1
    for total in range(1, top + 1):
        reachable[total] = any(s <= total and reachable[total - s] for s in sizes)
    return tuple(i for i, ok in enumerate(reachable) if ok)


def _barbell_totals(profile: LoadingProfile) -> tuple[int, ...]:
    bar = round(profile.bar * _GRID)
    return tuple(bar + 2 * s for s in _per_side_sums(profile.plates, profile.max_per_side))


def _pick(candidates: tuple[int, ...], target: float, mode: Rounding) -> int:
    goal = target * _GRID
    if mode == "down":
        below = [c for c in candidates if c <= goal + 1e-6]
        return below[-1] if below else candidates[0]
    return min(candidates, key=lambda c: (abs(c - goal), c))


def _step_candidates(step: float, minimum: float, target: float) -> tuple[int, ...]:
    unit = round(step * _GRID)
    low = max(round(minimum * _GRID), unit)
    high = max(low, round(target * _GRID) + unit)
    first = -(-low // unit) * unit
    return tuple(range(first, high + unit, unit))


def round_load(
    kg: float, equipment: str, profile: LoadingProfile, mode: Rounding = "nearest"
) -> float | None:
    """The loadable weight (kg) nearest `kg` (or the heaviest not above it) for `equipment`.

    None for equipment that takes no external load (bodyweight, bands).
    """
    if equipment in ("none", "resistance_band", "suspension"):
        return None
    target = to_user_units(max(kg, 0.0), profile.units)
    if equipment == "barbell":
        chosen = _pick(_barbell_totals(profile), target, mode)
    elif equipment == "dumbbell":
        chosen = _pick(
            _step_candidates(profile.dumbbell_step, profile.dumbbell_min, target), target, mode
        )
    elif equipment == "kettlebell":
        chosen = _pick(
            _step_candidates(profile.kettlebell_step, profile.kettlebell_step, target), target, mode
        )
    else:  # machine, plate-loaded, other: the stack or pin step
        chosen = _pick(
            _step_candidates(profile.machine_step, profile.machine_step, target), target, mode
        )
    return from_user_units(chosen / _GRID, profile.units)


def is_loadable(kg: float | None, equipment: str, profile: LoadingProfile) -> bool:
    """True when `kg` is exactly a load `round_load` could produce for `equipment`."""
    if kg is None:
        return True
    rounded = round_load(kg, equipment, profile)
    return rounded is not None and math.isclose(rounded, kg, abs_tol=1e-6)


def format_load(kg: float | None, units: Units, estimate: bool = False) -> str:
    """A load as the lifter reads it: `82.5 kg`, `185 lb`, or `bodyweight`.

    An `estimate` (an e1RM) is shown to the nearest 0.5 kg or 1 lb: more digits would claim a
    precision it does not have.
    """
    if kg is None:
        return "bodyweight"
    value = to_user_units(kg, units)
    if estimate:
        value = round(value * 2) / 2 if units == Units.KG else round(value)
    return f"{round(value, 2):g} {units.value}"


def format_planned(kg: float | None, equipment: str, units: Units) -> str:
    """A planned load as the lifter can load it. One planned in the other units (kg before a
    switch to lb, until the next week re-rounds it in the new ones) reads as the nearest load
    on the new units' plates, marked as near: `≈ 220 lb` for 100 kg, never `220.46 lb`. A load
    off both grids (the lifter's own 22.5 kg dumbbells) reads as it is."""
    profile = LoadingProfile.for_units(units)
    other = LoadingProfile.for_units(Units.KG if units == Units.LB else Units.LB)
    if kg is None or is_loadable(kg, equipment, profile) or not is_loadable(kg, equipment, other):
        return format_load(kg, units)
    near = round_load(kg, equipment, profile)
    return format_load(kg, units) if near is None else f"≈ {format_load(near, units)}"


_LOAD_TEXT = re.compile(
    r"^\s*(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>kg|kgs|kilos?|lb|lbs|pounds?|#)?\s*$", re.I
)


def parse_load(text: str, units: Units) -> float:
    """Kilograms for what a lifter typed (`100`, `102.5 kg`, `225lb`); bare numbers in `units`."""
    match = _LOAD_TEXT.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a weight like 100 kg or 225 lb")
    value = float(match["value"].replace(",", "."))
    unit = (match["unit"] or units.value).casefold()
    return lb_to_kg(value) if unit.startswith(("lb", "pound", "#")) else value


def likely_units(weights_kg: Iterable[float], least: int = 3) -> Units | None:
    """The units a lifter loads in, read from their logged weights: plates make loads round in
    the units of the gym (60 kg; 135 lb = 61.23 kg). None when too few weights say either way."""
    kg = lb = 0
    for w in weights_kg:
        if w <= 0:
            continue
        in_kg = abs(w / 1.25 - round(w / 1.25)) < 0.01
        pounds = kg_to_lb(w)
        in_lb = abs(pounds / 2.5 - round(pounds / 2.5)) < 0.02
        kg += in_kg and not in_lb
        lb += in_lb and not in_kg
    if kg + lb < least or max(kg, lb) < 0.7 * (kg + lb):
        return None
    return Units.LB if lb > kg else Units.KG
