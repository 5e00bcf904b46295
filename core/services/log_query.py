"""Read-only SQL over one lifter's own log: the coach's answer to questions no summary tool has.

Each lifter's workouts, sets and exercises are copied into a private in-memory SQLite database
(the same on either store), cached per user and rebuilt when the store's log version moves.
Nothing else is in that database, so another lifter's rows are unreachable by construction; the
query is still treated as hostile: an authorizer allows reading these three tables and calling
harmless functions only (no ATTACH, PRAGMA, writes or extensions), a progress handler stops it
after `TIME_LIMIT` seconds, SQLite's own limits cap any string and the statement's length, and
the answer is cut at `MAX_ROWS` rows or `MAX_CHARS` characters, saying so with the total.

SQLite checks the time limit only between rows, never inside one function call, so no call may
be slow: values are capped at `MAX_VALUE` (far above anything in a training log, small enough
that `instr` and `replace`, quadratic at worst, stay under a millisecond) and `trim(X, Y)`, whose
built-in is |X|·|Y| and far slower, is refused. Queries run on their own small pool of threads,
so a grinding query never holds a thread the rest of the bot needs, and a cached connection is
closed only after its last query has finished, in that query's thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from core.engine.e1rm import series_estimate
from core.engine.loads import to_user_units
from core.engine.periods import local
from core.errors import SpotterError
from core.models import ExerciseTemplate, LoggedSet, Units, WorkoutHead
from core.ports import Store
from core.services.catalogue import user_catalogue

TIME_LIMIT = 0.5  # seconds of SQLite work per query
MAX_ROWS = 200
MAX_CHARS = 12_000  # of JSON rows in one answer (≈ 3–4k tokens)
MAX_SQL = 4_000  # characters of SQL
# Bytes in any one string or blob SQLite builds. A whole group_concat of a five-year log's dates
# fits; an answer is cut at MAX_CHARS anyway. Per call, instr/replace cost at most ~1 ms here.
MAX_VALUE = 16_384
MAX_PATTERN = 500  # characters of a LIKE or GLOB pattern
CACHED_USERS = 32
QUERY_THREADS = 4  # queries running at once, all lifters together

SCHEMA = """
CREATE TABLE workouts (
    id TEXT PRIMARY KEY, title TEXT, start_time TEXT, end_time TEXT, date TEXT,
    duration_min REAL, local_time TEXT
);
CREATE TABLE sets (
    workout_id TEXT, date TEXT, start_time TEXT, workout_title TEXT, exercise TEXT,
    template_id TEXT, primary_muscle TEXT, exercise_index INTEGER, set_index INTEGER, type TEXT,
    weight_kg REAL, weight REAL, reps INTEGER, rpe REAL, distance_m REAL, duration_s REAL,
    e1rm_kg REAL, local_time TEXT
);
CREATE TABLE exercises (
    template_id TEXT PRIMARY KEY, title TEXT, primary_muscle TEXT, secondary_muscles TEXT,
    equipment TEXT, custom INTEGER
);
"""
# Built after the rows are in: one sort per index, not an index update per row.
INDEXES = """
CREATE INDEX sets_template ON sets (template_id, date);
CREATE INDEX sets_date ON sets (date);
"""

# Functions a query may call: aggregates, windows, dates, strings and arithmetic. Anything that
# builds large values from nothing (randomblob, zeroblob, printf widths) or reaches outside
# (load_extension, readfile) is refused.
FUNCTIONS = frozenset(
    {
        *("abs", "avg", "count", "max", "min", "sum", "total", "group_concat", "string_agg"),
        *("round", "coalesce", "ifnull", "nullif", "iif", "typeof", "sign", "floor", "ceil"),
        *("ceiling", "length", "lower", "upper", "substr", "substring", "trim", "ltrim"),
        *("rtrim", "replace", "instr", "like", "glob", "date", "time", "datetime"),
        *("julianday", "strftime", "unixepoch", "row_number", "rank", "dense_rank"),
        *("percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value"),
        "nth_value",
    }
)


_INSERT_SET = "INSERT INTO sets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


class QueryError(SpotterError):
    """The query was refused or failed; the message (SQLite's, where it has one) goes back to
    the model to correct."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    total_rows: int
    truncated: bool

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "columns": self.columns,
            "rows": self.rows,
            "total_rows": self.total_rows,
            "truncated": self.truncated,
        }
        if self.truncated:
            out["hint"] = (
                f"Only the first {len(self.rows)} of {self.total_rows} rows: aggregate, filter "
                "or add LIMIT/OFFSET to read the rest."
            )
        return out


