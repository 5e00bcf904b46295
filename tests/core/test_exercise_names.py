"""Names resolve among the exercises the lifter has logged first (by sessions, recent ones
weighing more), then the catalogue: for the real snapshot lifter and for a lifter who imported
a Hevy CSV, through the service the chat, the coach's tools, the Mini App and /change share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.coach.tools import ToolBox
from core.models import User
from core.services.csv_import import import_csv
from core.services.insights import Insights, UnknownExercise
from core.services.plans import PlanService
from sandbox.generator import Lifter, generate_workouts
from tests.coach.conftest import load_snapshot
from tests.hevy.test_csv_import import export

SNAPSHOT, CSV = 1, 2


@pytest.fixture
async def lifters(sqlite_store, snapshot: Path) -> Insights:
    await load_snapshot(sqlite_store, SNAPSHOT, snapshot, "Snapshot")
    await sqlite_store.users.put(User(id=CSV, chat_id=CSV))
    workouts = generate_workouts(Lifter(units="lb"))
    workouts[-1]["exercises"][0]["title"] = "Жим лёжа"  # one session of their own, in Russian
    await import_csv(sqlite_store, CSV, export(workouts, "lb"), "UTC")
    return Insights(sqlite_store)


async def meant(insights: Insights, user_id: int, query: str) -> str | list[str]:
    """The exercise a name resolves to, or the choices offered."""
    try:
        return (await insights.resolve(user_id, query)).title
    except UnknownExercise as exc:
        return [t.title for t in exc.choices]


async def test_the_snapshot_lifters_names_mean_the_lifts_they_logged(lifters) -> None:
    # "bench": their three benches, most trained first; nothing they never did (Bench Dip).
    assert await meant(lifters, SNAPSHOT, "bench") == [
        "Incline Bench Press (Barbell)",
        "Incline Bench Press (Dumbbell)",
        "Bench Press (Dumbbell)",
    ]
    assert await meant(lifters, SNAPSHOT, "incline") == "Incline Bench Press (Barbell)"
    assert await meant(lifters, SNAPSHOT, "chin up") == "Chin Up (Weighted)"  # 58 sessions
    squats = await meant(lifters, SNAPSHOT, "squat")
    assert squats[:3] == ["Front Squat", "Assisted Pistol Squats", "Goblet Squat"]
    assert "Squat (Barbell)" not in squats, "never logged"
    assert await meant(lifters, SNAPSHOT, "sqaut") == squats
    assert await meant(lifters, SNAPSHOT, "inclne bench") == "Incline Bench Press (Barbell)"
    # A word as typed beats a typo of another: "pulldown" is not their Triceps Pushdown.
    assert await meant(lifters, SNAPSHOT, "pulldown") == "Lat Pulldown (Cable)"


async def test_the_csv_lifters_names_mean_the_lifts_they_logged(lifters) -> None:
    assert await meant(lifters, CSV, "bench") == "Bench Press (Barbell)"
    assert await meant(lifters, CSV, "incline") == "Incline Bench Press (Dumbbell)"
    assert await meant(lifters, CSV, "squat") == "Squat (Barbell)"
    assert await meant(lifters, CSV, "sqaut") == "Squat (Barbell)"
    assert await meant(lifters, CSV, "жим") == "Жим лёжа"
    # Nothing logged matches: the catalogue answers.
    assert await meant(lifters, CSV, "chin up") == "Chin Up"


async def test_a_search_lists_the_lifters_own_exercises_before_the_catalogue(
    lifters, sqlite_store
) -> None:
    box = ToolBox(SNAPSHOT, sqlite_store, lifters, PlanService(sqlite_store, lifters))
    answer, failed = await box.run("search_exercises", {"query": "bench"})
    rows = json.loads(answer)["rows"]
    assert not failed
    assert [(r["title"], r["sessions"]) for r in rows[:4]] == [
        ("Incline Bench Press (Barbell)", 49),
        ("Incline Bench Press (Dumbbell)", 15),
        ("Bench Press (Dumbbell)", 5),
        ("Bench Dip", 0),
    ]
