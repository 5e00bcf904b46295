"""The one time model against TRAINING.md's clock ("Session design", "Building a plan": sets ×
(work + rest) + warm-ups + changeovers). It used to rest only between sets, so a beginner's
3 × 60 plan a coach counts at ~72 minutes was shown as ~55 (issue 24)."""

from __future__ import annotations

from core.engine.session_time import Work, session_minutes, session_seconds


def test_every_working_set_is_followed_by_its_rest() -> None:
    # 3 × 10 at 120 s rest after a two-set ramp: 1.5 min changeover, 2 min of warm-ups,
    # 3 × (40 s + 120 s) of work and rest = 11.5 min (was 9.5: the last rest went uncounted)
    assert session_seconds([Work(sets=3, reps=10, rest=120, warmups=2)]) == 90 + 120 + 3 * 160


def test_a_beginners_hour_counts_as_a_coach_counts_it() -> None:
    """Three 3 × 5 barbell lifts at 180 s with a ramp each, then three 3 × 10 accessories at
    90 s: a coach's count is ~64 min (the old model said 51)."""
    day = [Work(sets=3, reps=5, rest=180, warmups=2)] * 3 + [Work(sets=3, reps=10, rest=90)] * 3
    coach = 3 * (90 + 120 + 3 * (20 + 180)) + 3 * (90 + 3 * (40 + 90))
    assert session_seconds(day) == coach == 3870
    assert session_minutes(day) == 64


def test_a_superset_rests_once_after_each_round() -> None:
    pair = [Work(sets=3, reps=10, rest=60, superset=0), Work(sets=3, reps=12, rest=90, superset=0)]
    assert session_seconds(pair) == 90 + 3 * 40 + 3 * 48 + 3 * 90
