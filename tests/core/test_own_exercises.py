"""A lifter without Hevy Pro: the bundled catalogue maps their export, titles it lacks become
their own exercises (muscles guessed, correctable), and a later Hevy link keeps them."""

from __future__ import annotations

import pytest

from core.engine.catalogue import builtin_catalogue, guess_template, is_local, local_id
from core.engine.loads import likely_units
from core.engine.plan_text import GLOSSARY
from core.models import ExerciseTemplate, HevyCredential, Units, User
from core.services.catalogue import NotYourExercise, set_muscle, user_catalogue
from core.services.csv_import import import_csv
from core.services.insights import Insights
from core.services.plans import PlanService
from core.services.sync import SyncService
from core.units import lb_to_kg
from tests.hevy.test_csv_import import export

USER = 8


@pytest.mark.parametrize(
    ("title", "muscle", "like"),
    [
        ("weighted decline pushups", "chest", "Decline Push Up"),
        ("Hollow Body Rocks", "abdominals", "Hollow Rock"),
        ("Meadows Row", "upper_back", "Meadows Rows (Barbell)"),
        ("Spoto Press", "other", None),  # one word in common is too little to go on
        ("foam rolling", "other", None),
    ],
)
def test_a_title_no_catalogue_knows_gets_the_muscles_of_its_closest_builtin(
    title: str, muscle: str, like: str | None
) -> None:
    template, source = guess_template(title, "weight_reps")
    assert (template.primary_muscle_group, source and source.title) == (muscle, like)
    assert template.id == local_id(title) and template.is_custom and template.title == title
    assert template.type == "weight_reps", "the lifter's way of logging it, not the look-alike's"


def test_units_are_read_from_loads_round_in_the_gyms_plates() -> None:
    assert likely_units([lb_to_kg(p) for p in (135, 185, 225, 45, 25)]) == Units.LB
    assert likely_units([60, 80, 100, 22.5, 12.5]) == Units.KG
    assert likely_units([60, 100]) is None, "two loads say too little"
    assert likely_units([60, 80, lb_to_kg(135), lb_to_kg(185)]) is None, "a mixed log says nothing"


def test_every_plan_term_fits_a_telegram_alert() -> None:
    for label, meaning in GLOSSARY.values():
        assert len(f"{label}: {meaning}") <= 200


async def test_an_export_without_a_link_maps_plans_and_keeps_own_exercises(sqlite_store) -> None:
    store = sqlite_store
    await store.users.put(User(id=USER, chat_id=USER, units=Units.LB))
    workouts = [
        {
            "title": "Push",
            "description": "",
            "start_time": f"2026-04-{day:02d}T16:50:00+00:00",
            "end_time": f"2026-04-{day:02d}T17:50:00+00:00",
            "exercises": [
                {
                    "title": title,
                    "superset_id": None,
                    "notes": "",
                    "sets": [
                        {
                            "index": 0,
                            "type": "normal",
                            "weight_kg": lb_to_kg(w),
                            "reps": 8,
                            "distance_meters": None,
                            "duration_seconds": None,
                            "rpe": None,
                        }
                    ],
                }
                for title, w in (("Bench Press (Barbell)", 135), ("Spoto Press", 115))
            ],
        }
        for day in (6, 8, 10)
    ]
    result = await import_csv(store, USER, export(workouts, "lb"), "UTC")
    assert result.unmapped == {"Spoto Press": 3}, "the bundled catalogue maps the bench press"
    spoto = local_id("Spoto Press")
    catalogue = await user_catalogue(store, USER)
    assert len(catalogue) == len(builtin_catalogue()) + 1 and catalogue[spoto].is_custom

    with pytest.raises(NotYourExercise):
        await set_muscle(store, USER, "79D0BB3A", "biceps")  # Hevy's bench press is not ours
    fixed = await set_muscle(store, USER, spoto, "chest")
    assert (
        (await store.templates.get(USER, spoto)).primary_muscle_group
        == "chest"
        == (fixed.primary_muscle_group)
    )
    again = await import_csv(store, USER, export(workouts, "lb"), "UTC")
    assert again.created == [], "a second import knows its own exercises"
    assert (await store.templates.get(USER, spoto)).primary_muscle_group == "chest"

    proposal = await PlanService(store, Insights(store)).propose(USER)
    assert proposal.refused is None and proposal.plan is not None, "no link, still a plan"

    class Hevy:  # a later link: Hevy's catalogue replaces the cache, our own exercises stay
        async def exercise_templates(self):
            from core.hevy.models import HevyTemplate

            return [HevyTemplate(id="79D0BB3A", title="Bench Press (Barbell)", type="weight_reps",
                                 primary_muscle_group="chest", is_custom=False)]  # fmt: skip

    from core.models import SyncState

    await SyncService(store).refresh_templates(USER, Hevy(), SyncState(user_id=USER))
    kept = {t.id for t in await store.templates.list(USER)}
    assert kept == {"79D0BB3A", spoto}

    plans = PlanService(store, Insights(store))
    assert spoto in await plans._plannable(USER), "no link: plans may use our own exercises"
    await store.credentials.put(HevyCredential(user_id=USER, ciphertext="sealed"))
    assert spoto not in await plans._plannable(USER)
    linked = await plans.propose(USER)
    used = {
        e["template_id"]
        for w in linked.plan.body["weeks"]
        for d in w["days"]
        for e in d["exercises"]
    }
    assert not any(is_local(i) for i in used), "Hevy would refuse a routine naming our own"


def test_own_ids_fit_telegram_callback_data() -> None:
    own = ExerciseTemplate(id=local_id("x" * 500), title="x" * 500)
    assert len(f"mus:{own.id}:lower_back".encode()) <= 64
