"""e1RM against the formulas and the RTS table as TRAINING.md states them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.engine.e1rm import RTS_CHART, brzycki, epley, estimate, load_for, rts_percentage


def chart_from_training_md(shared: Path) -> dict[tuple[int, float], float]:
    """The RTS table read out of ../shared/docs/TRAINING.md (independent of the pinned copy)."""
    text = (shared / "docs" / "TRAINING.md").read_text()
    header = re.search(r"^\| reps \|(.+)\|$", text, re.M)
    rpes = [float(c) for c in header.group(1).split("|")]
    chart = {}
    for match in re.finditer(r"^\| (\d+) \|(.+)\|$", text, re.M):
        for rpe, pct in zip(rpes, match.group(2).split("|"), strict=True):
            chart[(int(match.group(1)), rpe)] = float(pct)
    return chart


def test_every_rts_cell_matches_the_documented_table(shared: Path) -> None:
    documented = chart_from_training_md(shared)
    assert len(documented) == 80
    for (reps, rpe), pct in documented.items():
        assert rts_percentage(reps, rpe) == pytest.approx(pct, abs=0.1), (reps, rpe)
        assert estimate(100.0, reps, rpe).value == pytest.approx(100 / (pct / 100), rel=1e-3)
    assert set(RTS_CHART) == set(documented)


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [(100, 1, 100.0), (100, 5, 116.6667), (80, 8, 101.3333), (60, 10, 80.0), (142.5, 3, 156.75)],
)
def test_epley_matches_hand_computed_values(weight: float, reps: int, expected: float) -> None:
    assert epley(weight, reps) == pytest.approx(expected, abs=1e-3)
    assert estimate(weight, reps).value == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [(100, 1, 100.0), (100, 5, 112.5), (80, 8, 99.3103), (60, 10, 80.0)],
)
def test_brzycki_matches_hand_computed_values(weight: float, reps: int, expected: float) -> None:
    assert brzycki(weight, reps) == pytest.approx(expected, abs=1e-3)
    assert estimate(weight, reps, formula="brzycki").value == pytest.approx(expected, abs=1e-3)


def test_the_formula_is_a_parameter_and_auto_prefers_the_chart() -> None:
    assert estimate(100, 5, 8).method == "rts"
    assert estimate(100, 5, 8).value == pytest.approx(100 / 0.811)
    assert estimate(100, 5, 8, formula="epley").value == pytest.approx(epley(100, 5))
    assert estimate(100, 5, None).method == "epley"
    assert estimate(100, 5, None, formula="rts").note == "no RPE logged: Epley used"


def test_edges_single_rep_many_reps_missing_data() -> None:
    assert estimate(180, 1).value == 180 and estimate(180, 1).method == "single"
    assert estimate(180, 1, 10).value == pytest.approx(180)
    assert estimate(50, 13) is None, "above 12 reps says little about a max"
    assert estimate(None, 5) is None and estimate(100, None) is None
    assert estimate(0, 5) is None and estimate(100, 0) is None


def test_outside_the_chart_falls_back_to_epley_on_effective_reps_and_says_so() -> None:
    eleven = estimate(60, 11, 9)
    assert eleven.method == "epley" and eleven.value == pytest.approx(epley(60, 12))
    assert "outside the RPE chart" in eleven.note
    rpe_six = estimate(100, 5, 6)
    assert rpe_six.value == pytest.approx(epley(100, 9)) and rpe_six.note


def test_load_for_inverts_the_chart() -> None:
    assert load_for(200, 5, 8) == pytest.approx(162.2)
    for (reps, rpe), _pct in RTS_CHART.items():
        assert estimate(load_for(150, reps, rpe), reps, rpe).value == pytest.approx(150)