def build_database(
    workouts: Sequence[WorkoutHead],
    logged: Sequence[LoggedSet],
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    timezone: str,
) -> sqlite3.Connection:
    """The lifter's log (`workouts`' heads and their sets, as the store reads them lean) as
    three tables in a fresh in-memory database, then locked for reading."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SCHEMA)
    heads, sets = [], []
    factor = to_user_units(1.0, units)
    by_id: dict[str, tuple[str, str, str, str]] = {}  # workout id → day, start, title, clock
    for w in workouts:
        # The lifter's wall clock at the start, daylight saving applied: "when do I train?"
        started = local(w.start_time, timezone)
        day, clock = started.date().isoformat(), started.strftime("%H:%M")
        minutes = (w.end_time - w.start_time).total_seconds() / 60 if w.end_time else None
        start = w.start_time.isoformat()
        by_id[w.id] = (day, start, w.title, clock)
        heads.append(
            (
                w.id,
                w.title,
                start,
                w.end_time.isoformat() if w.end_time else None,
                day,
                None if minutes is None else round(minutes, 1),
                clock,
            )
        )
    for x in logged:
        head = by_id.get(x.workout_id)
        if head is None:  # stored between the two reads: the next version has it
            continue
        day, start, workout_title, clock = head
        template = catalogue.get(x.template_id)
        title = template.title if template else x.title
        muscle = template.primary_muscle_group if template else None
        kg = x.weight_kg
        est = series_estimate(kg, x.reps, x.rpe)
        sets.append(
            (
                x.workout_id, day, start, workout_title, title, x.template_id, muscle,
                x.exercise_index, x.set_index, x.type.value, kg,
                None if kg is None else round(kg * factor, 2),
                x.reps, x.rpe, x.distance_m, x.duration_s,
                None if est is None else round(est.value, 2), clock,
            )
        )  # fmt: skip
    conn.executemany("INSERT INTO workouts VALUES (?, ?, ?, ?, ?, ?, ?)", heads)
    conn.executemany(_INSERT_SET, sets)
    conn.executemany(
        "INSERT INTO exercises VALUES (?, ?, ?, ?, ?, ?)",
        [
            (t.id, t.title, t.primary_muscle_group, ",".join(t.secondary_muscle_groups),
             t.equipment, int(t.is_custom))
            for t in catalogue.values()
        ],
    )  # fmt: skip
    conn.executescript(INDEXES)
    conn.commit()
    conn.execute("ANALYZE")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL * 2)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_PATTERN)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    for name in ("trim", "ltrim", "rtrim"):
        conn.create_function(name, 2, _refuse_trim_set, deterministic=True)
    conn.set_authorizer(_authorize)
    return conn


def _refuse_trim_set(_value: Any, _chars: Any) -> None:
    """trim(X, Y): its built-in scans Y for every character of X it removes (|X|·|Y| in one
    uninterruptible call: seconds at 64 KB), and a Python stand-in would hold the interpreter
    lock the bot's own thread needs. trim(X) (spaces) and replace() cover a training log."""
    raise ValueError("trim(X, Y) is refused")


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trig: str | None):
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        # The database holds the three tables and SQLite's own (sqlite_master, sqlite_stat1);
        # any other name read is a CTE of the query itself.
        internal = (arg1 or "").lower().startswith("sqlite_")
        return sqlite3.SQLITE_DENY if internal else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_OK if (arg2 or "").lower() in FUNCTIONS else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_RECURSIVE:
        return sqlite3.SQLITE_OK  # recursive CTEs are stopped by the time limit, not refused
    return sqlite3.SQLITE_DENY


