"""Read-only SQL over one lifter's own log: the coach's answer to questions no summary tool has.

Each lifter's workouts, sets and exercises are copied into a private in-memory SQLite database
(the same on either store), cached per user and rebuilt when the store's log version moves.
Nothing else is in that database, so another lifter's rows are unreachable by construction; the
query is still treated as hostile: an authorizer allows reading these three tables and calling
harmless functions only (no ATTACH, PRAGMA, writes or extensions), a progress handler stops it
after `TIME_LIMIT` seconds, SQLite's own limits cap any string and the statement's length, and
the answer is cut at `MAX_ROWS` rows or `MAX_CHARS` characters, saying so with the total.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.engine.e1rm import series_estimate
from core.engine.loads import to_user_units
from core.engine.periods import local
from core.errors import SpotterError
from core.models import ExerciseTemplate, Units, Workout
from core.ports import Store
from core.services.catalogue import user_catalogue

TIME_LIMIT = 0.5  # seconds of SQLite work per query
MAX_ROWS = 200
MAX_CHARS = 12_000  # of JSON rows in one answer (≈ 3–4k tokens)
MAX_SQL = 4_000  # characters of SQL
MAX_VALUE = 1_000_000  # bytes in any one string or blob SQLite builds
CACHED_USERS = 32

SCHEMA = """
CREATE TABLE workouts (
    id TEXT PRIMARY KEY, title TEXT, start_time TEXT, end_time TEXT, date TEXT,
    duration_min REAL
);
CREATE TABLE sets (
    workout_id TEXT, date TEXT, start_time TEXT, workout_title TEXT, exercise TEXT,
    template_id TEXT, primary_muscle TEXT, exercise_index INTEGER, set_index INTEGER, type TEXT,
    weight_kg REAL, weight REAL, reps INTEGER, rpe REAL, distance_m REAL, duration_s REAL,
    e1rm_kg REAL
);
CREATE TABLE exercises (
    template_id TEXT PRIMARY KEY, title TEXT, primary_muscle TEXT, secondary_muscles TEXT,
    equipment TEXT, custom INTEGER
);
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


_INSERT_SET = "INSERT INTO sets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


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
    workouts: Sequence[Workout],
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    timezone: str,
) -> sqlite3.Connection:
    """The lifter's log as three tables in a fresh in-memory database, then locked for reading."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SCHEMA)
    heads, sets = [], []
    factor = to_user_units(1.0, units)
    for w in workouts:
        day = local(w.start_time, timezone).date().isoformat()
        minutes = (w.end_time - w.start_time).total_seconds() / 60 if w.end_time else None
        start = w.start_time.isoformat()
        heads.append(
            (
                w.id,
                w.title,
                start,
                w.end_time.isoformat() if w.end_time else None,
                day,
                None if minutes is None else round(minutes, 1),
            )
        )
        for e in w.exercises:
            template = catalogue.get(e.template_id)
            title = template.title if template else e.title
            muscle = template.primary_muscle_group if template else None
            for x in e.sets:
                kg = x.weight_kg
                est = series_estimate(kg, x.reps, x.rpe)
                sets.append(
                    (
                        w.id, day, start, w.title, title, e.template_id, muscle,
                        e.index, x.index, x.type.value, kg,
                        None if kg is None else round(kg * factor, 2),
                        x.reps, x.rpe, x.distance_m, x.duration_s,
                        None if est is None else round(est.value, 2),
                    )
                )  # fmt: skip
    conn.executemany("INSERT INTO workouts VALUES (?, ?, ?, ?, ?, ?)", heads)
    conn.executemany(_INSERT_SET, sets)
    conn.executemany(
        "INSERT INTO exercises VALUES (?, ?, ?, ?, ?, ?)",
        [
            (t.id, t.title, t.primary_muscle_group, ",".join(t.secondary_muscle_groups),
             t.equipment, int(t.is_custom))
            for t in catalogue.values()
        ],
    )  # fmt: skip
    conn.commit()
    conn.execute("ANALYZE")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL * 2)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.set_authorizer(_authorize)
    return conn


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
        raise QueryError(f"SQLite: {exc}") from None
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


@dataclass
class _Cached:
    version: tuple[int, str, str]  # the log's version, units and time zone it was built with
    conn: sqlite3.Connection
    lock: threading.Lock


class TrainingLog:
    """Per-user query databases, built on first use and rebuilt when the log changes."""

    def __init__(self, store: Store, capacity: int = CACHED_USERS) -> None:
        self._store = store
        self._capacity = capacity
        self._cache: OrderedDict[int, _Cached] = OrderedDict()
        self._building: dict[int, asyncio.Lock] = {}

    async def query(self, user_id: int, sql: str) -> QueryResult:
        entry = await self._database(user_id)

        def run() -> QueryResult:
            with entry.lock:  # one query at a time per connection
                return run_query(entry.conn, sql)

        return await asyncio.to_thread(run)

    async def _database(self, user_id: int) -> _Cached:
        user = await self._store.users.get(user_id)
        if user is None:
            raise QueryError("No such lifter.")
        version = (await self._store.workouts.version(user_id), user.units.value, user.timezone)
        cached = self._cache.get(user_id)
        if cached is not None and cached.version == version:
            self._cache.move_to_end(user_id)
            return cached
        lock = self._building.setdefault(user_id, asyncio.Lock())
        async with lock:  # concurrent first questions build it once
            cached = self._cache.get(user_id)
            if cached is not None and cached.version == version:
                return cached
            workouts = await self._store.workouts.list(user_id)
            templates = await user_catalogue(self._store, user_id)
            conn = await asyncio.to_thread(
                build_database, workouts, templates, user.units, user.timezone
            )
            entry = _Cached(version, conn, threading.Lock())
            if cached is not None:
                cached.conn.close()
            self._cache[user_id] = entry
            while len(self._cache) > self._capacity:
                _, old = self._cache.popitem(last=False)
                old.conn.close()
            return entry
