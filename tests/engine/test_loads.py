"""Loads the lifter can actually lift, in the units they think in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.engine.loads import LoadingProfile, format_load, is_loadable, round_load
from core.models import Units
from core.units import LB_PER_KG, lb_to_kg

KG = LoadingProfile.for_units(Units.KG)
LB = LoadingProfile.for_units(Units.LB)
EQUIPMENT = ("barbell", "dumbbell", "machine", "kettlebell", "plate", "other")


@given(
    target=st.floats(min_value=0, max_value=400, allow_nan=False),
    equipment=st.sampled_from(EQUIPMENT),
    profile=st.sampled_from([KG, LB]),
    mode=st.sampled_from(["nearest", "down"]),
)
def test_rounding_always_yields_a_loadable_weight(target, equipment, profile, mode) -> None:
    load = round_load(target, equipment, profile, mode)
    assert load is not None and is_loadable(load, equipment, profile)


@given(target=st.floats(min_value=21, max_value=400, allow_nan=False))
def test_barbell_loads_are_bar_plus_pairs_of_plates(target: float) -> None:
    kg = round_load(target, "barbell", KG)
    assert ((kg - 20) / 2.5) == pytest.approx(round((kg - 20) / 2.5), abs=1e-9)
    assert abs(kg - target) <= 1.25 + 1e-9
    down = round_load(target, "barbell", KG, "down")
    assert down <= target + 1e-9 and target - down < 2.5


@given(target=st.floats(min_value=21, max_value=400, allow_nan=False))
def test_lb_lifters_get_lb_round_targets_converted_once(target: float) -> None:
    kg = round_load(target, "barbell", LB)
    pounds = kg * LB_PER_KG
    assert pounds == pytest.approx(round(pounds), abs=1e-9)
    assert round(pounds) % 5 == 0
    assert format_load(kg, Units.LB) == f"{round(pounds)} lb"


def test_examples_a_lifter_would_check() -> None:
    assert round_load(81.0, "barbell", KG) == 80.0
    assert round_load(81.3, "barbell", KG) == 82.5
    assert round_load(81.3, "barbell", KG, "down") == 80.0
    assert round_load(23.5, "dumbbell", KG) == 24.0
    assert round_load(23.0, "dumbbell", KG) == 22.0, "a tie rounds down"
    assert round_load(47.0, "machine", KG) == 45.0
    assert round_load(61.235, "barbell", LB) == pytest.approx(135 / LB_PER_KG)
    assert round_load(50, "none", KG) is None
    assert format_load(82.5, Units.KG) == "82.5 kg" and format_load(None, Units.KG) == "bodyweight"


def test_a_custom_plate_set_is_respected() -> None:
    home = LoadingProfile(bar=15.0, plates=(10.0, 5.0, 2.0))
    assert round_load(36.0, "barbell", home) == 35.0  # 15 + 2 × (5 + 5)
    assert round_load(37.0, "barbell", home) == 37.0  # 15 + 2 × (5 + 2 + 2 + 2)
    assert round_load(16.0, "barbell", home) == 15.0
    assert not is_loadable(16.0, "barbell", home)


def test_typed_loads_are_read_in_the_lifters_units() -> None:
    from core.engine.loads import parse_load

    assert parse_load("100", Units.KG) == 100
    assert parse_load("102,5 kg", Units.LB) == 102.5
    assert parse_load("225lb", Units.KG) == pytest.approx(225 / LB_PER_KG)
    assert parse_load("135", Units.LB) == pytest.approx(61.235042773811365)
    with pytest.raises(ValueError, match="not a weight"):
        parse_load("heavy", Units.KG)


def test_a_bar_takes_as_much_in_lb_as_in_kg() -> None:
    """A 293 kg squatter in lb got 550 lb, a load the 250-lb-a-side cap called unloadable."""
    lb = LoadingProfile.for_units(Units.LB)
    assert is_loadable(lb_to_kg(550.0), "barbell", lb)
    assert round_load(lb_to_kg(1_100.0), "barbell", lb) == pytest.approx(lb_to_kg(1_100.0))
