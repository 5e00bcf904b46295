"""Supersets (TRAINING.md, "Session design"): antagonists or non-competing pairs share one
rest "where minutes are tight, never for two heavy compounds or two exercises that tire the same
muscle". A knee + shoulder lifter on 3 × 60 got a barbell row 4 × 8 at 75 kg paired with a leg
press, and a deadlift with a landmine press, on a day of 44 of 60 minutes."""

from __future__ import annotations

from itertools import combinations

import pytest

from core.engine.generator import generate_plan
from core.engine.lifter import LifterHistory
from core.engine.loads import LoadingProfile
from core.engine.plan import timed
from core.engine.session_time import session_minutes
from core.engine.supersets import loaded_compound, superset_problem
from core.models import Preferences, Units
from tests.engine.test_coach_checklist import CATALOGUE, GYM, history_rows


def _by_title(title: str):
    return next(t for t in CATALOGUE.values() if t.title == title)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bent Over Row (Barbell)", "Leg Press (Machine)"),
        ("Romanian Deadlift (Barbell)", "Single Arm Landmine Press (Barbell)"),
    ],
)
def test_two_heavily_loaded_compounds_make_no_superset(a: str, b: str) -> None:
    assert superset_problem(_by_title(a), 8, _by_title(b), 8)
    # a row with an isolation lift is still a fair pair
    assert not superset_problem(_by_title(a), 8, _by_title("Standing Calf Raise (Machine)"), 10)


@pytest.mark.parametrize("goal", ["hypertrophy", "general", "strength"])
@pytest.mark.parametrize("kind", ["strength", "regular", None])
def test_supersets_only_where_the_day_cannot_fit_its_sets_and_never_two_heavy_compounds(
    kind: str | None, goal: str
) -> None:
    prefs = Preferences(goal=goal, days_per_week=3, session_minutes=60, equipment=GYM,
                        injuries=["knee", "shoulder"])  # fmt: skip
    plan = generate_plan(
        prefs,
        CATALOGUE,
        LoadingProfile.for_units(Units.KG),
        LifterHistory.from_rows(history_rows(kind)),
    )
    for day in plan.training_weeks[-1].days:
        groups: dict[int, list] = {}
        for ex in day.exercises:
            if ex.superset is not None:
                groups.setdefault(ex.superset, []).append(ex)
        if not groups:
            continue
        for members in groups.values():
            for x, y in combinations(members, 2):
                tx, ty = CATALOGUE[x.template_id], CATALOGUE[y.template_id]
                assert not (
                    loaded_compound(tx, x.rep_low or x.reps)
                    and loaded_compound(ty, y.rep_low or y.reps)
                ), (day.name, tx.title, ty.title)
        # as straight sets, at the longest the sets get in the block (the top of the range)
        straight = session_minutes(
            timed(ex.model_copy(update={"superset": None, "reps": ex.rep_high or ex.reps}))
            for ex in day.exercises
        )
        assert straight > prefs.session_minutes, (day.name, day.estimated_minutes, straight)
