"""The load steps a lifter can take, learned from their log (TRAINING.md, "Load steps the lifter
can actually take")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.engine.steps import Grid, load_step
from core.models import Units
from core.units import lb_to_kg


def test_the_step_is_the_grid_of_the_loads_the_lifter_used() -> None:
    # Dumbbells of 15 / 17.5 / 20 kg step by 2.5 (the default dumbbell grid steps by 2).
    assert load_step([15.0, 17.5, 20.0, 17.5], Units.KG, "dumbbell") == pytest.approx(2.5)
    # 7.5 and 12.5 kg on a cable: its stack moves by 2.5, not the default 5.
    assert load_step([7.5, 12.5], Units.KG, "machine") == pytest.approx(2.5)
    # A cable stack of 1.25 kg steps.
    assert load_step([10.0, 11.25, 12.5], Units.KG, "other") == pytest.approx(1.25)


def test_an_lb_lifters_step_is_read_in_pounds() -> None:
    logged = [lb_to_kg(v) for v in (135, 140, 145)]  # as Hevy stores them: 61.235…, 63.503…
    assert load_step(logged, Units.LB, "barbell") == pytest.approx(lb_to_kg(5))
    assert load_step([round(kg, 2) for kg in logged], Units.LB, "barbell") == pytest.approx(
        lb_to_kg(5)
    ), "the export's 0.01 kg rounding is not a step"


def test_without_history_the_default_grid_serves() -> None:
    assert load_step([], Units.KG, "barbell") == 2.5
    assert load_step([60.0], Units.KG, "barbell") == 2.5, "one load says nothing about a step"
    assert load_step([60.0, 80.0], Units.KG, "barbell") == 2.5, "too far apart to be a step"
    assert load_step([], Units.LB, "machine") == pytest.approx(lb_to_kg(10))
    assert load_step([60.0, 60.3], Units.KG, "barbell") == 2.5, "logging noise is no step"


def test_a_grid_rounds_compares_and_steps_in_the_lifters_unit() -> None:
    grid = Grid.learned([], Units.LB, "barbell")
    assert grid.round(36.29) == pytest.approx(lb_to_kg(80))
    assert grid.up(36.29) == pytest.approx(lb_to_kg(85))
    assert grid.same(36.29, lb_to_kg(80)) and grid.same(lb_to_kg(80.05), lb_to_kg(80))
    assert not grid.same(lb_to_kg(80), lb_to_kg(82.5))
    assert grid.round(10.0) == pytest.approx(lb_to_kg(45)), "never below the bar"
    assert grid.text(lb_to_kg(80)) == "80 lb"
    cable = Grid.learned([10.0, 15.0], Units.KG, "machine")
    assert cable.big_step(10.0) and not cable.big_step(60.0)
    assert Grid.learned([], Units.KG, "none").round(20.0) is None


@given(
    st.sampled_from([Units.KG, Units.LB]),
    st.sampled_from(["barbell", "dumbbell", "machine", "kettlebell", "other"]),
    st.lists(st.integers(1, 200), max_size=6),
    st.floats(0, 400),
)
def test_every_rounded_load_is_on_the_grid_the_step_learned(
    units: Units, equipment: str, multiples: list[int], target: float
) -> None:
    unit = 2.5 if units == Units.KG else 5.0
    logged = [(m * unit) if units == Units.KG else lb_to_kg(m * unit) for m in multiples]
    grid = Grid.learned(logged, units, equipment)
    load = grid.round(target)
    assert load is not None
    shown = load if units == Units.KG else load * 2.20462
    assert abs(shown / grid.step - round(shown / grid.step)) < 1e-6
    assert grid.up(load) is not None and grid.up(load) > load


def test_a_bar_always_takes_its_plate_pair_even_when_it_is_over_10_percent() -> None:
    # The reps-first rule is for light cables and small dumbbells, not an empty bar.
    assert not Grid.learned([], Units.KG, "barbell").big_step(20.0)
    assert Grid.learned([], Units.KG, "dumbbell").big_step(10.0)


def test_two_loads_far_apart_on_no_kits_step_leave_the_default_grid() -> None:
    """122.45 and 187.55 kg on a cable share a 1.55 kg "step": no stack has it, and a target of
    187.55 kg followed it (hypothesis found it). Steps are whole quarter kilos or half pounds."""
    assert load_step([122.45, 187.55], Units.KG, "machine") == load_step([], Units.KG, "machine")
    grid = Grid.learned([122.45, 187.55], Units.KG, "machine")
    assert grid.round(187.55, "down") == 185.0
