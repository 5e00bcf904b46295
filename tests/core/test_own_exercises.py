"""A lifter without Hevy Pro: the bundled catalogue maps their export, titles it lacks become
their own exercises (muscles guessed, correctable), and a later Hevy link keeps them."""

from __future__ import annotations

import pytest

from core.engine.catalogue import builtin_catalogue, guess_template, is_local, local_id
from core.engine.loads import likely_units
from core.engine.plan_text import GLOSSARY
from core.models import ExerciseTemplate, HevyCredential, Units, User
from core.services.catalogue import NotYourExercise, own_exercises, set_muscle, user_catalogue
from core.services.csv_import import import_csv
from core.services.insights import Insights
from core.services.plans import PlanService
from core.services.sync import SyncService
from core.units import lb_to_kg
from tests.hevy.test_csv_import import export

USER = 8


def session(title: str, day: int, loads: list[tuple[str, float]], reps: int = 5) -> dict:
    """An API workout on 2026-04-`day` with one set of each (exercise title, kg)."""
    return {
        "title": title,
        "description": "",
        "start_time": f"2026-04-{day:02d}T16:50:00+00:00",
        "end_time": f"2026-04-{day:02d}T17:50:00+00:00",
        "exercises": [
            {
                "title": exercise,
                "superset_id": None,
                "notes": "",
                "sets": [
                    {
                        "index": 0,
                        "type": "normal",
                        "weight_kg": kg,
                        "reps": reps,
                        "distance_meters": None,
                        "duration_seconds": None,
                        "rpe": None,
                    }
                ],
            }
            for exercise, kg in loads
        ],
    }


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
    loads = [("Bench Press (Barbell)", lb_to_kg(135)), ("Spoto Press", lb_to_kg(115))]
    workouts = [session("Push", day, loads, reps=8) for day in (6, 8, 10)]
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


@pytest.mark.parametrize(
    ("title", "stored_id"),
    [
        ("Spoto Press", "custom-eef686699281"),
        ("weighted decline pushups", "custom-eb8e3bee7152"),
        ("Bench Press - Close Grip (Barbell)", "custom-e86ffbe446ae"),
        ("  Hollow_Body   ROCKS!! ", "custom-f5c0933cf1a6"),
    ],
)
def test_ascii_titles_keep_the_ids_their_own_exercises_were_stored_under(
    title: str, stored_id: str
) -> None:
    assert local_id(title) == stored_id


WORLD_TITLES = [
    "Присед со штангой",
    "Жим лёжа",
    "Становая тяга",
    "Πιέσεις στήθους",
    "Κωπηλατική",
    "スクワット",
    "ベンチプレス",
    "Développé couché",
    "Sentadilla búlgara",
    "💪",
    "🔥🔥",
]


def test_titles_in_any_script_are_each_their_own_exercise() -> None:
    assert len({local_id(t) for t in WORLD_TITLES}) == len(WORLD_TITLES)
    # The same title written another way is still the same exercise.
    assert local_id("ЖИМ ЛЕЖА") == local_id("Жим лёжа")
    assert local_id("developpe couche") == local_id("Développé Couché")
    assert local_id("ﾍﾞﾝﾁﾌﾟﾚｽ") == local_id("ベンチプレス")  # half-width katakana
    assert local_id("💪 ") == local_id("💪") != local_id("🔥🔥")


async def test_an_import_of_titles_in_any_script_keeps_them_apart_and_finds_each_by_name(
    store,
) -> None:
    await store.users.put(User(id=USER))
    workouts = [
        session("Тренировка", day, [(t, 40 + n + day) for n, t in enumerate(WORLD_TITLES)])
        for day in (6, 8, 10)
    ]
    result = await import_csv(store, USER, export(workouts, "kg"), "UTC")
    assert [t.title for t, _ in result.created] == WORLD_TITLES
    insights = Insights(store)
    for n, title in enumerate(WORLD_TITLES):
        progress = await insights.progress(USER, title)
        assert progress.template.title == title
        assert progress.records is not None
        assert progress.records.heaviest.weight_kg == 50 + n  # its own sets, no one else's
    assert (await insights.progress(USER, "присед")).template.title == "Присед со штангой"
    assert (await insights.progress(USER, "ベンチ")).template.title == "ベンチプレス"
    assert (await insights.progress(USER, "developpe")).template.title == "Développé couché"

    again = await import_csv(store, USER, export(workouts, "kg"), "UTC")
    assert again.created == [], "a second import maps every title onto its own exercise"
    assert len(own_exercises(await store.templates.list(USER))) == len(WORLD_TITLES)