def run_query(conn: sqlite3.Connection, sql: str, time_limit: float = TIME_LIMIT) -> QueryResult:
    """One SELECT against a database from `build_database`, guarded and capped."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryError("Empty query: write one SELECT statement.")
    if len(text) > MAX_SQL:
        raise QueryError(f"The query is {len(text)} characters; keep it under {MAX_SQL}.")
    deadline = time.monotonic() + time_limit
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 2_000)
    try:
        cursor = conn.execute(text)
        columns = [d[0] for d in cursor.description or ()]
        if not columns:
            raise QueryError("Only a SELECT that returns rows is allowed.")
        rows, total, chars, truncated = [], 0, 2, False
        for row in cursor:
            total += 1
            if truncated:
                continue
            values = [_plain(v) for v in row]
            size = len(json.dumps(values, default=str, ensure_ascii=False)) + 1
            if len(rows) >= MAX_ROWS or chars + size > MAX_CHARS:
                truncated = True
                continue
            rows.append(values)
            chars += size
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryError(
                f"The query ran longer than {time_limit:g} s and was stopped: narrow it "
                "(filter by exercise or date, avoid unbounded recursion)."
            ) from None
        if "user-defined function" in str(exc):  # the only ones are the trim(X, Y) refusals
            raise QueryError(
                "trim(X, Y), ltrim(X, Y) and rtrim(X, Y) are not available: use trim(X) for "
                "spaces or replace(X, Y, '')."
            ) from None
        raise QueryError(f"SQLite: {exc}") from None
    except sqlite3.DataError as exc:  # a value over MAX_VALUE
        raise QueryError(
            f"SQLite: {exc} (values are capped at {MAX_VALUE:,} bytes: aggregate, or "
            "group_concat fewer rows)."
        ) from None
    except (sqlite3.DatabaseError, sqlite3.Warning, sqlite3.ProgrammingError) as exc:
        raise QueryError(f"SQLite: {exc}") from None
    finally:
        conn.set_progress_handler(None, 0)
    return QueryResult(columns, rows, total, truncated)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, float):
        return round(value, 3)
    return value


class _Database:
    """One lifter's query database and who is using it. It is retired when the log moves on or
    the cache evicts it, and closed once, by whoever sees it retired with no query left on it:
    never while a query runs (closing under a running statement can crash the interpreter) and
    never by waiting on the event loop."""

    def __init__(self, version: tuple[int, str, str], conn: sqlite3.Connection) -> None:
        self.version = version  # the log's version, units and time zone it was built with
        self.conn = conn
        self.turn = threading.Lock()  # one statement at a time on the connection
        self._book = threading.Lock()  # guards the two fields below; held only to count
        self._users = 0
        self._retired = False

    def enter(self) -> None:
        with self._book:
            self._users += 1

    def leave(self) -> None:
        with self._book:
            self._users -= 1
            last = self._retired and self._users == 0
        if last:
            self.conn.close()

    def retire(self, pool: ThreadPoolExecutor) -> None:
        with self._book:
            self._retired = True
            idle = self._users == 0
        if idle:
            pool.submit(self.conn.close)


class TrainingLog:
    """Per-user query databases, built on first use and rebuilt when the log changes."""

    def __init__(self, store: Store, capacity: int = CACHED_USERS) -> None:
        self._store = store
        self._capacity = capacity
        self._cache: OrderedDict[int, _Database] = OrderedDict()
        self._building: dict[int, asyncio.Lock] = {}
        self._pool = ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="log-query")

    async def query(self, user_id: int, sql: str) -> QueryResult:
        database = await self._database(user_id)  # entered: it stays open until we leave

        def run() -> QueryResult:
            with database.turn:
                return run_query(database.conn, sql)

        try:
            job = self._pool.submit(run)
        except BaseException:
            database.leave()
            raise
        # Left when the statement is over (in its thread), or at once if it never started; a
        # cancelled caller does not end a statement that is already running.
        job.add_done_callback(lambda _job: database.leave())
        return await asyncio.wrap_future(job)

    def close(self) -> None:
        """Retire every database and stop the pool; running statements end within the limit."""
        while self._cache:
            self._cache.popitem()[1].retire(self._pool)
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _database(self, user_id: int) -> _Database:
        user = await self._store.users.get(user_id)
        if user is None:
            raise QueryError("No such lifter.")
        version = (await self._store.workouts.version(user_id), user.units.value, user.timezone)
        cached = self._cache.get(user_id)
        if cached is not None and cached.version == version:
            self._cache.move_to_end(user_id)
            cached.enter()
            return cached
        lock = self._building.setdefault(user_id, asyncio.Lock())
        async with lock:  # concurrent first questions build it once
            cached = self._cache.get(user_id)
            if cached is not None and cached.version == version:
                cached.enter()
                return cached
            # Lean rows, not validated Workouts: ~15k sets built as models made enough garbage
            # for a full collection of the whole process on this lifter's first question.
            heads = await self._store.workouts.heads(user_id)
            logged = await self._store.workouts.logged_sets(user_id)
            templates = await user_catalogue(self._store, user_id)
            conn = await asyncio.get_running_loop().run_in_executor(
                self._pool, build_database, heads, logged, templates, user.units, user.timezone
            )
            database = _Database(version, conn)
            database.enter()
            stale = self._cache.pop(user_id, None)
            if stale is not None:
                stale.retire(self._pool)
            self._cache[user_id] = database
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)[1].retire(self._pool)
            return database
