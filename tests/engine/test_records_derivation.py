"""All-time PRs and rep-PRs as a lifter sees them are the same after the derivation was made
fast (it reads every set of a lifter with years of logs after each sync): checked against the
plain derivation it replaced, on generated lifters and on hand-made edge cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.e1rm import series_estimate
from core.engine.records import (
    BestSet,
    PersonalRecords,
    RepPR,
    all_time_prs,
    rep_prs,
    working,
)
from core.hevy.models import HevyWorkout
from core.models import SetRow, SetType
from sandbox.generator import Lifter, generate_workouts


def _plain_best_set(row: SetRow, est) -> BestSet:
    return BestSet(
        row.template_id,
        row.weight_kg or 0.0,
        row.reps or 0,
        row.rpe,
        row.start_time,
        row.workout_id,
        est,
    )


def plain_all_time_prs(rows, formula="auto") -> dict[str, PersonalRecords]:
    """The derivation before it was made fast, kept as the oracle."""
    heaviest: dict[str, BestSet] = {}
    best: dict[str, BestSet] = {}
    for row in sorted(working(rows), key=lambda r: (r.start_time, r.exercise_index, r.set_index)):
        if not row.weight_kg or not row.reps:
            continue
        tid = row.template_id
        est = series_estimate(row.weight_kg, row.reps, row.rpe, formula)
        if tid not in heaviest or row.weight_kg > heaviest[tid].weight_kg:
            heaviest[tid] = _plain_best_set(row, est)
        if est and (tid not in best or est.value > best[tid].estimate.value):
            best[tid] = _plain_best_set(row, est)
    return {tid: PersonalRecords(tid, h, best.get(tid)) for tid, h in heaviest.items()}


def plain_rep_prs(rows) -> list[RepPR]:
    """The rep-PR fold before it was made fast, kept as the oracle."""

    def heaviest_for(held: dict[int, float], reps: int) -> float | None:
        return max((kg for n, kg in held.items() if n >= reps), default=None)

    heaviest: dict[str, dict[int, float]] = {}
    before: dict[str, dict[int, float]] = {}
    current: dict[str, str] = {}
    found = []
    for row in sorted(working(rows), key=lambda r: (r.start_time, r.exercise_index, r.set_index)):
        if not row.weight_kg or not row.reps:
            continue
        tid = row.template_id
        held = heaviest.setdefault(tid, {})
        if current.get(tid) != row.workout_id:
            current[tid] = row.workout_id
            before[tid] = dict(held)
        best = heaviest_for(held, row.reps)
        if best is None or row.weight_kg > best + 1e-9:
            earlier = heaviest_for(before[tid], row.reps)
            found.append(
                RepPR(
                    tid,
                    row.reps,
                    row.weight_kg,
                    None if earlier is None else best,
                    row.start_time,
                    row.workout_id,
                    row.exercise_index,
                    row.set_index,
                )
            )
        held[row.reps] = max(held.get(row.reps, 0.0), row.weight_kg)
    return found


def generated_log() -> list[SetRow]:
    """Three generated lifters' two years in one log, as the store returns it: their workouts
    start at the same minutes, so sets of different workouts share start times."""
    rows = []
    for seed in (1, 2, 3):
        for n, raw in enumerate(generate_workouts(Lifter(seed=seed, weeks=104))):
            workout = HevyWorkout.model_validate(raw).to_domain()
            workout.id = f"s{seed}-{n}"
            rows += workout.set_rows()
    return sorted(rows, key=lambda r: (r.start_time, r.workout_id, r.exercise_index, r.set_index))


def test_records_and_rep_prs_of_a_generated_log_are_the_plain_derivations() -> None:
    rows = generated_log()
    assert len(rows) > 10_000
    for formula in ("auto", "rts", "brzycki"):
        assert all_time_prs(rows, formula) == plain_all_time_prs(rows, formula)
    found = rep_prs(rows)
    assert found == plain_rep_prs(rows)
    assert sum(p.previous_kg is not None for p in found) > 100  # records beaten, not only firsts


T0 = datetime(2026, 1, 5, 18, tzinfo=UTC)
a_set = st.builds(
    lambda day, workout, ex, i, tid, kind, kg, reps, rpe: SetRow(
        workout_id=f"w{day}-{workout}",
        start_time=T0 + timedelta(days=day),
        exercise_index=ex,
        set_index=i,
        template_id=tid,
        type=kind,
        weight_kg=kg,
        reps=reps,
        rpe=rpe,
    ),
    st.integers(0, 6),
    st.integers(0, 1),
    st.integers(0, 2),
    st.integers(0, 4),
    st.sampled_from(["A", "B"]),
    st.sampled_from(list(SetType)),
    st.one_of(st.none(), st.sampled_from([0.0, 20.0, 40.0, 40.0000000001, 60.0, 61.25])),
    st.one_of(st.none(), st.integers(0, 15)),
    st.one_of(st.none(), st.sampled_from([6.0, 7.5, 8.0, 9.5, 10.0])),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(a_set, max_size=40))
def test_records_and_rep_prs_of_odd_logs_are_the_plain_derivations(rows: list[SetRow]) -> None:
    """Ties, repeats, warm-ups, missing loads or reps, sets past the e1RM's range and two
    workouts on one day."""
    for formula in ("auto", "rts"):
        assert all_time_prs(rows, formula) == plain_all_time_prs(rows, formula)
    assert rep_prs(rows) == plain_rep_prs(rows)
