"""Fitting a week's sets into the lifter's sessions (TRAINING.md, "Building a plan", "Session
design").

Time is the budget: each session is filled towards the minutes the lifter gave, counted by the
one time model (`session_time`), and never past the session table's working sets. The main
lifts of each day go in first; then, one decision at a time, the set that does the week the most
good: first every muscle up to the bottom of its band, big muscles strictly before shoulders,
arms before calves and abs (a set for a muscle of a higher tier below its floor always goes
first); then towards the top, never past it, never more than 8 sets for one muscle in a
session. Where a day runs out of minutes with muscles still short, it pairs exercises that do
not compete into supersets (`supersets`) and fills again. When the useful volume is spent
before the time is, the session ends early; whatever cannot be served is reported, never
hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.engine.movements import COMPOUND
from core.engine.session_time import Work, session_seconds, working_sets
from core.engine.splits import Slot
from core.engine.supersets import superset_problem
from core.engine.validator import MAX_EXERCISES_PER_SESSION, MAX_SETS_PER_MUSCLE_PER_SESSION
from core.engine.volume import set_contribution
from core.models import ExerciseTemplate

TIME_TOLERANCE = 0.15  # a session within ±15 % of the minutes given
# The allocator counts reps at the top of each range (the longest the session gets as the
# block progresses) and aims a little past the budget, inside the tolerance.
_FILL_TO = 1.05
# Whose sets matter most when not everything fits (and go last from a short day, see
# readiness): big muscles, then arms, then the rest.
MUSCLE_TIER = {
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
_BIG = 3.0
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
    reps: int = 10  # the top of its rep range
    rep_low: int = 8
    top_set: bool = False
    staple: bool = False  # one of the lifter's own exercises: kept in before a new one
    favourite: bool = False  # one of their most-trained: opened with the main lifts
    sets: int = 0
    superset: int | None = None
    solo_rest: int | None = None  # its rest before it joined a superset

    @property
    def work(self) -> Work:
        return Work(self.sets, self.reps, self.rest, self.warmups, self.superset, self.top_set)


@dataclass
class DayDraft:
    key: str
    name: str
    weekday: int | None
    items: list[Item] = field(default_factory=list)
    stops: set[str] = field(default_factory=set)  # what ended it, time aside (`stops`)

    @property
    def seconds(self) -> int:
        return session_seconds(item.work for item in self.items)

    def seconds_with(self, item: Item, more: int) -> int:
        """The day's seconds with `more` sets of `item` (opening an exercise costs its ramp and
        changeover; a superset's rounds share one rest)."""
        item.sets += more
        try:
            return self.seconds
        finally:
            item.sets -= more

    @property
    def working_sets(self) -> int:
        return sum(item.sets for item in self.items)

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
    """Give each item of `days` its sets (0 leaves it out); where minutes are tight, pair
    exercises into supersets and fill again."""
    budget = minutes * 60
    _fill(days, bands, budget, focus, max_sets)
    paired = [day for day in days if _tight(day, days, bands, budget) and _pair(day)]
    if paired:
        for day in days:
            for item in day.items:
                item.sets = 0
        _fill(days, bands, budget, focus, max_sets)
        for day in days:
            # Supersets only where minutes are tight (TRAINING.md, "Session design"): a day
            # whose sets fit its minutes as straight sets keeps straight sets.
            _unpair(day, budget, every=day in paired)
    for day in days:
        day.stops = stops(day, days, bands, minutes, max_sets)
        day.items = day.open_items
        ids = list(dict.fromkeys(i.superset for i in day.items if i.superset is not None))
        for item in day.items:  # numbered 0, 1, … in the day's order
            item.superset = None if item.superset is None else ids.index(item.superset)


def _fill(days: list[DayDraft], bands: Bands, budget: int, focus: set[str], max_sets: int) -> None:
    _open_main_lifts(days, bands, budget)
    while _best_step(days, bands, budget, focus, max_sets):
        pass


