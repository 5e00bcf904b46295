"""A workout in the Mini App as the lifter reads it: one PR badge per new best (a set that only
equals or is covered by an earlier one is none), and sets labelled as Hevy labels them (W, D, F;
working sets numbered from 1 after any warm-ups)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.web.miniapp.common import Asking
from bot.web.miniapp.history import workout
from bot.web.miniapp.routes import render
from core.engine.records import rep_prs
from core.models import ExerciseSet, SetType, Units, User, Workout, WorkoutExercise
from core.services.insights import Insights
from core.units import LB_PER_KG

CURL = "37FCC2BB"  # Bicep Curl (Dumbbell)
T0 = datetime(2026, 3, 2, 17, tzinfo=UTC)
W, N, D, F = SetType.WARMUP, SetType.NORMAL, SetType.DROPSET, SetType.FAILURE


def lb(pounds: float) -> float:
    return pounds / LB_PER_KG  # stored as Hevy stores an lb lifter's load


def session(n: int, sets: list[tuple[SetType, float, int]]) -> Workout:
    return Workout(
        id=f"w{n}",
        title="Arms",
        start_time=T0 + timedelta(days=7 * n),
        end_time=T0 + timedelta(days=7 * n, hours=1),
        exercises=[
            WorkoutExercise(
                index=0,
                template_id=CURL,
                title="Bicep Curl (Dumbbell)",
                sets=[
                    ExerciseSet(index=i, type=kind, weight_kg=lb(pounds), reps=reps)
                    for i, (kind, pounds, reps) in enumerate(sets)
                ],
            )
        ],
    )


async def seen(store, workout_id: str) -> list[tuple[str, str, bool]]:
    """(label, set, badged) per row of the workout page, as rendered."""
    runtime = SimpleNamespace(store=store, insights=Insights(store))
    asking = Asking(runtime, None, await store.users.get(1))
    html = render("workout", await workout(asking, {"id": workout_id}))
    rows = re.findall(
        r"<tr[^>]*><td[^>]*>(\w+)</td><td>([^<]*)</td><td[^>]*>[^<]*</td><td>(.*?)</td>", html
    )
    return [(label, what, "PR" in badge) for label, what, badge in rows]


async def test_identical_sets_earn_one_badge_and_a_covered_set_none(sqlite_store) -> None:
    store = sqlite_store
    await store.users.put(User(id=1, chat_id=1, units=Units.LB))
    before = session(0, [(N, 75, 12), (N, 75, 12), (N, 55, 11)])
    today = session(
        1, [(W, 30, 10), (N, 80, 12), (N, 80, 12), (N, 80, 12), (N, 60, 12), (N, 60, 11)]
    )
    await store.workouts.upsert(1, [before, today])

    assert await seen(store, "w1") == [
        ("W", "30 lb × 10", False),
        ("1", "80 lb × 12", True),  # heavier than the 75 × 12 of last week: the one new best
        ("2", "80 lb × 12", False),  # only equals the set before it
        ("3", "80 lb × 12", False),
        ("4", "60 lb × 12", False),
        ("5", "60 lb × 11", False),  # beats last week's 55 × 11, but 80 × 12 covered it
    ]


async def test_an_exercises_first_session_is_a_baseline_without_badges(sqlite_store) -> None:
    store = sqlite_store
    await store.users.put(User(id=1, chat_id=1, units=Units.LB))
    await store.workouts.upsert(1, [session(0, [(N, 60, 12), (N, 65, 10), (N, 70, 8)])])
    assert [badged for _, _, badged in await seen(store, "w0")] == [False, False, False]


async def test_warmups_drop_and_failure_sets_are_lettered_and_working_sets_counted_apart(
    sqlite_store,
) -> None:
    store = sqlite_store
    await store.users.put(User(id=1, chat_id=1, units=Units.LB))
    await store.workouts.upsert(
        1,
        [
            session(0, [(N, 50, 12)]),
            session(
                1, [(W, 20, 12), (W, 30, 8), (N, 55, 12), (N, 55, 10), (F, 55, 9), (D, 40, 12)]
            ),
        ],
    )
    assert [(label, badged) for label, _, badged in await seen(store, "w1")] == [
        ("W", False),
        ("W", False),
        ("1", True),
        ("2", False),
        ("F", False),
        ("D", False),
    ]


def test_each_new_best_is_reported_once_with_the_load_it_beat() -> None:
    log = [
        session(0, [(N, 75, 12), (N, 70, 10)]),
        session(1, [(N, 80, 12), (N, 80, 12), (N, 85, 12), (N, 60, 11), (N, 80, 10)]),
    ]
    found = [
        (p.workout_id, p.set_index, round(p.weight_kg * LB_PER_KG), p.reps, p.previous_kg)
        for p in rep_prs(r for w in log for r in w.set_rows())
    ]
    assert [(w, i, pounds, reps) for w, i, pounds, reps, _ in found] == [
        ("w0", 0, 75, 12),  # firsts: nothing earlier had 12 reps or more
        ("w1", 0, 80, 12),
        ("w1", 2, 85, 12),  # a second new best in the same workout, over the 80 before it
    ]
    assert [p is None for *_, p in found] == [True, False, False]
    assert round(found[1][4] * LB_PER_KG) == 75 and round(found[2][4] * LB_PER_KG) == 80
