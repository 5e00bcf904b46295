"""The load steps a lifter can actually take on one exercise, learned from what they logged.

A cable stack of 2.5 kg, dumbbells of 15 / 17.5 / 20 kg, a 2.5 lb plate pair: the log says which
steps the lifter's kit has (TRAINING.md, "Load steps the lifter can actually take"). The default
grid (`LoadingProfile`) serves only an exercise without such history. Everything here works in the
lifter's units, where their loads are round (80 lb is 36.287 kg), and hands back kilograms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Literal

from core.engine.loads import LoadingProfile, format_load, from_user_units, to_user_units
from core.models import Units

_GRID = 20  # loads are read on a 0.05-unit grid: Hevy's lb → kg floats land back on it
UNLOADED = ("none", "resistance_band", "suspension")  # equipment that takes no external load
# Two loads this close (in the lifter's units) are the same load: 80 lb logged as 36.29 kg,
# 80.05 lb or 36.2874 kg are all the 80 lb the plan asked for.
SAME_LOAD = {Units.KG: 0.25, Units.LB: 0.5}
# Finer differences than these are logging noise, not a step anyone's kit takes.
FINEST_STEP = {Units.KG: 1.0, Units.LB: 2.5}
BIG_STEP = 0.10  # a step above this share of the load goes through reps or sets first


def default_step(units: Units, equipment: str, profile: LoadingProfile | None = None) -> float:
    """The default grid's step for `equipment`, in the lifter's units (a plate pair on a bar)."""
    kit = profile or LoadingProfile.for_units(units)
    if equipment == "barbell":
        return 2 * min(kit.plates)
    if equipment == "dumbbell":
        return kit.dumbbell_step
    if equipment == "kettlebell":
        return kit.kettlebell_step
    return kit.machine_step


def load_step(
    loads_kg: Iterable[float],
    units: Units,
    equipment: str,
    profile: LoadingProfile | None = None,
) -> float:
    """The step (kg) this lifter takes on one exercise: the grid every working load they used
    sits on — the smallest difference between their distinct loads when they have moved one
    step at a time (7.5 and 12.5 kg on a cable say its stack moves by 2.5). The default grid
    without such history: fewer than two distinct loads, or loads so far apart (60 and 80 kg)
    that they say nothing about the plates."""
    fallback = default_step(units, equipment, profile)
    ticks = sorted({round(to_user_units(kg, units) * _GRID) for kg in loads_kg if kg and kg > 0})
    distinct = _merge_noise(ticks, round(SAME_LOAD[units] * _GRID))
    if len(distinct) < 2:
        return from_user_units(fallback, units)
    ticks_per_step = reduce(math.gcd, distinct)
    learned = ticks_per_step / _GRID
    # A step no kit has (122.45 and 187.55 kg share 1.55 kg) is noise: the default grid.
    odd = ticks_per_step % round(SAME_LOAD[units] * _GRID) != 0
    if learned < FINEST_STEP[units] or learned > 2 * fallback or odd:
        return from_user_units(fallback, units)
    return from_user_units(learned, units)


def _merge_noise(ticks: list[int], within: int) -> list[int]:
    """Distinct loads, a load within `within` ticks of the one before it counted once."""
    kept: list[int] = []
    for tick in ticks:
        if not kept or tick - kept[-1] > within:
            kept.append(tick)
    return kept


@dataclass(frozen=True, slots=True)
class Grid:
    """The loads one exercise moves on, in the lifter's units: multiples of `step`, from
    `minimum` up (the bar for a barbell). `loaded` is False for bodyweight equipment."""

    units: Units
    step: float  # in the lifter's units
    minimum: float  # in the lifter's units
    loaded: bool = True
    # A bar always takes its smallest plate pair (a coach adds it even to an empty bar); only
    # stacks, dumbbells and bells have steps too big to take at light loads.
    reps_first: bool = True

    @classmethod
    def learned(
        cls,
        loads_kg: Iterable[float],
        units: Units,
        equipment: str,
        profile: LoadingProfile | None = None,
    ) -> Grid:
        """The grid of one exercise from the loads the lifter logged on it."""
        kit = profile or LoadingProfile.for_units(units)
        step = round(to_user_units(load_step(loads_kg, units, equipment, kit), units), 2)
        minimum = kit.bar if equipment == "barbell" else step
        # The bar must be on the grid too (loads of 130 and 140 lb on a 45 lb bar step by 5).
        step = math.gcd(round(step * _GRID), round(minimum * _GRID)) / _GRID
        return cls(units, step, minimum, equipment not in UNLOADED, equipment != "barbell")

    @property
    def step_kg(self) -> float:
        return from_user_units(self.step, self.units)

    def round(self, kg: float, mode: Literal["nearest", "down", "up"] = "nearest") -> float | None:
        """The grid's load (kg) nearest `kg` (or the nearest not above / not below it)."""
        if not self.loaded:
            return None
        value = to_user_units(max(kg, 0.0), self.units) / self.step
        steps = {"nearest": round(value), "down": math.floor(value + 1e-6)}.get(
            mode, math.ceil(value - 1e-6)
        )
        chosen = max(steps * self.step, self.minimum)
        return from_user_units(round(chosen, 2), self.units)

    def __call__(self, kg: float) -> float | None:
        """`round`, so a grid serves wherever a rounding function is asked for."""
        return self.round(kg)

    def up(self, kg: float, steps: int = 1) -> float | None:
        """The load `steps` grid steps above `kg` (itself rounded onto the grid first)."""
        on = self.round(kg)
        return None if on is None else self.round(on + steps * self.step_kg)

    def down(self, kg: float, steps: int = 1) -> float | None:
        """The load `steps` grid steps below `kg`, never under the grid's minimum."""
        on = self.round(kg)
        return None if on is None else self.round(on - steps * self.step_kg)

    def same(self, a: float | None, b: float | None) -> bool:
        """Whether two loads (kg) are the same load to the lifter (a tolerance in their unit)."""
        if a is None or b is None:
            return a is b
        return (
            abs(to_user_units(a, self.units) - to_user_units(b, self.units))
            <= SAME_LOAD[self.units]
        )

    def big_step(self, kg: float | None) -> bool:
        """Whether one step up from `kg` is more than ~10 % of it (light cables, small
        dumbbells): then reps or sets progress first."""
        if not kg or not self.loaded or not self.reps_first:
            return False
        return self.step_kg > BIG_STEP * kg + 1e-9

    def text(self, kg: float | None) -> str:
        """A load as the lifter reads it: `80 lb`, `82.5 kg`."""
        return format_load(kg, self.units)
