"""The chart photos /progress and /week send, at a phone's width: 5 in wide at 216 dpi (Telegram
shows a photo ~360 pt wide, so an 11 pt label reads as 11 pt), and /week's caption without
space alignment. With $SPOTTER_SCREENSHOTS set they are written there as docs/chat keeps them
(`SPOTTER_SCREENSHOTS=$PWD/docs/chat .venv/bin/pytest tests/test_chat_charts.py`)."""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.telegram.charts import progress_chart, week_chart
from bot.telegram.reports import week_text
from core.engine.patterns import Exposure
from core.engine.volume import MuscleVolume
from core.models import Units

T0 = datetime(2024, 11, 4, 18, tzinfo=UTC)
WEEK = [
    MuscleVolume("chest", 8, 10, 20, 6.0), MuscleVolume("back", 4, 10, 20, 8.0),
    MuscleVolume("quads", 0, 8, 18, 0.0), MuscleVolume("hamstrings", 3, 6, 14, 2.0),
    MuscleVolume("shoulders", 6, 6, 16, 4.0), MuscleVolume("biceps", 4, 4, 12, None),
    MuscleVolume("triceps", 2, 4, 12, 3.0), MuscleVolume("calves", 2, None, None),
]  # fmt: skip


def size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def keep(name: str, png: bytes) -> None:
    if target := os.environ.get("SPOTTER_SCREENSHOTS"):
        (Path(target) / name).write_bytes(png)


def test_the_progress_photo_is_phone_sized_and_keeps_a_break() -> None:
    series = [
        Exposure(T0 + timedelta(days=4 * i + (120 if i > 25 else 0)), str(i),
                 90 + i * 0.6 + i % 3, 80.0, 5, None, 82.5, 3)
        for i in range(40)
    ]  # fmt: skip
    png = progress_chart("Bench Press (Barbell)", series, Units.KG)
    assert size(png)[0] == 1080
    keep("progress.png", png)


def test_the_week_photo_is_phone_sized_with_a_caption_a_proportional_font_keeps() -> None:
    png = week_chart(WEEK, "14 Jul")
    assert size(png)[0] == 1080
    keep("week.png", png)
    caption = week_text(WEEK, "14 Jul")
    assert "  " not in caption, "no spaces for alignment"
    assert "• back 4 of 10–20 · below, 8 due by now" in caption.splitlines()
    assert "• calves 2" in caption.splitlines()


def test_a_week_with_nothing_logged_says_since_when_not_on_track() -> None:
    zeros = [MuscleVolume("chest", 0, 10, 20, 0.0), MuscleVolume("back", 0, 10, 20, 0.0)]
    said = week_text(zeros, "30 Nov", "23 May")
    assert said == "No hard sets logged in the week of 30 Nov yet. Nothing logged since 23 May."
    assert "on track" not in said
