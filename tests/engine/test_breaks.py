"""TRAINING.md, "Return from a break": the table, row by row, counted from today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.engine.breaks import bands_for, comeback

TODAY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weeks_off", "first", "full_by", "volume"),
    [
        (1, 1.0, 1, "planned"),  # < 2 weeks: as planned
        (3, 0.925, 2, "planned"),  # 2–4 weeks: ~90–95 %, 1–2 weeks back
        (8, 0.85, 3, "lower_half"),  # 1–3 months: ~85 %, 2–3 weeks
        (20, 0.775, 4, "floor"),  # 3–6 months: ~75–80 %, 3–4 weeks
        (34, 0.7, 4, "floor"),  # > 6 months: ~70 %, 4 weeks
    ],
)
def test_the_first_week_ramp_and_volume_follow_the_table(
    weeks_off: int, first: float, full_by: int, volume: str
) -> None:
    back = comeback(TODAY - timedelta(weeks=weeks_off, days=1), TODAY)
    assert (back.first_share, back.full_by, back.volume) == (first, full_by, volume)
    assert back.share(1) == first and back.share(full_by) == 1.0
    shares = [back.share(w) for w in range(1, 6)]
    assert shares == sorted(shares)  # back up week by week, never down


def test_the_plan_says_it_in_one_sentence() -> None:
    back = comeback(TODAY - timedelta(weeks=34, days=3), TODAY)
    assert back.sentence() == (
        "34 weeks since your last session: week 1 at ~70 %, back to full by week 4"
    )
    assert [round(back.share(w), 2) for w in (1, 2, 3, 4)] == [0.7, 0.8, 0.9, 1.0]


def test_volume_after_a_break_is_the_lower_half_or_the_floor_of_the_band() -> None:
    bands = {"chest": (10.0, 20.0)}
    assert bands_for(bands, "planned") == bands
    assert bands_for(bands, "lower_half") == {"chest": (10.0, 15.0)}
    assert bands_for(bands, "floor") == {"chest": (10.0, 10.0)}
