"""How long a session takes, and how many working sets it holds (TRAINING.md, "Session design").

The one time model: the plan's "~N min" in the chat and the Mini App, the validator and the
allocator that fills a day all count with `session_seconds`. A working set takes reps × ~4 s
(a top set ~60 s) plus its rest — every set, the last one too, as a coach counts it: sets ×
(work + rest) + warm-ups + changeovers —, a warm-up set ~1 min, changing exercise ~1.5 min. A
superset does its exercises' sets in rounds that share one rest (the longer of the two) and
one changeover, which saves ~30–40 % of the pair's time.

The session table (~45 min ≈ 12–16 working sets, ~60 ≈ 16–22, ~90 ≈ 24–30) is a cap on a day's
working sets: `working_sets` gives its range for any length of session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

REP_SECONDS = 4
TOP_SET_SECONDS = 60
WARMUP_SET_SECONDS = 60
CHANGEOVER_SECONDS = 90

# minutes → working sets (low, high) a session of that length holds
SESSION_TABLE: tuple[tuple[int, int, int], ...] = ((45, 12, 16), (60, 16, 22), (90, 24, 30))


@dataclass(frozen=True, slots=True)
class Work:
    """One exercise of a session, as the clock sees it."""

    sets: int
    reps: int
    rest: int  # seconds between sets (between rounds, for a superset)
    warmups: int = 0
    superset: int | None = None  # exercises sharing an id are done in alternation
    top_set: bool = False  # the first set is a heavy single effort (~60 s)


def set_seconds(work: Work) -> int:
    """The working sets' own time, rests aside."""
    if work.sets <= 0:
        return 0
    each = work.reps * REP_SECONDS
    first = TOP_SET_SECONDS if work.top_set else each
    return first + (work.sets - 1) * each


def session_seconds(session: Iterable[Work]) -> int:
    """Seconds for a session: each block (an exercise, or a superset's exercises together) costs
    a changeover, its warm-up sets, its working sets and a rest after each of its rounds."""
    blocks: dict[object, list[Work]] = {}
    for index, work in enumerate(session):
        if work.sets <= 0:
            continue
        key = ("superset", work.superset) if work.superset is not None else ("solo", index)
        blocks.setdefault(key, []).append(work)
    total = 0
    for block in blocks.values():
        rounds = max(w.sets for w in block)
        total += CHANGEOVER_SECONDS
        total += sum(w.warmups * WARMUP_SET_SECONDS + set_seconds(w) for w in block)
        total += rounds * max(w.rest for w in block)
    return total


def session_minutes(session: Iterable[Work]) -> int:
    return round(session_seconds(session) / 60)


def working_sets(minutes: int) -> tuple[int, int]:
    """The session table's range of working sets for `minutes`: between its rows, in
    proportion; below 45 or above 90 minutes, in proportion to the nearest row."""
    first, last = SESSION_TABLE[0], SESSION_TABLE[-1]
    if minutes <= first[0]:
        share = minutes / first[0]
        return round(first[1] * share), max(1, int(first[2] * share))
    if minutes >= last[0]:
        share = minutes / last[0]
        return round(last[1] * share), int(last[2] * share)
    for (m0, lo0, hi0), (m1, lo1, hi1) in pairwise(SESSION_TABLE):
        if m0 <= minutes <= m1:
            t = (minutes - m0) / (m1 - m0)
            return round(lo0 + t * (lo1 - lo0)), int(hi0 + t * (hi1 - hi0))
    raise AssertionError("unreachable")
