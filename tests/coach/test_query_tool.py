"""query_training_log treated as hostile: one lifter's rows only, reads only, bounded in time and
size, and the bot keeps serving others while a bad query runs. Also: the cache follows the log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.coach.tools import ToolBox
from core.models import ExerciseSet, Units, User, Workout, WorkoutExercise
from core.services.insights import Insights
from core.services.log_query import TIME_LIMIT, QueryError, TrainingLog, build_database, run_query
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


async def grinding(box: ToolBox) -> asyncio.Task:
    """A query that runs into the time limit, started and running."""
    task = asyncio.create_task(
        box.run("query_training_log", {"sql": "SELECT count(*) FROM sets a, sets b, sets c"})
    )
    await asyncio.sleep(0.05)
    return task


async def test_the_bot_keeps_serving_while_a_bad_query_grinds(two_lifters) -> None:
    log = TrainingLog(two_lifters)
    slow, other = box_for(two_lifters, LIFTER, log), box_for(two_lifters, OTHER, log)
    await slow.run("query_training_log", {"sql": "SELECT 1"})
    await other.run("query_training_log", {"sql": "SELECT 1"})
    grind = await grinding(slow)
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


# Strings as large as a query can build: 'a' doubled `n` times by a recursive CTE (no function
# needed), then shaped into a haystack `a`, a needle `b` and a trim set `c` (its last character
# is the haystack's, so trim scans all of it for every character it removes), on every one of
# `rows` rows (tied to the row, so SQLite cannot compute a call once for all of them).
def _big(doublings: int, needle: int, expr: str, rows: int = 100_000) -> str:
    return (  # hostile SQL, on purpose
        "WITH RECURSIVE r(s, n) AS (SELECT 'a', 0 UNION ALL SELECT s || s, n + 1 FROM r "  # noqa: S608
        f"WHERE n < {doublings}), x(a, b, c) AS (SELECT s, substr(s, 1, {needle}) || 'b', "
        f"replace(substr(s, 1, {needle}), 'a', 'é') || 'a' FROM r WHERE n = {doublings}), "
        f"k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {rows}) "
        "SELECT count(*) FROM (SELECT a || substr(i, 1, 0) AS a, b || substr(i, 1, 0) AS b, "
        f"c || substr(i, 1, 0) AS c FROM x, k) WHERE ({expr}) IS NOT NULL"
    )


def _repeated(call: str, doublings: int, needle: int) -> str:
    """As many calls as the statement's length allows, all evaluated for every row."""
    expr = call
    while len(_big(doublings, needle, expr + " + " + call)) <= 3_990:
        expr += " + " + call
    return _big(doublings, needle, expr)


@pytest.mark.parametrize(
    "sql",
    [
        # The red team's: one trim of 131,072 × 65,536 characters took 15 s in a single call.
        _big(17, 65_536, "length(trim(a, c))", rows=1),
        _big(17, 65_536, "instr(a, b)", rows=1),
        _big(17, 65_536, "length(replace(a, b, 'x'))", rows=1),
        # The worst that fits under the caps: every call as large as allowed, ~150–260 per row.
        _repeated("length(trim(a, c))", 13, 6_000),
        _repeated("length(ltrim(a, c))", 13, 6_000),
        _repeated("instr(a || a, b)", 13, 4_000),
        _repeated("length(replace(a || a, b, 'x'))", 13, 4_000),
        _repeated("(a || a) LIKE '%a%a%a%a%a%a%a%b'", 13, 4_000),
    ],
    ids=["trim-1", "instr-1", "replace-1", "trim-many", "ltrim-many", "instr-many",
         "replace-many", "like-many"],
)  # fmt: skip
async def test_the_costliest_string_calls_are_answered_or_refused_within_a_second(
    two_lifters, sql: str
) -> None:
    box = box_for(two_lifters, LIFTER)
    await box.run("query_training_log", {"sql": "SELECT 1"})  # the database is built
    started = time.perf_counter()
    output, is_error = await box.run("query_training_log", {"sql": sql})
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s: {output[:200]}"
    assert is_error, output
    assert any(s in output for s in ("longer than", "too big", "not available")), output


