"""The Progress chart's columns: breaks in training stay breaks, the first session is no
record, every point names the sets behind it, in the lifter's units."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.web.miniapp.progress import chart_columns, chart_windows
from core.engine.patterns import BREAK, Exposure, exposures
from core.models import SetRow, SetType, Units

T0 = datetime(2025, 1, 6, 18, tzinfo=UTC)


def row(day: int, kg: float, reps: int, workout: str, kind: SetType = SetType.NORMAL) -> SetRow:
    return SetRow(
        workout_id=workout, start_time=T0 + timedelta(days=day), exercise_index=0,
        template_id="BENCH", title="Bench", set_index=0, type=kind, weight_kg=kg, reps=reps,
    )  # fmt: skip


def test_an_exposure_carries_its_best_set_and_its_heaviest_set() -> None:
    rows = [
        row(0, 60.0, 8, "a", SetType.WARMUP),
        row(0, 100.0, 1, "a"),  # heaviest, but 90 × 8 estimates higher
        row(0, 90.0, 8, "a"),
    ]
    (only,) = exposures(rows, "BENCH")
    assert (only.weight_kg, only.reps) == (90.0, 8)
    assert (only.heaviest_kg, only.heaviest_reps) == (100.0, 1)


def test_a_long_break_is_a_gap_and_the_first_point_is_no_record() -> None:
    back = T0 + timedelta(weeks=1) + BREAK + timedelta(days=1)
    series = [
        Exposure(T0, "a", 100.0, 85.0, 5, 8.0, 90.0, 3),
        Exposure(T0 + timedelta(weeks=1), "b", 102.0, 87.5, 5, None, 87.5, 5),
        Exposure(back, "c", 95.0, 80.0, 5, None, 80.0, 5),
        Exposure(T0 + timedelta(weeks=12), "d", 104.0, 90.0, 5, None, 90.0, 5),
    ]  # fmt: skip
    columns = chart_columns(series, Units.KG, "Europe/Berlin")
    assert len(columns["x"]) == 5  # four sessions and one break
    assert columns["e1rm"] == [100.0, 102.0, None, 95.0, 104.0]
    assert columns["heaviest"][2] is None and columns["label"][2] is None
    assert columns["pr"] == [None, 102.0, None, None, 104.0]
    assert columns["x"] == sorted(columns["x"])
    assert columns["label"][0] == (
        "Mon 6 Jan 2025: e1RM 100 kg from 85 kg × 5 @ RPE 8; heaviest 90 kg × 3"
    )
    assert columns["label"][1].endswith("· new best")
    assert columns["workouts"] == ["a", "b", "c", "d"]


def test_columns_are_in_the_lifters_units() -> None:
    series = [Exposure(T0, "a", 100.0, 90.0, 3, None, 90.0, 3)]
    columns = chart_columns(series, Units.LB, "UTC")
    assert columns["units"] == "lb" and columns["e1rm"] == [220.5]
    assert "from 198.42 lb × 3" in columns["label"][0]


def test_new_bests_never_mark_the_first_session_and_runs_cut_at_breaks() -> None:
    from core.engine.patterns import new_bests, runs

    at = [T0, T0 + timedelta(weeks=1), T0 + timedelta(weeks=1) + BREAK, T0 + timedelta(weeks=30)]
    series = [
        Exposure(t, str(i), e) for i, (t, e) in enumerate(zip(at, (90, 95, 95, 97), strict=True))
    ]
    assert new_bests(series) == [False, True, False, True]
    assert [[e.workout_id for e in run] for run in runs(series)] == [["0", "1", "2"], ["3"]]
    assert new_bests([]) == [] and runs([]) == []


def test_ranges_count_back_from_today_so_a_long_break_shows() -> None:
    first, last = T0, T0 + timedelta(weeks=40)  # then away for five months
    today = last + timedelta(days=150)
    windows = chart_windows(first, last, today)
    day = 86400
    for days in ("91", "365", "0"):
        assert windows[days]["end"] == today.timestamp(), "every range ends today"
    assert windows["91"]["start"] == today.timestamp() - 91 * day  # after the last session
    assert windows["91"]["start"] > last.timestamp(), "3 M holds only the break"
    assert windows["365"]["start"] == today.timestamp() - 365 * day
    assert windows["0"]["start"] == first.timestamp()


def test_a_range_longer_than_the_log_starts_at_the_first_session() -> None:
    windows = chart_windows(T0, T0 + timedelta(days=20), T0 + timedelta(days=21))
    assert windows["91"]["start"] == windows["365"]["start"] == T0.timestamp()
    assert windows["91"]["end"] == (T0 + timedelta(days=21)).timestamp()