def _tight(day: DayDraft, days: list[DayDraft], bands: Bands, budget: int) -> bool:
    """The day's minutes are spent while a muscle it trains is still short of its band's top."""
    if day.seconds < budget * (1 - TIME_TOLERANCE):
        return False
    week = week_sets(days)
    trained = day.muscle_sets()
    return any(
        muscle in bands and week.get(muscle, 0.0) < bands[muscle][1] - 1
        for muscle, sets in trained.items()
        if sets >= 1
    )


def _pair(day: DayDraft) -> bool:
    """Pair the day's exercises into supersets where TRAINING.md allows (isolation with
    isolation first, in the day's order); True when any pair was made."""
    free = [i for i in day.items if i.slot.role != "heavy" and i.superset is None]
    free.sort(key=lambda i: i.slot.role != "light")
    made = False
    for index, item in enumerate(free):
        if item.superset is not None:
            continue
        for other in free[index + 1 :]:
            if other.superset is None and not superset_problem(
                item.template, item.rep_low, other.template, other.rep_low
            ):
                item.superset = other.superset = _next_id(day)
                item.solo_rest, other.solo_rest = item.rest, other.rest
                item.rest = other.rest = max(item.rest, other.rest)
                made = True
                break
    return made


def _next_id(day: DayDraft) -> int:
    return max((i.superset for i in day.items if i.superset is not None), default=-1) + 1


def _unpair(day: DayDraft, budget: int, every: bool) -> None:
    """Straight sets again for a superset whose partner got no sets, and for all of a day's
    supersets when they bought it no sets or the day is no longer tight (while straight sets
    still fit its minutes)."""
    for item in day.items:
        partners = [i for i in day.items if i.superset == item.superset and i.sets]
        if item.superset is not None and (not item.sets or len(partners) < 2):
            item.superset, item.rest = None, item.solo_rest or item.rest
    if not every:
        return
    paired = [(i, i.superset, i.rest) for i in day.items if i.superset is not None]
    for item, _superset, _rest in paired:
        item.superset, item.rest = None, item.solo_rest or item.rest
    if day.seconds > budget * _FILL_TO:
        for item, superset, rest in paired:
            item.superset, item.rest = superset, rest


