"""Sync against the sandbox serving the real lifter's snapshot (and generated lifters)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import httpx
import pytest

from core.hevy.errors import HevyUnavailable
from core.models import User
from core.ports import Store
from core.services.sync import SyncService
from sandbox.generator import Lifter
from sandbox.seed import load_generated, load_snapshot
from sandbox.server import RunningSandbox
from tests.hevy.conftest import connector_for
from tests.hevy.spec import HevySpec

USER = 101


async def service_for(store: Store) -> SyncService:
    """The sync service, for a lifter who exists (a sync stops for an erased one)."""
    await store.users.put(User(id=USER))
    return SyncService(store)


@pytest.fixture
def snapshot_account(sandbox: RunningSandbox, snapshot: Path):
    account = sandbox.state.add_account("Snapshot")
    load_snapshot(account, snapshot)
    return account


def raw_workouts(snapshot: Path) -> list[dict]:
    return json.loads((snapshot / "workouts.json").read_text())


async def test_backfill_stores_every_snapshot_workout_once_in_few_requests(
    store: Store, sandbox: RunningSandbox, snapshot_account, snapshot: Path, http: httpx.AsyncClient
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    report = await (await service_for(store)).sync(USER, client, progress)

    raw = raw_workouts(snapshot)
    assert await store.workouts.count(USER) == len(raw) == 169
    stored = await store.workouts.list(USER)
    assert sorted(w.id for w in stored) == sorted(w["id"] for w in raw)
    assert [w.start_time for w in stored] == sorted(w.start_time for w in stored)
    total_sets = sum(len(e["sets"]) for w in raw for e in w["exercises"])
    assert len(await store.workouts.sets(USER)) == total_sets

    pages = math.ceil(169 / 10)
    template_pages = math.ceil(len(snapshot_account.templates) / 100)
    # count + workout pages + the catalogue: a small constant beyond ⌈169/10⌉
    assert report.requests == pages + 1 + template_pages
    print(f"\nbackfill of 169 workouts: {report.requests} requests ({pages} workout pages)")
    assert seen[0] == (0, 169) and seen[-1] == (169, 169)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(await store.templates.list(USER)) == len(snapshot_account.templates)


async def test_backfill_resumes_after_a_crash_without_duplicates(
    sqlite_store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    crash_after = 6

    class Crash(BaseException):
        """Stands in for the process dying (not an error the service could catch)."""

    async def die_after_page_k(done: int, total: int) -> None:
        if done >= crash_after * 10:
            raise Crash

    with pytest.raises(Crash):
        await (await service_for(sqlite_store)).sync(USER, client, die_after_page_k)
    assert await sqlite_store.workouts.count(USER) == crash_after * 10
    requests_before = sandbox.state.requests_to("/v1/workouts")

    report = await (await service_for(sqlite_store)).sync(USER, client)
    assert await sqlite_store.workouts.count(USER) == 169
    workout_pages = sandbox.state.requests_to("/v1/workouts") - requests_before - 1  # - count
    assert workout_pages == 17 - crash_after, "resumed at the page after the last stored one"
    assert report.backfill_complete


async def test_a_failed_page_fails_loudly_and_keeps_the_cursor(
    sqlite_store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    sandbox.state.faults.inject(
        500, method="GET", path="^/v1/workouts$", query={"page": "4"}, times=5
    )
    with pytest.raises(HevyUnavailable):
        await (await service_for(sqlite_store)).sync(USER, client)
    state = await sqlite_store.sync_state.get(USER)
    assert state.backfill_next_page == 4 and not state.backfill_complete
    assert "HevyUnavailable" in state.last_error
    assert await sqlite_store.workouts.count(USER) == 30

    await (await service_for(sqlite_store)).sync(USER, client)
    assert await sqlite_store.workouts.count(USER) == 169
    assert (await sqlite_store.sync_state.get(USER)).last_error is None


async def test_five_5xx_in_a_row_end_in_a_typed_error_with_nothing_written(
    sqlite_store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    sandbox.state.faults.inject(503, path="^/v1/workouts$", times=5)
    with pytest.raises(HevyUnavailable):
        await (await service_for(sqlite_store)).sync(USER, client)
    assert await sqlite_store.workouts.count(USER) == 0


async def test_429_then_success_honours_retry_after(
    sqlite_store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    import time

    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    sandbox.state.faults.inject(429, path="^/v1/workouts/count$", retry_after=1)
    started = time.monotonic()
    await (await service_for(sqlite_store)).sync(USER, client)
    assert time.monotonic() - started >= 1.0
    assert await sqlite_store.workouts.count(USER) == 169


async def test_incremental_sync_applies_new_edited_and_deleted_workouts(
    store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    service = await service_for(store)
    await service.sync(USER, client)

    before = sandbox.state.requests_to("/v1/")
    quiet = await service.sync(USER, client)
    assert quiet.requests == 1 and sandbox.state.requests_to("/v1/") - before == 1
    assert (quiet.upserted, quiet.deleted) == (0, 0)

    account = snapshot_account
    victim, edited_id = sorted(account.workouts)[:2]
    account.delete_workout(victim)
    edited = json.loads(json.dumps(account.workouts[edited_id]))
    edited["title"] = "Edited in the app"
    edited["exercises"][0]["sets"][0]["reps"] = 99
    account.put_workout(edited)
    new = json.loads(json.dumps(edited))
    new["id"] = "new-workout-id"
    new["start_time"] = "2026-06-01T17:00:00+00:00"
    new["title"] = "Brand new"
    account.put_workout(new)

    report = await service.sync(USER, client)
    assert (report.upserted, report.deleted) == (2, 1)
    assert await store.workouts.get(USER, victim) is None
    got = await store.workouts.get(USER, edited_id)
    assert got.title == "Edited in the app" and got.exercises[0].sets[0].reps == 99
    assert (await store.workouts.get(USER, "new-workout-id")).title == "Brand new"
    assert await store.workouts.count(USER) == 169 + 1 - 1
    assert (await service.sync(USER, client)).upserted == 0


async def test_an_unknown_exercise_refreshes_the_catalogue(
    sqlite_store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    load_generated(account, Lifter(seed=5, weeks=8))
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    service = await service_for(sqlite_store)
    await service.sync(USER, client)
    catalogue_calls = sandbox.state.requests_to("/v1/exercise_templates")

    custom = {
        "id": "b1a2c3d4-0000-4000-8000-000000000001",
        "title": "Landmine Press",
        "type": "weight_reps",
        "primary_muscle_group": "shoulders",
        "secondary_muscle_groups": ["chest"],
        "equipment_category": "barbell",
        "is_custom": True,
    }
    account.templates.append(custom)
    workout = json.loads(json.dumps(next(iter(account.workouts.values()))))
    workout["id"] = "with-custom"
    workout["exercises"][0]["exercise_template_id"] = custom["id"]
    account.put_workout(workout)

    await service.sync(USER, client)
    assert sandbox.state.requests_to("/v1/exercise_templates") == catalogue_calls + 1
    assert (await sqlite_store.templates.get(USER, custom["id"])).title == "Landmine Press"


async def test_a_generated_year_backfills_through_the_sandbox(
    sqlite_store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    load_generated(account, Lifter(seed=11, weeks=60, units="lb"))
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    report = await (await service_for(sqlite_store)).sync(USER, client)
    n = len(account.workouts)
    assert await sqlite_store.workouts.count(USER) == n > 180
    assert report.requests == math.ceil(n / 10) + 1 + 1


async def test_sync_requests_fit_the_spec(
    sqlite_store: Store, sandbox: RunningSandbox, snapshot_account, http, spec: HevySpec
) -> None:
    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    await (await service_for(sqlite_store)).sync(USER, client)
    await (await service_for(sqlite_store)).sync(USER, client)
    for seen in sandbox.state.requests:
        assert seen.method == "GET"
        size = int(seen.query.get("pageSize", 1))
        assert size <= (100 if seen.path == "/v1/exercise_templates" else 10)
        if seen.path == "/v1/workouts/events":
            assert seen.query["since"].endswith("Z") and len(seen.query["since"]) == 20


async def test_a_sync_that_changes_the_log_refreshes_records_and_a_quiet_one_does_not(
    store: Store, sandbox: RunningSandbox, snapshot_account, http: httpx.AsyncClient
) -> None:
    from core.services.insights import Insights

    client = connector_for(sandbox.base_url, http).client(snapshot_account.api_key)
    await store.users.put(User(id=USER))
    insights = Insights(store)
    warmed: list[int] = []

    async def warm(user_id: int) -> None:
        warmed.append(user_id)
        await insights.warm(user_id)

    service = SyncService(store, after_change=warm)
    await service.sync(USER, client)
    assert warmed == [USER]
    before = (await insights.records(USER))["2B4B7310"].heaviest.weight_kg  # RDL, barbell

    reads = 0
    real_sets = store.workouts.sets

    async def counting_sets(*args, **kwargs):
        nonlocal reads
        reads += 1
        return await real_sets(*args, **kwargs)

    store.workouts.sets = counting_sets  # type: ignore[method-assign]
    await insights.records(USER)
    await insights.rep_prs(USER)
    assert reads == 0, "records and rep-PRs come from what the sync derived"

    await service.sync(USER, client)  # nothing new in Hevy
    assert warmed == [USER]

    heavier = json.loads(json.dumps(next(iter(snapshot_account.workouts.values()))))
    heavier["id"] = "pr-day"
    heavier["start_time"] = "2026-06-01T17:00:00+00:00"
    heavier["end_time"] = "2026-06-01T18:00:00+00:00"
    heavier["exercises"] = [
        {"index": 0, "title": "Romanian Deadlift (Barbell)", "exercise_template_id": "2B4B7310",
         "notes": "", "superset_id": None,
         "sets": [{"index": 0, "type": "normal", "weight_kg": before + 10, "reps": 1,
                   "distance_meters": None, "duration_seconds": None, "rpe": None}]}
    ]  # fmt: skip
    snapshot_account.put_workout(heavier)
    await service.sync(USER, client)
    assert warmed == [USER, USER]
    assert (await insights.records(USER))["2B4B7310"].heaviest.weight_kg == before + 10
