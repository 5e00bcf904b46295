"""query_training_log treated as hostile: one lifter's rows only, reads only, bounded in time and
size, and the bot keeps serving others while a bad query runs. Also: the cache follows the log."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest

from core.coach.tools import ToolBox
from core.models import ExerciseSet, Units, User, Workout, WorkoutExercise
from core.services.insights import Insights
from core.services.log_query import TIME_LIMIT, TrainingLog
from core.services.plans import PlanService
from tests.coach.conftest import LIFTER, OTHER


def box_for(store, user_id: int, log: TrainingLog | None = None) -> ToolBox:
    insights = Insights(store)
    return ToolBox(user_id, store, insights, PlanService(store, insights), log)


def other_lifters_workout(when) -> Workout:
    return Workout(
        id="other-secret",
        title="OTHER LIFTER ONLY",
        start_time=when,
        end_time=when + timedelta(hours=1),
        exercises=[
            WorkoutExercise(
                index=0,
                title="Bench Press (Barbell)",
                template_id="79D0BB3A",
                sets=[ExerciseSet(index=0, weight_kg=999.0, reps=1)],
            )
        ],
    )


@pytest.fixture
async def two_lifters(coach_store):
    await coach_store.users.put(User(id=OTHER, chat_id=OTHER, name="Other"))
    last = (await coach_store.workouts.list(LIFTER))[-1].start_time
    await coach_store.workouts.upsert(OTHER, [other_lifters_workout(last)])
    return coach_store


async def rows(box: ToolBox, sql: str) -> dict:
    output, is_error = await box.run("query_training_log", {"sql": sql})
    assert not is_error, output
    return json.loads(output)


async def test_a_lifter_reaches_only_their_own_rows_whatever_the_query(two_lifters) -> None:
    box = box_for(two_lifters, LIFTER)
    mine = len(await two_lifters.workouts.sets(LIFTER))
    assert (await rows(box, "SELECT count(*) FROM sets"))["rows"] == [[mine]]
    for sql in (
        "SELECT max(weight_kg) FROM sets",
        "SELECT max(w) FROM (SELECT weight_kg AS w FROM sets UNION SELECT weight_kg FROM sets)",
        "SELECT max(weight_kg) FROM sets WHERE workout_id IN (SELECT id FROM workouts)",
        "SELECT count(*) FROM workouts WHERE title = 'OTHER LIFTER ONLY' OR id = 'other-secret'",
    ):
        out = await rows(box, sql)
        assert out["rows"][0][0] not in (999.0, 1), (sql, out)
    theirs = box_for(two_lifters, OTHER)
    assert (await rows(theirs, "SELECT count(*), max(weight_kg) FROM sets"))["rows"] == [[1, 999.0]]


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("SELECT * FROM sqlite_master", "prohibited"),
        ("SELECT name FROM sqlite_schema", "prohibited"),
        ("ATTACH DATABASE 'spotter.db' AS real", "not authorized"),
        ("PRAGMA database_list", "not authorized"),
        ("SELECT * FROM pragma_table_info('sets')", "not authorized"),
        ("DELETE FROM sets", "not authorized"),
        ("INSERT INTO sets (reps) VALUES (1)", "not authorized"),
        ("CREATE TABLE x (a)", "not authorized"),
        ("SELECT load_extension('/tmp/evil')", "not authorized to use function"),
        ("SELECT randomblob(1000000000)", "not authorized to use function"),
        ("SELECT printf('%.*c', 1000000000, 'x')", "not authorized to use function"),
        ("SELECT 1; DELETE FROM sets", "one statement"),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
         "longer than"),
        ("SELECT count(*) FROM sets a, sets b, sets c", "longer than"),
        ("WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT max(length(s))"
         " FROM r", "too big"),
        ("SELECT no_such_column FROM sets", "no such column"),
        ("SELECT " + "1 + " * 300_000 + "1", "characters"),
    ],
)  # fmt: skip
async def test_hostile_queries_get_a_tool_error_within_the_time_limit(
    two_lifters, sql: str, says: str
) -> None:
    box = box_for(two_lifters, LIFTER)
    await box.run("query_training_log", {"sql": "SELECT 1"})  # the database is built
    started = time.perf_counter()
    output, is_error = await box.run("query_training_log", {"sql": sql})
    elapsed = time.perf_counter() - started
    assert is_error, output
    assert says in output, output
    assert elapsed < TIME_LIMIT + 1.0, elapsed
    after = await rows(box, "SELECT count(*) FROM sets")  # nothing was changed or broken
    assert after["rows"][0][0] == len(await two_lifters.workouts.sets(LIFTER))


async def test_a_long_answer_says_it_was_cut_and_how_many_rows_there_are(coach_store) -> None:
    box = box_for(coach_store, LIFTER)
    out = await rows(box, "SELECT * FROM sets")
    total = len(await coach_store.workouts.sets(LIFTER))
    assert out["truncated"] is True and out["total_rows"] == total
    assert 0 < len(out["rows"]) <= 200 and "LIMIT/OFFSET" in out["hint"]
    small = await rows(box, "SELECT date FROM workouts ORDER BY date LIMIT 3")
    assert small["truncated"] is False and small["total_rows"] == 3 and "hint" not in small


async def test_the_bot_keeps_serving_while_a_bad_query_grinds(two_lifters) -> None:
    log = TrainingLog(two_lifters)
    slow, other = box_for(two_lifters, LIFTER, log), box_for(two_lifters, OTHER, log)
    await slow.run("query_training_log", {"sql": "SELECT 1"})
    await other.run("query_training_log", {"sql": "SELECT 1"})
    grind = asyncio.create_task(
        slow.run("query_training_log", {"sql": "SELECT count(*) FROM sets a, sets b, sets c"})
    )
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    output, is_error = await other.run("query_training_log", {"sql": "SELECT count(*) FROM sets"})
    served_in = time.perf_counter() - started
    assert not is_error and json.loads(output)["rows"] == [[1]]
    assert not grind.done(), "the other lifter was answered while the bad query still ran"
    assert served_in < TIME_LIMIT / 2, served_in
    output, is_error = await grind
    assert is_error and "longer than" in output


async def test_the_query_database_follows_the_log_and_the_lifters_units(coach_store) -> None:
    log = TrainingLog(coach_store)
    box = box_for(coach_store, LIFTER, log)
    before = (await rows(box, "SELECT count(*) FROM workouts"))["rows"][0][0]
    last = (await coach_store.workouts.list(LIFTER))[-1].start_time
    await coach_store.workouts.upsert(LIFTER, [other_lifters_workout(last + timedelta(days=1))])
    assert (await rows(box, "SELECT count(*) FROM workouts"))["rows"][0][0] == before + 1
    await coach_store.workouts.delete(LIFTER, "other-secret")
    assert (await rows(box, "SELECT count(*) FROM workouts"))["rows"][0][0] == before
    kg = (await rows(box, "SELECT max(weight) FROM sets"))["rows"][0][0]
    user = await coach_store.users.get(LIFTER)
    await coach_store.users.put(user.model_copy(update={"units": Units.LB}))
    lb = box_for(coach_store, LIFTER, log)  # a new turn reads the new units
    out = await rows(lb, "SELECT max(weight) FROM sets")
    assert out["units"] == "lb" and out["rows"][0][0] == pytest.approx(kg * 2.20462, abs=0.05)
