"""Fitting a week's sets into the lifter's sessions (TRAINING.md, "Building a plan", "Session
design").

Time is the budget: each session is filled towards the minutes the lifter gave, counting working
sets, rests, warm-up ramps and changeovers the way `PlanDay.estimated_minutes` does. The main
lifts of each day go in first; then, one decision at a time, the set that does the week the most
good per second: first every muscle up to the bottom of its band (big muscles before arms before
calves and abs), then towards the top, never past it, never more than 8 sets for one muscle in a
session. When the useful volume is spent before the time is, rests lengthen within their ranges;
whatever still cannot be served is reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.engine.movements import COMPOUND
from core.engine.plan import CHANGEOVER_SECONDS, WARMUP_SECONDS, WORK_SECONDS
from core.engine.splits import Slot
from core.engine.validator import MAX_EXERCISES_PER_SESSION, MAX_SETS_PER_MUSCLE_PER_SESSION
from core.engine.volume import set_contribution
from core.models import ExerciseTemplate

TIME_TOLERANCE = 0.15  # a session within ±15 % of the minutes given
_FILL_TO = 1.08  # the allocator aims a little past the budget, well inside the tolerance
# Whose sets matter most when not everything fits: big muscles, then arms, then the rest.
_TIER = {
    "quads": 3.0,
    "hamstrings": 3.0,
    "glutes": 3.0,
    "back": 3.0,
    "chest": 3.0,
    "shoulders": 2.5,
    "triceps": 2.0,
    "biceps": 2.0,
    "calves": 1.0,
    "abs": 1.0,
    "forearms": 0.5,
}
# A set of a main lift is worth more than its longer rest suggests.
_ROLE_WEIGHT = {"heavy": 2.0, "moderate": 1.3, "light": 1.0}
Bands = dict[str, tuple[float, float]]


@dataclass
class Item:
    """One exercise of a day being built."""

    slot: Slot
    template: ExerciseTemplate
    rest: int
    max_rest: int
    warmups: int
    staple: bool = False  # one of the lifter's own exercises: kept in before a new one
    favourite: bool = False  # one of their most-trained: opened with the main lifts
    sets: int = 0

    @property
    def seconds(self) -> int:
        if not self.sets:
            return 0
        return (
            self.sets * WORK_SECONDS
            + (self.sets - 1) * self.rest
            + self.warmups * WARMUP_SECONDS
            + CHANGEOVER_SECONDS
        )

    def cost(self, more: int) -> int:
        """Seconds that `more` sets add (opening the exercise costs its ramp and changeover)."""
        if self.sets:
            return more * (WORK_SECONDS + self.rest)
        opening = self.warmups * WARMUP_SECONDS + CHANGEOVER_SECONDS
        return opening + more * WORK_SECONDS + (more - 1) * self.rest


@dataclass
class DayDraft:
    key: str
    name: str
    weekday: int | None
    items: list[Item] = field(default_factory=list)

    @property
    def seconds(self) -> int:
        return sum(item.seconds for item in self.items)

    @property
    def open_items(self) -> list[Item]:
        return [item for item in self.items if item.sets]

    def muscle_sets(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            for muscle, share in set_contribution(item.template).items():
                totals[muscle] = totals.get(muscle, 0.0) + share * item.sets
        return totals


def week_sets(days: list[DayDraft]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for day in days:
        for muscle, sets in day.muscle_sets().items():
            totals[muscle] = totals.get(muscle, 0.0) + sets
    return totals


def allocate(
    days: list[DayDraft], bands: Bands, minutes: int, focus: set[str], max_sets: int = 5
) -> None:
    """Give each item of `days` its sets (0 leaves it out) and stretch rests to fill the time."""
    budget = minutes * 60
    _open_main_lifts(days, bands, budget)
    while _best_step(days, bands, budget, focus, max_sets):
        pass
    for day in days:
        _stretch_rests(day, budget)
        day.items = day.open_items


def _fits(
    day: DayDraft, item: Item, more: int, week: dict[str, float], bands: Bands, limit: float
) -> bool:
    if day.seconds + item.cost(more) > limit:
        return False
    if not item.sets and len(day.open_items) >= MAX_EXERCISES_PER_SESSION:
        return False
    today = day.muscle_sets()
    for muscle, share in set_contribution(item.template).items():
        if today.get(muscle, 0.0) + share * more > MAX_SETS_PER_MUSCLE_PER_SESSION:
            return False
        if muscle in bands and week.get(muscle, 0.0) + share * more > bands[muscle][1] + 1e-9:
            return False
    return True


def _open_main_lifts(days: list[DayDraft], bands: Bands, budget: int) -> None:
    """Each day's compound lifts and the lifter's favourite exercises first, in the day's order,
    two sets each, while they fit (the day's first exercise whatever the time, so a session is
    never empty while the week has room), then a third set for each main lift."""
    for day in days:  # the first exercise that the week's bands still have room for
        week = week_sets(days)
        first = next((i for i in day.items if _fits(day, i, 2, week, bands, float("inf"))), None)
        if first is not None:
            first.sets = 2
    for day in days:
        for item in day.items:
            if item.slot.pattern not in COMPOUND and not item.favourite:
                continue
            if _fits(day, item, 2, week_sets(days), bands, budget * _FILL_TO):
                item.sets = 2
    for day in days:  # a main lift deserves a third set before anything else gets one
        for item in day.items:
            heavy = item.sets and item.slot.role == "heavy"
            if heavy and _fits(day, item, 1, week_sets(days), bands, budget * _FILL_TO):
                item.sets += 1


def _value(
    item: Item, day: DayDraft, week: dict[str, float], bands: Bands, focus: set[str]
) -> float:
    """What one more set of `item` is worth to the week: a muscle below its band counts most,
    then one on its way to the top of the band, less the fuller it gets."""
    value = 0.0
    today = day.muscle_sets()
    for muscle, share in set_contribution(item.template).items():
        if muscle not in bands:
            continue
        low, high = bands[muscle]
        have = week.get(muscle, 0.0)
        tier = _TIER.get(muscle, 1.0) + (2.0 if muscle in focus else 0.0)
        if have < low:
            worth = 100.0
        elif high > low:
            worth = 10.0 * (high - have) / (high - low)
        else:
            worth = 0.0
        if today.get(muscle, 0.0) < 1.0:
            worth *= 1.5  # a second day for a muscle is worth more than more sets on one
        value += share * tier * worth
    return value * (1.3 if item.staple else 1.0)


def _best_step(
    days: list[DayDraft], bands: Bands, budget: int, focus: set[str], max_sets: int
) -> bool:
    week = week_sets(days)
    best: tuple[float, Item, int] | None = None
    for day in days:
        fill = day.seconds / budget
        for item in day.items:
            more = 1 if item.sets else 2
            if item.sets + more > max_sets or not _fits(
                day, item, more, week, bands, budget * _FILL_TO
            ):
                continue
            value = _value(item, day, week, bands, focus)
            if value <= 0:
                continue
            score = (
                value
                * more
                * _ROLE_WEIGHT[item.slot.role]
                / item.cost(more)
                / (1 + 0.15 * item.sets)
                * (1.5 - fill)
            )
            if best is None or score > best[0]:
                best = (score, item, more)
    if best is None:
        return False
    best[1].sets += best[2]
    return True


def _stretch_rests(day: DayDraft, budget: int) -> None:
    """Longer rests (within their ranges) where the useful sets end before the time does."""
    while day.seconds < budget * (1 - TIME_TOLERANCE / 2):
        growable = [i for i in day.open_items if i.sets > 1 and i.rest < i.max_rest]
        if not growable:
            return
        for item in growable:
            item.rest = min(item.max_rest, item.rest + 15)
