"""Best e1RMs, all-time PRs and rep-PRs, from a lifter's sets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from core.engine.e1rm import Estimate, Formula, series_estimate
from core.engine.periods import Bucket, bucket_of
from core.models import LoggedSet, SetRow, SetType

# A set as analytics read it: a validated SetRow, or a LoggedSet read back for a whole log.
type AnySet = SetRow | LoggedSet


def working[S: AnySet](rows: Iterable[S]) -> list[S]:
    """Sets that count: everything but warm-ups."""
    return [r for r in rows if r.type != SetType.WARMUP]


_TRAINING_ORDER = attrgetter("start_time", "exercise_index", "set_index")


def in_training_order(rows: Iterable[SetRow]) -> list[SetRow]:
    """Sets in the order they were done: by workout start, then exercise, then set."""
    return sorted(rows, key=_TRAINING_ORDER)


@dataclass(frozen=True, slots=True)
class BestSet:
    """The set behind a record, with its estimate."""

    template_id: str
    weight_kg: float
    reps: int
    rpe: float | None
    at: datetime
    workout_id: str
    estimate: Estimate | None


def _best(row: SetRow, formula: Formula) -> BestSet | None:
    est = series_estimate(row.weight_kg, row.reps, row.rpe, formula)
    if est is None:
        return None
    return _best_set(row, est)


def _best_set(row: AnySet, est: Estimate | None) -> BestSet:
    return BestSet(
        template_id=row.template_id,
        weight_kg=row.weight_kg or 0.0,
        reps=row.reps or 0,
        rpe=row.rpe,
        at=row.start_time,
        workout_id=row.workout_id,
        estimate=est,
    )


def best_e1rm_by_period(
    rows: Iterable[SetRow],
    template_id: str,
    bucket: Bucket = "month",
    formula: Formula = "auto",
    tz: str = "UTC",
) -> dict[str, BestSet]:
    """The best e1RM set of one exercise in each period that has one, periods in order."""
    best: dict[str, BestSet] = {}
    for row in working(rows):
        if row.template_id != template_id:
            continue
        candidate = _best(row, formula)
        if candidate is None:
            continue
        period = bucket_of(row.start_time, bucket, tz)
        held = best.get(period)
        if held is None or candidate.estimate.value > held.estimate.value:
            best[period] = candidate
    return dict(sorted(best.items()))


@dataclass(frozen=True, slots=True)
class PersonalRecords:
    """An exercise's heaviest set and its best e1RM set, all time."""

    template_id: str
    heaviest: BestSet
    best_e1rm: BestSet | None


def all_time_prs(rows: Iterable[AnySet], formula: Formula = "auto") -> dict[str, PersonalRecords]:
    """Per exercise: the heaviest working set (first reached) and the best e1RM set."""
    heaviest: dict[str, AnySet] = {}
    best: dict[str, tuple[float, Estimate, AnySet]] = {}
    for row in in_training_order(working(rows)):
        weight, reps = row.weight_kg, row.reps
        if not weight or not reps:
            continue
        tid = row.template_id
        held = heaviest.get(tid)
        if held is None or weight > held.weight_kg:
            heaviest[tid] = row
        est = series_estimate(weight, reps, row.rpe, formula)
        if est is not None:
            top = best.get(tid)
            if top is None or est.value > top[0]:
                best[tid] = (est.value, est, row)
    # The winners only become BestSets: building one per improving set was most of the time.
    records = {}
    for tid, row in heaviest.items():
        top = best.get(tid)
        records[tid] = PersonalRecords(
            tid,
            _best_set(row, series_estimate(row.weight_kg, row.reps, row.rpe, formula)),
            None if top is None else _best_set(top[2], top[1]),
        )
    return records


@dataclass(frozen=True, slots=True)
class RepPR:
    """A new best: a set heavier than every earlier working set of the exercise with at least as
    many reps, the lifter's earlier sets in the same workout included."""

    template_id: str
    reps: int
    weight_kg: float
    previous_kg: float | None  # None: a first (no earlier workout had this many reps), no record
    at: datetime
    workout_id: str
    exercise_index: int = 0  # which set of the workout it was
    set_index: int = 0


def rep_prs(rows: Iterable[AnySet]) -> list[RepPR]:
    """Every new best in training order (so the ones set in a given week are a filter away).

    A set is one when it beats the heaviest earlier set with as many reps or more: a set that
    only equals a best (the second and third 80 lb × 12) or that an earlier set covers (60 × 11
    after 60 × 12) is not. `previous_kg` is that heaviest earlier set; None when no earlier
    workout had this many reps (a first: an exercise's first session is a baseline)."""
    heaviest: dict[str, dict[int, float]] = {}  # exercise → reps → heaviest at exactly those
    before: dict[str, dict[int, float]] = {}  # the same, up to the current workout
    current: dict[str, str] = {}  # the workout each exercise was last seen in
    found = []
    for row in in_training_order(working(rows)):
        if not row.weight_kg or not row.reps:
            continue
        tid = row.template_id
        held = heaviest.setdefault(tid, {})
        if current.get(tid) != row.workout_id:
            current[tid] = row.workout_id
            before[tid] = dict(held)
        exact = held.get(row.reps)
        if exact is not None and row.weight_kg <= exact:
            continue  # equalled or beaten at exactly these reps: no record, nothing to update
        best = _heaviest_for(held, row.reps)
        if best is None or row.weight_kg > best + 1e-9:
            earlier = _heaviest_for(before[tid], row.reps)
            found.append(
                RepPR(
                    template_id=tid,
                    reps=row.reps,
                    weight_kg=row.weight_kg,
                    previous_kg=None if earlier is None else best,
                    at=row.start_time,
                    workout_id=row.workout_id,
                    exercise_index=row.exercise_index,
                    set_index=row.set_index,
                )
            )
        held[row.reps] = max(held.get(row.reps, 0.0), row.weight_kg)
    return found


def _heaviest_for(held: dict[int, float], reps: int) -> float | None:
    """The heaviest load lifted for `reps` reps or more, if ever."""
    return max((kg for n, kg in held.items() if n >= reps), default=None)
