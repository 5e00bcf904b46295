"""The embedded store facing damaged files, newer schemas and missing folders."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from core.errors import SchemaTooNew, StoreUnavailable
from core.models import User
from storage.sqlite import SqliteStore
from storage.sqlite.schema import LATEST


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_new_store_creates_its_folder_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "data" / "spotter.db"
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == LATEST
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"sets_user_template_start", "workouts_user_start", "outbox_due"} <= indexes


async def test_the_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "spotter.db")
    await store.close()
    assert (tmp_path / "spotter.db").stat().st_mode & 0o777 == 0o600


async def test_schema_from_a_newer_spotter_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "spotter.db"
    store = await SqliteStore.open(path)
    await store.users.put(User(id=1))
    await store.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    before = digest(path)
    with pytest.raises(SchemaTooNew, match="upgrade Spotter"):
        await SqliteStore.open(path)
    assert digest(path) == before


async def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "spotter.db"
    path.write_bytes(b"this is not sqlite" * 100)
    before = digest(path)
    with pytest.raises(StoreUnavailable, match="not a readable SQLite database"):
        await SqliteStore.open(path)
    assert digest(path) == before


async def test_data_folder_that_is_a_file_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("oops")
    with pytest.raises(StoreUnavailable, match="is not a folder"):
        await SqliteStore.open(tmp_path / "data" / "spotter.db")


async def test_database_path_that_is_a_folder_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "spotter.db").mkdir()
    with pytest.raises(StoreUnavailable, match="is not a file"):
        await SqliteStore.open(tmp_path / "spotter.db")


async def test_two_processes_opening_a_fresh_file_migrate_it_once(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "spotter.db"
    stores = await asyncio.gather(*(SqliteStore.open(path) for _ in range(4)))
    try:
        assert {await s.schema_version() for s in stores} == {LATEST}
    finally:
        for s in stores:
            await s.close()


async def test_a_write_cut_off_midway_leaves_nothing_half_written(tmp_path: Path) -> None:
    """A batch that fails inside its transaction lands not at all (as after a kill mid-write)."""
    from datetime import UTC, datetime

    from core.models import ExerciseSet, Workout, WorkoutExercise

    store = await SqliteStore.open(tmp_path / "spotter.db")
    good = Workout(
        id="w1",
        start_time=datetime(2026, 1, 5, tzinfo=UTC),
        exercises=[WorkoutExercise(index=0, template_id="X", sets=[ExerciseSet(index=0)])],
    )
    # Two sets with one index collide on the sets primary key after w1 was written.
    bad = good.model_copy(
        update={
            "id": "w2",
            "exercises": [
                WorkoutExercise(
                    index=0, template_id="X", sets=[ExerciseSet(index=0), ExerciseSet(index=0)]
                )
            ],
        }
    )
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await store.workouts.upsert(1, [good, bad])
        assert await store.workouts.count(1) == 0
        assert await store.workouts.sets(1) == []
    finally:
        await store.close()