async def test_trim_of_a_character_set_is_refused_with_a_way_around(two_lifters) -> None:
    box = box_for(two_lifters, LIFTER)
    out = await rows(box, "SELECT trim('  Squat  '), replace(rtrim('Squat ()'), '()', '')")
    assert out["rows"] == [["Squat", "Squat "]]
    for call in ("trim", "ltrim", "rtrim"):
        output, is_error = await box.run(
            "query_training_log",
            {"sql": f"SELECT {call}(title, 'x') FROM workouts"},  # noqa: S608
        )
        assert is_error and "not available" in output and "replace(X, Y, '')" in output, output


async def test_a_running_query_outlives_its_eviction_and_nobody_waits_for_it(two_lifters) -> None:
    log = TrainingLog(two_lifters, capacity=1)  # the other lifter's database evicts this one
    slow, other = box_for(two_lifters, LIFTER, log), box_for(two_lifters, OTHER, log)
    await slow.run("query_training_log", {"sql": "SELECT 1"})
    grind = await grinding(slow)
    stalls = asyncio.create_task(_longest_stall(TIME_LIMIT))
    started = time.perf_counter()
    output, is_error = await other.run("query_training_log", {"sql": "SELECT count(*) FROM sets"})
    served_in = time.perf_counter() - started
    assert not is_error and json.loads(output)["rows"] == [[1]]
    assert not grind.done(), "the evicted lifter's query had already ended"
    # Closing the evicted connection on the loop waited for the grinding query (~0.45 s).
    assert served_in < TIME_LIMIT / 3, served_in
    assert await stalls < TIME_LIMIT / 3
    output, is_error = await grind
    assert is_error and "longer than" in output, output  # stopped by its limit, not by a close
    again = await rows(slow, "SELECT count(*) FROM workouts")  # rebuilt on its next question
    assert again["rows"][0][0] == len(await two_lifters.workouts.list(LIFTER))


async def test_a_log_that_changes_under_a_running_query_blocks_nobody(two_lifters) -> None:
    log = TrainingLog(two_lifters)
    box = box_for(two_lifters, LIFTER, log)
    await box.run("query_training_log", {"sql": "SELECT 1"})
    before = (await rows(box, "SELECT count(*) FROM workouts"))["rows"][0][0]
    grind = await grinding(box)
    last = (await two_lifters.workouts.list(LIFTER))[-1].start_time
    new = other_lifters_workout(last + timedelta(days=1)).model_copy(update={"id": "new-one"})
    await two_lifters.workouts.upsert(LIFTER, [new])
    stalls = asyncio.create_task(_longest_stall(TIME_LIMIT))
    assert (await rows(box, "SELECT count(*) FROM workouts"))["rows"][0][0] == before + 1
    assert not grind.done()
    assert await stalls < TIME_LIMIT / 3
    output, is_error = await grind
    assert is_error and "longer than" in output, output


async def _longest_stall(window: float, tick: float = 0.01) -> float:
    """The longest the event loop went without running this task over `window` seconds."""
    longest, end = 0.0, time.perf_counter() + window
    while (now := time.perf_counter()) < end:
        await asyncio.sleep(tick)
        longest = max(longest, time.perf_counter() - now - tick)
    return longest


# Every allowed function that takes a value, with how many arguments it takes; the leaves are the
# large strings of `_big`, small literals and a column of the lifter's log.
_CALLS = {
    **dict.fromkeys(("length", "lower", "upper", "trim", "ltrim", "rtrim", "typeof"), (1,)),
    **dict.fromkeys(("abs", "sign", "floor", "ceil", "ceiling", "round", "date", "time"), (1,)),
    **dict.fromkeys(("datetime", "julianday", "unixepoch"), (1, 2)),
    **dict.fromkeys(("trim", "ltrim", "rtrim", "instr", "like", "glob", "ifnull"), (2,)),
    **dict.fromkeys(("nullif", "strftime", "coalesce", "round"), (2,)),
    **dict.fromkeys(("substr", "substring"), (2, 3)),
    **dict.fromkeys(("replace", "iif"), (3,)),
}
_LEAVES = ["a", "b", "c", "'a'", "'%a%b'", "'*a*'", "1", "-3", "'2024-01-01'", "'%Y'"]


