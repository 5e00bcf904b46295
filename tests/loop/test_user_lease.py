"""The user's lease, on both stores, with two "processes" (separate store connections and lease
owners): one folder and one routine per day when both approve, each page fetched once when two
syncs start together, nothing left behind when `/delete` lands in the middle of a backfill."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.models import ExerciseTemplate, Plan, PlanStatus, User
from core.services.erasure import Erasure
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_writer import PlanWriter
from core.services.sync import SyncService
from core.services.user_lease import UserBusy, UserGone, UserLeases
from sandbox.catalogue import built_in_templates
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from tests.hevy.conftest import connector_for
from tests.loop.test_crashes import two_day_plan

USER = 5


async def linked(store, sandbox, http, vault, *, weeks: int = 0):
    account = sandbox.state.add_account("Leased")
    if weeks:
        load_generated(account, Lifter(seed=3, weeks=weeks))
    await store.users.put(User(id=USER, chat_id=USER))
    await HevyAccounts(store, vault, connector_for(sandbox.base_url, http)).link(
        USER, account.api_key
    )
    return account


def process(store, vault, sandbox, http) -> tuple[HevyAccounts, UserLeases]:
    """What one `spotter run` holds: its own store connection and its own lease owner."""
    accounts = HevyAccounts(store, vault, connector_for(sandbox.base_url, http))
    return accounts, UserLeases(store)


async def test_two_processes_approving_at_once_write_one_folder_and_one_routine_per_day(
    open_store, sandbox, http: httpx.AsyncClient
) -> None:
    first, second = await open_store(), await open_store()
    vault = KeyVault(parse_master_keys(generate_master_key()))
    account = await linked(first, sandbox, http, vault)
    await first.templates.replace_all(
        USER,
        [
            ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"])
            for t in built_in_templates()
        ],
    )
    body = two_day_plan().model_dump(mode="json")
    await first.plans.put(Plan(id="p", user_id=USER, title="Block", body=body))
    sandbox.state.latency = 0.05  # each write takes a while, as Hevy's do

    writers = []
    for store in (first, second):
        accounts, leases = process(store, vault, sandbox, http)
        writers.append(PlanWriter(store, accounts, HevyWriter(store), leases))
    results = await asyncio.gather(*(w.approve(USER, "p") for w in writers))

    assert [f["title"] for f in account.folders] == ["Spotter"]
    assert sorted(r["title"] for r in account.routines.values()) == [
        "Spotter · Day A",
        "Spotter · Day B",
    ]
    assert all(r.plan.status == PlanStatus.IN_HEVY for r in results)


async def test_a_sync_command_and_a_scheduled_round_together_fetch_each_page_once(
    open_store, sandbox, http: httpx.AsyncClient
) -> None:
    first, second = await open_store(), await open_store()
    vault = KeyVault(parse_master_keys(generate_master_key()))
    await linked(first, sandbox, http, vault, weeks=20)
    sandbox.state.latency = 0.02

    async def sync(store) -> str:
        accounts, leases = process(store, vault, sandbox, http)
        try:
            await SyncService(store, leases=leases).sync(USER, await accounts.client_for(USER))
        except UserBusy:
            return "busy"
        return "synced"

    outcomes = await asyncio.gather(sync(first), sync(second))

    assert sorted(outcomes) == ["busy", "synced"]
    pages = Counter(r.query.get("page") for r in sandbox.state.requests if r.path == "/v1/workouts")
    assert pages and max(pages.values()) == 1, f"pages fetched twice: {pages}"


async def test_delete_during_a_backfill_leaves_no_workouts_templates_or_sync_state(
    sqlite_store, sandbox, http: httpx.AsyncClient
) -> None:
    store = sqlite_store
    vault = KeyVault(parse_master_keys(generate_master_key()))
    await linked(store, sandbox, http, vault, weeks=30)
    sandbox.state.latency = 0.05
    accounts, leases = process(store, vault, sandbox, http)
    started = asyncio.Event()

    async def progress(done: int, total: int) -> None:
        if done:
            started.set()

    backfill = asyncio.create_task(
        SyncService(store, leases=leases).sync(USER, await accounts.client_for(USER), progress)
    )
    await started.wait()
    await Erasure(store, UserLeases(store)).erase(USER)

    with pytest.raises(UserGone):
        await backfill
    assert await store.users.get(USER) is None
    assert await store.workouts.count(USER) == 0
    assert await store.templates.list(USER) == []
    assert (await store.sync_state.get(USER)).backfill_next_page == 1
    assert await store.credentials.get(USER) is None
