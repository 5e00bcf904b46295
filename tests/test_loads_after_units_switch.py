"""After a switch of units, the live plan's loads (planned in the old units until the next week
re-rounds them) read as loads the lifter can put on the bar: the nearest on their new plates,
marked "≈", never "220.46 lb" or "102.06 kg". Loads on the lifter's grid read as before."""

from __future__ import annotations

from core.engine.loads import format_load
from core.engine.plan import PlanDay, PlannedExercise
from core.engine.plan_text import outline_day, prescription
from core.engine.progression import RpeTopSet
from core.models import ExerciseTemplate, Units
from core.units import lb_to_kg

SQUAT = ExerciseTemplate(id="sq", title="Squat (Barbell)", equipment="barbell")
CURL = ExerciseTemplate(id="dc", title="Bicep Curl (Dumbbell)", equipment="dumbbell")


def load(kg: float, template: ExerciseTemplate, units: Units, **extra) -> str:
    ex = PlannedExercise(template_id=template.id, sets=3, reps=5, load_kg=kg, **extra)
    return prescription(ex, template, units).load


def test_a_kg_plan_read_in_lb_shows_the_nearest_pounds_a_bar_takes() -> None:
    assert load(100.0, SQUAT, Units.LB) == "≈ 220 lb"  # 220.46 lb
    assert load(14.0, CURL, Units.LB) == "≈ 30 lb"  # 30.86 lb: dumbbells go in 5 lb
    top_set = RpeTopSet(top_reps=5, top_rpe=8, backoff_share=0.9)
    assert load(100.0, SQUAT, Units.LB, progression=top_set) == (
        "top set ≈ 220 lb, back-offs 200 lb"
    )


def test_an_lb_plan_read_in_kg_shows_the_nearest_kilograms() -> None:
    assert load(lb_to_kg(225), SQUAT, Units.KG) == "≈ 102.5 kg"  # 102.06 kg


def test_loads_on_the_lifters_grid_or_their_own_kit_read_as_planned() -> None:
    assert load(100.0, SQUAT, Units.KG) == "100 kg"
    assert load(lb_to_kg(225), SQUAT, Units.LB) == "225 lb"
    assert load(22.5, CURL, Units.KG) == "22.5 kg"  # their own dumbbells, on neither grid
    assert format_load(100.0, Units.LB) == "220.46 lb"  # a logged set stays what was lifted


def test_the_chat_day_outline_shows_the_near_load_too() -> None:
    day = PlanDay(
        key="a",
        name="Lower",
        exercises=[PlannedExercise(template_id="sq", sets=3, reps=5, load_kg=100.0)],
    )
    (line,) = outline_day(day, {"sq": SQUAT}, Units.LB).lines
    assert "≈\u00a0220\u00a0lb" in line.detail, line.detail