def _expression(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(_LEAVES)
    if depth == 0:
        return leaf

    def call(pick: tuple[str, int]) -> st.SearchStrategy[str]:
        name, arity = pick
        args = st.lists(_expression(depth - 1), min_size=arity, max_size=arity)
        return args.map(lambda values: f"{name}({', '.join(values)})")

    picks = st.sampled_from([(n, a) for n, arities in _CALLS.items() for a in arities])
    concat = st.tuples(_expression(depth - 1), _expression(depth - 1)).map(" || ".join)
    return st.one_of(leaf, concat, picks.flatmap(call))


@settings(max_examples=25, deadline=None)
@given(expr=_expression(3), doublings=st.integers(8, 19), needle=st.integers(1, 8_000))
def test_any_nesting_of_allowed_functions_on_large_strings_ends_within_a_second(
    expr: str, doublings: int, needle: int
) -> None:
    conn = build_database([], [], {}, Units.KG, "UTC")  # the query tool's own database and guards
    calls = f"({expr}) IS NULL"
    while len(_big(doublings, needle, f"{calls} OR ({expr}) IS NULL")) <= 3_990:
        calls += f" OR ({expr}) IS NULL"
    started = time.perf_counter()
    with contextlib.suppress(QueryError):  # refused or stopped: either is an answer
        run_query(conn, _big(doublings, needle, calls))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s for {expr}"


def test_when_do_i_train_reads_the_lifters_own_clock_across_daylight_saving() -> None:
    """A Berlin lifter at 18:00 all year: 17:00 UTC in winter, 16:00 UTC in summer."""

    def session(n: int, when: datetime) -> Workout:
        return Workout(
            id=f"w{n}",
            title="Evening",
            start_time=when,
            end_time=when + timedelta(hours=1),
            exercises=[
                WorkoutExercise(
                    index=0,
                    title="Squat (Barbell)",
                    template_id="D04AC939",
                    sets=[
                        ExerciseSet(index=0, weight_kg=140.0, reps=1),
                        ExerciseSet(index=1, weight_kg=100.0, reps=5),
                    ],
                )
            ],
        )

    winter = [session(n, datetime(2025, 1, 6 + n, 17, 0, tzinfo=UTC)) for n in range(3)]
    summer = [session(10 + n, datetime(2025, 7, 7 + n, 16, 0, tzinfo=UTC)) for n in range(3)]
    late = [session(20, datetime(2025, 7, 20, 22, 30, tzinfo=UTC))]  # 00:30 the next day
    log = winter + summer + late
    rows = [row for w in log for row in w.set_rows()]  # SetRow reads as LoggedSet does
    conn = build_database([w.head for w in log], rows, {}, Units.KG, "Europe/Berlin")
    usual = run_query(
        conn,
        "SELECT local_time, count(*) AS n FROM workouts GROUP BY local_time ORDER BY n DESC",
    )
    assert usual.rows == [["18:00", 6], ["00:30", 1]]
    assert run_query(conn, "SELECT date FROM workouts WHERE id = 'w20'").rows == [["2025-07-21"]]
    ordered = run_query(
        conn,
        "SELECT local_time, weight_kg, reps, e1rm_kg FROM sets WHERE workout_id = 'w0' "
        "ORDER BY start_time, exercise_index, set_index",
    )
    # A single's estimate is its weight; from two reps on, Epley.
    assert ordered.rows == [["18:00", 140.0, 1, 140.0], ["18:00", 100.0, 5, 116.67]]
