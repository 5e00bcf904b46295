"""What plans read from a log: staples by recent sets, starting loads from rep-matched work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.engine.e1rm import epley, load_for
from core.engine.lifter import LifterHistory
from core.models import SetRow, SetType

END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def row(tid: str, weeks_ago: float, kg: float, reps: int, kind=SetType.NORMAL) -> SetRow:
    at = END - timedelta(weeks=weeks_ago)
    return SetRow(
        workout_id=f"{tid}-{weeks_ago}", start_time=at, exercise_index=0, template_id=tid,
        set_index=0, type=kind, weight_kg=kg, reps=reps,
    )  # fmt: skip


def test_the_starting_load_is_the_median_of_recent_sets_at_a_similar_rep_count() -> None:
    history = LifterHistory.from_rows(
        [
            row("BENCH", 10, 120.0, 8),  # older than six weeks: not recent work
            row("BENCH", 5, 80.0, 8),
            row("BENCH", 3, 82.5, 9),
            row("BENCH", 1, 85.0, 10),
            row("BENCH", 1, 100.0, 3),  # a heavy single-digit set, far from 8–12
            row("BENCH", 0, 60.0, 10, SetType.WARMUP),
        ]
    )
    start = history.working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.source == "matched"
    assert start.kg == 82.5 and start.sets == 3


def test_sets_above_twelve_reps_still_give_a_load() -> None:
    history = LifterHistory.from_rows([row("RAISE", w, 8.0, 18) for w in (1, 2, 3)])
    start = history.working_load("RAISE", 12, 16, 8.0)
    assert start is not None and start.kg == 8.0  # 18 reps is within 2 of 16
    far = history.working_load("RAISE", 3, 5, 8.0)
    assert far is not None and far.source == "e1rm"
    assert far.kg == pytest.approx(load_for(epley(8.0, 18), 3, 8.0))


def test_an_exercise_not_trained_for_months_starts_at_ninety_percent() -> None:
    history = LifterHistory.from_rows([row("ROW", 20, 70.0, 10), row("SQUAT", 0, 100.0, 5)])
    start = history.working_load("ROW", 8, 12, 8.0)
    assert start is not None and start.kg == pytest.approx(63.0) and start.weeks_since == 20


def test_staples_rank_by_the_last_twelve_weeks_then_all_time() -> None:
    history = LifterHistory.from_rows(
        [row("OLD", 30, 50.0, 10)] * 40
        + [row("NEW", 2, 50.0, 10)] * 5
        + [row("BW", 1, 0.0, 12)] * 3  # bodyweight sets count as training, give no load
    )
    assert history.staple_rank("NEW") > history.staple_rank("OLD") > history.staple_rank("X")
    assert history.favourites({"OLD", "NEW", "BW"}, count=2) == {"NEW", "BW"}
    assert history.trained("BW") and history.working_load("BW", 8, 12, 8.0) is None
    assert LifterHistory().working_load("NEW", 8, 12, 8.0) is None