def _fits(
    day: DayDraft,
    item: Item,
    more: int,
    week: dict[str, float],
    bands: Bands,
    budget: int,
    *,
    after: int | None,
    today: dict[str, float],
) -> bool:
    """Whether `more` sets of `item` fit the day and the week. `after` is the day's seconds with
    them (None: time aside), `today` the day's muscle sets now: both computed once a round."""
    if after is not None and after > budget * _FILL_TO:
        return False
    if day.working_sets + more > working_sets(budget // 60)[1]:
        return False  # the session table is a cap
    if not item.sets and len(day.open_items) >= MAX_EXERCISES_PER_SESSION:
        return False
    for muscle, share in set_contribution(item.template).items():
        if today.get(muscle, 0.0) + share * more > MAX_SETS_PER_MUSCLE_PER_SESSION:
            return False
        if muscle in bands and week.get(muscle, 0.0) + share * more > bands[muscle][1] + 1e-9:
            return False
    return True


def _open_main_lifts(days: list[DayDraft], bands: Bands, budget: int) -> None:
    """Each day's compound lifts and the lifter's favourite exercises for a big muscle first, in
    the day's order, two sets each, while they fit (the day's first exercise whatever the time,
    so a session is never empty while the week has room), then a third set for each main lift."""
    for day in days:  # the first exercise that the week's bands still have room for
        week, today = week_sets(days), day.muscle_sets()
        first = next(
            (
                i
                for i in day.items
                if _fits(day, i, 2, week, bands, budget, after=None, today=today)
            ),
            None,
        )
        if first is not None:
            first.sets = 2
    for day in days:
        for item in day.items:
            big = MUSCLE_TIER.get(_primary(item), 0.0) >= _BIG
            if item.slot.pattern not in COMPOUND and not (item.favourite and big):
                continue  # a favourite for a smaller muscle waits its turn (big muscles first)
            if _fits_now(day, item, 2, days, bands, budget):
                item.sets = 2
    for day in days:  # a main lift deserves a third set before anything else gets one
        for item in day.items:
            heavy = item.sets and item.slot.role == "heavy"
            if heavy and _fits_now(day, item, 1, days, bands, budget):
                item.sets += 1


def _fits_now(
    day: DayDraft, item: Item, more: int, days: list[DayDraft], bands: Bands, budget: int
) -> bool:
    """`_fits` for a single check, the day and week measured as they are now."""
    after, today = day.seconds_with(item, more), day.muscle_sets()
    return _fits(day, item, more, week_sets(days), bands, budget, after=after, today=today)


def _value(
    item: Item, today: dict[str, float], week: dict[str, float], bands: Bands, focus: set[str]
) -> float:
    """What one more set of `item` is worth to the week: a muscle below its band counts most,
    then one on its way to the top of the band, less the fuller it gets (`today`: the day's
    muscle sets)."""
    value = 0.0
    for muscle, share in set_contribution(item.template).items():
        if muscle not in bands:
            continue
        low, high = bands[muscle]
        have = week.get(muscle, 0.0)
        tier = MUSCLE_TIER.get(muscle, 1.0) + (2.0 if muscle in focus else 0.0)
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


def _primary(item: Item) -> str:
    contribution = set_contribution(item.template)
    return max(contribution, key=lambda m: contribution[m])


def stops(
    day: DayDraft, days: list[DayDraft], bands: Bands, minutes: int, max_sets: int
) -> set[str]:
    """What keeps each exercise of `day` from one more set, time aside: "band" (a muscle's
    weekly top), "session" (~8 sets of a muscle in a session), "table" (the session table's
    working sets), "exercise" (the sets one exercise takes)."""
    week, today = week_sets(days), day.muscle_sets()
    cap = working_sets(minutes)[1]
    out: set[str] = set()
    for item in day.open_items:
        if item.sets >= max_sets:
            out.add("exercise")
        elif day.working_sets >= cap:
            out.add("table")
        for muscle, share in set_contribution(item.template).items():
            if today.get(muscle, 0.0) + share > MAX_SETS_PER_MUSCLE_PER_SESSION:
                out.add("session")
            if muscle in bands and week.get(muscle, 0.0) + share > bands[muscle][1] + 1e-9:
                out.add("band")
    return out


def _urgency(item: Item, week: dict[str, float], bands: Bands, focus: set[str]) -> float:
    """The tier of the exercise's primary muscle while that muscle is below its band's floor
    (0 once it is not): a set for a bigger muscle short of its floor always goes first."""
    muscle = _primary(item)
    if muscle not in bands or week.get(muscle, 0.0) >= bands[muscle][0]:
        return 0.0
    return MUSCLE_TIER.get(muscle, 1.0) + (2.0 if muscle in focus else 0.0)


def _best_step(
    days: list[DayDraft], bands: Bands, budget: int, focus: set[str], max_sets: int
) -> bool:
    week = week_sets(days)
    best: tuple[tuple[float, float], Item, int] | None = None
    for day in days:
        seconds, today = day.seconds, day.muscle_sets()
        fill = seconds / budget
        for item in day.items:
            more = 1 if item.sets else 2
            if item.sets + more > max_sets:
                continue
            after = day.seconds_with(item, more)
            if not _fits(day, item, more, week, bands, budget, after=after, today=today):
                continue
            value = _value(item, today, week, bands, focus)
            if value <= 0:
                continue
            score = (
                value
                * more
                * _ROLE_WEIGHT[item.slot.role]
                / (after - seconds)
                / (1 + 0.15 * item.sets)
                * (1.5 - fill)
            )
            rank = (_urgency(item, week, bands, focus), score)
            if best is None or rank > best[0]:
                best = (rank, item, more)
    if best is None:
        return False
    best[1].sets += best[2]
    return True
