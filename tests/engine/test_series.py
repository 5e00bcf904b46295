"""One estimator per series: whether a lifter logs RPE never moves a trend, a stall or a PR."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.patterns import detect_stall, exposures
from core.engine.records import all_time_prs
from core.models import SetRow

SQUAT = "D04AC939"
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)

a_set = st.tuples(
    st.sampled_from([60.0, 80.0, 90.0, 92.5, 100.0, 110.0]),
    st.integers(1, 12),
    st.one_of(st.none(), st.sampled_from([6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0])),
)
sessions = st.lists(st.lists(a_set, min_size=1, max_size=4), min_size=2, max_size=12)


def rows(log: list[list[tuple[float, int, float | None]]], rpe: str) -> list[SetRow]:
    """The log as set rows, with RPE as logged ("as"), never ("none"), or always ("all")."""
    out = []
    for n, session in enumerate(log):
        for i, (kg, reps, logged) in enumerate(session):
            value = {"as": logged, "none": None, "all": logged or 8.0}[rpe]
            out.append(
                SetRow(workout_id=f"w{n}", start_time=T0 + timedelta(days=3 * n),
                       exercise_index=0, template_id=SQUAT, set_index=i,
                       weight_kg=kg, reps=reps, rpe=value)
            )  # fmt: skip
    return out


def verdicts(set_rows: list[SetRow]) -> tuple:
    series = exposures(set_rows, SQUAT)
    trend = (series[-1].e1rm > series[0].e1rm) - (series[-1].e1rm < series[0].e1rm)
    now = set_rows[-1].start_time
    stall = detect_stall(set_rows, SQUAT, now) is not None
    best = all_time_prs(set_rows)[SQUAT].best_e1rm
    return trend, stall, (best.workout_id, best.weight_kg, best.reps)


@given(log=sessions)
@settings(max_examples=300, deadline=None)
def test_logging_rpe_or_not_never_changes_a_trend_a_stall_or_a_pr(log) -> None:
    logged = verdicts(rows(log, "as"))
    assert verdicts(rows(log, "none")) == logged
    assert verdicts(rows(log, "all")) == logged


def test_the_same_weight_and_reps_read_the_same_with_and_without_rpe() -> None:
    # TRAINING.md's example: squat 90 × 5 read 105.0 without RPE and 114.5 at RPE 7 when the
    # series mixed the RPE chart and Epley: "progress" from nothing.
    log = [[(90.0, 5, None)], [(90.0, 5, 7.0)]]
    first, second = exposures(rows(log, "as"), SQUAT)
    assert first.e1rm == second.e1rm == 105.0


def test_a_sessions_heaviest_set_counts_every_working_set_and_then_the_most_reps() -> None:
    # 40.82 kg (90 lb) × 15 is past e1RM's 12-rep limit, yet it is the session's heaviest set.
    (session,) = exposures(
        rows([[(40.82, 12, None), (40.82, 15, None), (35.0, 10, None)]], "as"), SQUAT
    )
    assert (session.heaviest_kg, session.heaviest_reps) == (40.82, 15)
    assert (session.weight_kg, session.reps) == (40.82, 12)  # the e1RM still comes from ≤ 12 reps
