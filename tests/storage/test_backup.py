"""`spotter backup`: a copy of a live embedded store, taken while it is written to, restores
into a fresh folder with every row committed before the copy began, and the key opens it."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.cli.main import main
from bot.process.runtime import build_runtime
from core.models import ExerciseSet, HevyCredential, User, Workout, WorkoutExercise
from core.settings import load_settings


def workout(n: int) -> Workout:
    start = datetime(2025, 1, 1, 7, tzinfo=UTC) + timedelta(hours=n)
    return Workout(
        id=f"w{n}",
        title=f"Session {n}",
        start_time=start,
        end_time=start + timedelta(hours=1),
        exercises=[
            WorkoutExercise(
                index=0,
                title="Squat (Barbell)",
                template_id="D04AC939",
                sets=[ExerciseSet(index=i, weight_kg=100.0 + n, reps=5) for i in range(3)],
            )
        ],
    )


async def test_a_backup_under_writes_restores_every_row_into_a_fresh_folder(
    tmp_path, monkeypatch
) -> None:
    live = tmp_path / "live"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{live}/spotter.db")
    runtime = await build_runtime(load_settings())
    store = runtime.store
    await store.users.put(User(id=1, chat_id=1, name="Lifter"))
    sealed = runtime.vault.encrypt("hevy-api-key-of-lifter-1", owner=1)
    await store.credentials.put(HevyCredential(user_id=1, ciphertext=sealed))
    committed: list[str] = []
    stop, warmed_up = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            await store.workouts.upsert(1, [workout(n)])
            committed.append(f"w{n}")
            if n == 100:
                warmed_up.set()
            n += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        await asyncio.wait_for(warmed_up.wait(), 60)
        before = list(committed)
        code = await asyncio.to_thread(main, ["backup", str(tmp_path / "copy")])
        await asyncio.sleep(0.05)
        after = list(committed)
    finally:
        stop.set()
        await task
        await runtime.aclose()
    assert code == 0
    assert len(after) > len(before), "the store was being written while the copy ran"
    copied = sorted(p.name for p in (tmp_path / "copy").iterdir())
    assert copied == ["secret.key", "spotter.db"], "one self-contained file and its key"

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in copied:
        shutil.copy2(tmp_path / "copy" / name, fresh / name)
    restored = await build_runtime(load_settings(database_url=f"sqlite:///{fresh}/spotter.db"))
    try:
        ids = {w.id for w in await restored.store.workouts.list(1)}
        assert set(before) <= ids <= set(after)
        assert ids == {f"w{n}" for n in range(len(ids))}, "one instant: no gap, no torn write"
        sets = await restored.store.workouts.sets(1)
        assert len(sets) == 3 * len(ids)
        credential = await restored.store.credentials.get(1)
        assert restored.vault.decrypt(credential.ciphertext, owner=1) == "hevy-api-key-of-lifter-1"
    finally:
        await restored.aclose()
    with sqlite3.connect(fresh / "spotter.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_refuses_to_overwrite_and_points_mongodb_at_mongodump(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mongodb://127.0.0.1:1/spotter")
    assert main(["backup", str(tmp_path / "copy")]) == 2
    assert "mongodump" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/nothing/spotter.db")
    assert main(["backup", str(tmp_path / "copy")]) == 2
    assert "does not exist" in capsys.readouterr().err


async def test_backup_never_writes_the_key_into_a_folder_others_can_reach_or_through_a_link(
    tmp_path, monkeypatch, capsys
) -> None:
    live = tmp_path / "live"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{live}/spotter.db")
    runtime = await build_runtime(load_settings())  # makes the store and data/secret.key
    await runtime.aclose()
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    stolen = tmp_path / "stolen.key"
    (shared / "secret.key").symlink_to(stolen)
    assert await asyncio.to_thread(main, ["backup", str(shared)]) == 2
    assert "not private" in capsys.readouterr().err
    assert not stolen.exists()

    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "secret.key").symlink_to(stolen)  # planted even in a private folder: refused
    assert await asyncio.to_thread(main, ["backup", str(private)]) != 0
    assert not stolen.exists()

    fresh = tmp_path / "fresh"
    assert await asyncio.to_thread(main, ["backup", str(fresh)]) == 0
    for name in ("spotter.db", "secret.key"):
        assert (fresh / name).stat().st_mode & 0o777 == 0o600, name
