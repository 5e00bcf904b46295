"""The training log: workouts with their sets, the exercise catalogue, the log version."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from core.models import (
    ExerciseTemplate,
    LoggedSet,
    SetRow,
    SetType,
    Workout,
    WorkoutHead,
)
from storage.sqlite.common import Repo, to_dt, to_ts

BUMP_VERSION = (
    "INSERT INTO log_versions (user_id, version) VALUES (?, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET version = version + 1"
)


_SET_COLUMNS = (
    "workout_id, start_time, exercise_index, set_index, template_id, title, type, "
    "weight_kg, reps, distance_m, duration_s, rpe"
)


def _window(start: datetime | None, end: datetime | None) -> tuple[str, list[float]]:
    clauses, params = "", []
    if start is not None:
        clauses += " AND start_time >= ?"
        params.append(start.timestamp())
    if end is not None:
        clauses += " AND start_time < ?"
        params.append(end.timestamp())
    return clauses, params


_ROWS_ON_LOOP = 2000  # validating this many rows takes a few ms; more go to a worker thread


_SET_FIELDS = tuple(name.strip() for name in _SET_COLUMNS.split(","))


def _set_rows(rows: list[sqlite3.Row]) -> list[SetRow]:
    # Zipped with the column names: dict(row) goes through the Row's mapping protocol, and for a
    # lifter's whole log (tens of thousands of rows, read after every sync) that was most of the
    # read.
    found = []
    for row in rows:
        values = dict(zip(_SET_FIELDS, row, strict=True))
        values["start_time"] = to_dt(values["start_time"])
        found.append(SetRow.model_validate(values))
    return found


_SET_TYPES = {t.value: t for t in SetType}


def _logged_sets(rows: list[sqlite3.Row]) -> list[LoggedSet]:
    # What this store wrote, in _SET_COLUMNS' order: only the time and the type need turning
    # into what SetRow holds (its contract test checks the values are the same).
    return [
        LoggedSet(r[0], to_dt(r[1]), r[2], r[3], r[4], r[5], _SET_TYPES[r[6]], *r[7:])  # type: ignore[arg-type]
        for r in rows
    ]


class SqliteWorkouts(Repo):
    async def upsert(self, user_id: int, workouts: Sequence[Workout]) -> None:
        async with self._db.transaction() as conn:
            for workout in workouts:
                await conn.execute(
                    "INSERT INTO workouts (user_id, id, start_time, doc) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user_id, id) DO UPDATE SET "
                    "start_time = excluded.start_time, doc = excluded.doc",
                    (user_id, workout.id, to_ts(workout.start_time), workout.model_dump_json()),
                )
                await conn.execute(
                    "DELETE FROM sets WHERE user_id = ? AND workout_id = ?", (user_id, workout.id)
                )
                await conn.executemany(
                    f"INSERT INTO sets (user_id, {_SET_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            user_id,
                            row.workout_id,
                            to_ts(row.start_time),
                            row.exercise_index,
                            row.set_index,
                            row.template_id,
                            row.title,
                            row.type.value,
                            row.weight_kg,
                            row.reps,
                            row.distance_m,
                            row.duration_s,
                            row.rpe,
                        )
                        for row in workout.set_rows()
                    ],
                )
            if workouts:
                await conn.execute(BUMP_VERSION, (user_id,))

    async def delete(self, user_id: int, workout_id: str) -> bool:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM sets WHERE user_id = ? AND workout_id = ?", (user_id, workout_id)
            )
            cursor = await conn.execute(
                "DELETE FROM workouts WHERE user_id = ? AND id = ?", (user_id, workout_id)
            )
            await conn.execute(BUMP_VERSION, (user_id,))
            return cursor.rowcount > 0

    async def version(self, user_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT version FROM log_versions WHERE user_id = ?", (user_id,)
        )
        return int(row[0]) if row else 0

    async def get(self, user_id: int, workout_id: str) -> Workout | None:
        row = await self._db.fetchone(
            "SELECT doc FROM workouts WHERE user_id = ? AND id = ?", (user_id, workout_id)
        )
        return Workout.model_validate_json(row["doc"]) if row else None

    async def list(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        clauses, params = _window(start, end)
        rows = await self._db.fetchall(
            f"SELECT doc FROM workouts WHERE user_id = ?{clauses} ORDER BY start_time, id",
            (user_id, *params),
        )
        return [Workout.model_validate_json(row["doc"]) for row in rows]

    async def start_times(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[datetime]:
        clauses, params = _window(start, end)
        rows = await self._db.fetchall(
            f"SELECT start_time FROM workouts WHERE user_id = ?{clauses} ORDER BY start_time, id",
            (user_id, *params),
        )
        return [to_dt(row[0]) for row in rows]

    async def recent(
        self,
        user_id: int,
        before: datetime | None = None,
        limit: int = 20,
        template_id: str | None = None,
    ) -> list[Workout]:
        clauses, params = _window(None, before)
        if template_id is not None:
            clauses += (
                " AND id IN (SELECT workout_id FROM sets WHERE user_id = ? AND template_id = ?)"
            )
            params += [user_id, template_id]  # type: ignore[list-item]
        rows = await self._db.fetchall(
            f"SELECT doc FROM workouts WHERE user_id = ?{clauses} "
            "ORDER BY start_time DESC, id DESC LIMIT ?",
            (user_id, *params, limit),
        )
        return [Workout.model_validate_json(row["doc"]) for row in rows]

    async def sets(
        self,
        user_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        template_id: str | None = None,
    ) -> list[SetRow]:
        clauses, params = _window(start, end)
        if template_id is not None:
            clauses += " AND template_id = ?"
            params.append(template_id)  # type: ignore[arg-type]
        rows = await self._db.fetchall(
            f"SELECT {_SET_COLUMNS} FROM sets WHERE user_id = ?{clauses} "
            "ORDER BY start_time, workout_id, exercise_index, set_index",
            (user_id, *params),
        )
        if len(rows) < _ROWS_ON_LOOP:
            return _set_rows(rows)
        return await asyncio.to_thread(_set_rows, rows)  # years of sets: not on the event loop

    async def logged_sets(self, user_id: int) -> list[LoggedSet]:
        rows = await self._db.fetchall(
            f"SELECT {_SET_COLUMNS} FROM sets WHERE user_id = ? "
            "ORDER BY start_time, workout_id, exercise_index, set_index",
            (user_id,),
        )
        if len(rows) < _ROWS_ON_LOOP:
            return _logged_sets(rows)
        return await asyncio.to_thread(_logged_sets, rows)

    async def heads(self, user_id: int) -> list[WorkoutHead]:
        rows = await self._db.fetchall(
            "SELECT id, json_extract(doc, '$.title'), start_time, json_extract(doc, '$.end_time') "
            "FROM workouts WHERE user_id = ? ORDER BY start_time, id",
            (user_id,),
        )
        return [
            WorkoutHead(
                r[0], r[1], to_dt(r[2]), None if r[3] is None else datetime.fromisoformat(r[3])
            )
            for r in rows
        ]

    async def count(self, user_id: int) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM workouts WHERE user_id = ?", (user_id,))
        return int(row[0]) if row else 0

    async def working_set_counts(self, user_id: int) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT template_id, count(*) FROM sets WHERE user_id = ? AND type != 'warmup' "
            "GROUP BY template_id",
            (user_id,),
        )
        return {row[0]: int(row[1]) for row in rows}


class SqliteTemplates(Repo):
    async def replace_all(self, user_id: int, templates: Sequence[ExerciseTemplate]) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM templates WHERE user_id = ?", (user_id,))
            await conn.executemany(
                "INSERT INTO templates (user_id, id, doc) VALUES (?, ?, ?)",
                [(user_id, t.id, t.model_dump_json()) for t in templates],
            )

    async def list(self, user_id: int) -> list[ExerciseTemplate]:
        rows = await self._db.fetchall(
            "SELECT doc FROM templates WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [ExerciseTemplate.model_validate_json(row["doc"]) for row in rows]

    async def get(self, user_id: int, template_id: str) -> ExerciseTemplate | None:
        row = await self._db.fetchone(
            "SELECT doc FROM templates WHERE user_id = ? AND id = ?", (user_id, template_id)
        )
        return ExerciseTemplate.model_validate_json(row["doc"]) if row else None
