"""/prs as a coach would read it: the lifts the lifter trains, not the biggest numbers; new
exercises are baselines, not PRs; a day's rep-PRs once per exercise, without the redundant ones."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.telegram.reports import prs_text
from core.models import ExerciseSet, ExerciseTemplate, Units, User, Workout, WorkoutExercise
from core.services.insights import Insights
from tests.coach.conftest import load_snapshot

SQUAT, LEG_PRESS, HACK = "D04AC939", "C7973E0E", "HACK"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
CATALOGUE = [
    ExerciseTemplate(id=SQUAT, title="Squat (Barbell)"),
    ExerciseTemplate(id=LEG_PRESS, title="Leg Press (Machine)"),
    ExerciseTemplate(id=HACK, title="Hack Squat"),
]


def session(n: int, *exercises: tuple[str, list[tuple[float, int]]]) -> Workout:
    return Workout(
        id=f"w{n}",
        title="Legs",
        start_time=T0 + timedelta(days=7 * n),
        exercises=[
            WorkoutExercise(
                index=i,
                template_id=tid,
                sets=[ExerciseSet(index=j, weight_kg=kg, reps=r) for j, (kg, r) in enumerate(sets)],
            )
            for i, (tid, sets) in enumerate(exercises)
        ],
    )


async def test_main_lifts_by_sessions_new_exercises_apart_and_rep_prs_grouped(sqlite_store) -> None:
    store = sqlite_store
    await store.users.put(User(id=1, chat_id=1))
    await store.templates.replace_all(1, CATALOGUE)
    log = [session(n, (SQUAT, [(100.0 + 2.5 * n, 5)] * 3)) for n in range(6)]
    big_number = ExerciseSet(index=0, weight_kg=250.0, reps=10)
    log[2].exercises.append(WorkoutExercise(index=1, template_id=LEG_PRESS, sets=[big_number]))
    log.append(session(6, (SQUAT, [(115.0, 5), (110.0, 5), (105.0, 8)]), (HACK, [(80.0, 10)])))
    await store.workouts.upsert(1, log)

    report = await Insights(store).pr_report(1, since=T0 + timedelta(weeks=5, days=1))

    # By sessions, not by the biggest number (leg press 250 kg); ties: the latest trained first.
    assert [(pr.template_id, n) for pr, n in report.lifts] == [
        (SQUAT, 7),
        (HACK, 1),
        (LEG_PRESS, 1),
    ]
    assert [(p.template_id, p.weight_kg, p.reps) for p in report.rep_prs] == [(SQUAT, 115.0, 5)]
    assert [t for t, _ in report.new_exercises] == [HACK]
    text = prs_text(report, {t.id: t for t in CATALOGUE}, Units.KG)
    assert text.splitlines()[1].startswith("• Squat (Barbell): heaviest 115 kg × 5")
    assert "2026-04-13 Squat (Barbell): 115 kg × 5 (was 112.5 kg)" in text
    assert "Hack Squat (2026-04-13)" in text and "Hack Squat: 80" not in text.split("Rep-PRs")[1]


async def test_the_real_lifters_main_lifts_are_the_ones_they_train_most(
    sqlite_store, snapshot: Path
) -> None:
    await load_snapshot(sqlite_store, 1, snapshot, "Snapshot")
    raw = json.loads((snapshot / "workouts.json").read_text())
    last = max(datetime.fromisoformat(w["start_time"]) for w in raw)
    sessions: Counter[str] = Counter()
    latest: dict[str, datetime] = {}
    for w in raw:
        at = datetime.fromisoformat(w["start_time"])
        if at < last - timedelta(weeks=12):
            continue
        for e in w["exercises"]:
            tid = e["exercise_template_id"]
            loaded = [
                s for s in e["sets"] if s["type"] != "warmup" and s["weight_kg"] and s["reps"]
            ]
            if loaded and latest.get(tid) != at:
                sessions[tid] += 1
                latest[tid] = at
    expected = sorted(sessions.items(), key=lambda kv: (-kv[1], -latest[kv[0]].timestamp()))[:8]
    report = await Insights(sqlite_store).pr_report(1, since=last - timedelta(weeks=4))
    assert [(pr.template_id, n) for pr, n in report.lifts] == expected
