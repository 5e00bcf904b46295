"""Patterns in a training log: which exercises go together, and which have stalled."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import combinations

from core.engine.e1rm import Formula, series_estimate
from core.engine.records import working
from core.models import SetRow


def co_occurrence(rows: Iterable[SetRow], top: int = 10) -> list[tuple[tuple[str, str], int]]:
    """The exercise pairs trained in the same session most often (ids sorted within a pair)."""
    per_session: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        per_session[row.workout_id].add(row.template_id)
    pairs: Counter[tuple[str, str]] = Counter()
    for exercises in per_session.values():
        pairs.update(combinations(sorted(exercises), 2))
    return sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]


@dataclass(frozen=True, slots=True)
class Exposure:
    """One session of an exercise: its best e1RM with the set behind it, and its heaviest set."""

    at: datetime
    workout_id: str
    e1rm: float
    weight_kg: float = 0.0  # the set the e1RM comes from
    reps: int = 0
    rpe: float | None = None
    heaviest_kg: float = 0.0  # the session's heaviest working set
    heaviest_reps: int = 0


def exposures(
    rows: Iterable[SetRow], template_id: str, formula: Formula = "auto"
) -> list[Exposure]:
    """Per session that trained `template_id`, its best e1RM and heaviest set, oldest first."""
    best: dict[str, Exposure] = {}
    heaviest: dict[str, tuple[float, int]] = {}  # any working set counts, 15 reps too
    for row in working(rows):
        if row.template_id != template_id or not row.weight_kg:
            continue
        heaviest[row.workout_id] = max(
            heaviest.get(row.workout_id, (0.0, 0)), (row.weight_kg, row.reps or 0)
        )
        est = series_estimate(row.weight_kg, row.reps, row.rpe, formula)
        held = best.get(row.workout_id)
        if est is not None and (held is None or est.value > held.e1rm):
            best[row.workout_id] = Exposure(
                row.start_time, row.workout_id, est.value, row.weight_kg, row.reps, row.rpe
            )
    return sorted(
        (
            replace(e, heaviest_kg=heaviest[w][0], heaviest_reps=heaviest[w][1])
            for w, e in best.items()
        ),
        key=lambda e: e.at,
    )


BREAK = timedelta(weeks=8)  # a longer pause is a break in training: a curve does not span it


def new_bests(series: list[Exposure]) -> list[bool]:
    """Per session, whether its e1RM beat every earlier one (the first session is no record)."""
    flags, best = [], None
    for e in series:
        flags.append(best is not None and e.e1rm > best + 1e-9)
        best = e.e1rm if best is None else max(best, e.e1rm)
    return flags


def runs(series: list[Exposure], gap: timedelta = BREAK) -> list[list[Exposure]]:
    """The series cut wherever training paused for longer than `gap`."""
    cut: list[list[Exposure]] = []
    for e in series:
        if not cut or e.at - cut[-1][-1].at > gap:
            cut.append([])
        cut[-1].append(e)
    return cut


@dataclass(frozen=True, slots=True)
class Stall:
    template_id: str
    since: datetime
    best_before: float
    best_recent: float
    exposures: int


def detect_stall(
    rows: Iterable[SetRow],
    template_id: str,
    now: datetime,
    window: timedelta = timedelta(weeks=3),
    min_exposures: int = 3,
    tolerance: float = 0.005,
) -> Stall | None:
    """A stall: over the last `window`, at least `min_exposures` sessions and no e1RM above the
    best before it (by more than `tolerance`)."""
    series = [e for e in exposures(rows, template_id) if e.at <= now]
    recent = [e for e in series if e.at > now - window]
    before = [e for e in series if e.at <= now - window]
    if len(recent) < min_exposures or not before:
        return None
    best_before = max(e.e1rm for e in before[-6:])  # the recent past, not a peak from years ago
    best_recent = max(e.e1rm for e in recent)
    if best_recent > best_before * (1 + tolerance):
        return None
    return Stall(template_id, recent[0].at, best_before, best_recent, len(recent))
