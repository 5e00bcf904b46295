"""Two workers on one database (SQLite file, or MongoDB over the wire): each due user is synced
once per interval, and every queued message is delivered exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.models import OutboxMessage, User
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.outbox import Outbox
from core.services.plan_loop import PlanLoop
from core.services.plan_writer import PlanWriter
from core.services.rounds import Rounds
from core.services.sync import SyncService
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from tests.hevy.conftest import connector_for

USERS = range(1, 7)


def worker(store, vault, sandbox, http) -> tuple[Rounds, Outbox]:
    accounts = HevyAccounts(store, vault, connector_for(sandbox.base_url, http))
    outbox = Outbox(store)
    loop = PlanLoop(store, PlanWriter(store, accounts, HevyWriter(store)), outbox)
    return Rounds(store, accounts, SyncService(store), loop, interval_seconds=900), outbox


async def test_two_workers_sync_each_user_once_and_deliver_each_message_once(
    open_store, sandbox, http: httpx.AsyncClient
) -> None:
    first, second = await open_store(), await open_store()
    vault = KeyVault(parse_master_keys(generate_master_key()))
    keys = {}
    for uid in USERS:
        account = sandbox.state.add_account(f"L{uid}")
        load_generated(account, Lifter(seed=uid, weeks=6))
        keys[account.api_key] = uid
        await first.users.put(User(id=uid, chat_id=uid))
        await HevyAccounts(first, vault, connector_for(sandbox.base_url, http)).link(
            uid, account.api_key
        )
    a, a_out = worker(first, vault, sandbox, http)
    b, b_out = worker(second, vault, sandbox, http)

    # Both workers' timers fire for every user, twice, within one interval.
    results = await asyncio.gather(*(w.run(uid) for _ in range(2) for w in (a, b) for uid in USERS))
    assert sum(r.ran for r in results) == len(USERS)
    counts = Counter()
    for seen in sandbox.state.requests:
        if seen.path == "/v1/workouts/count":
            counts[seen.method] += 1
    assert counts["GET"] == len(USERS), "one backfill per user"
    for uid in USERS:
        assert await first.workouts.count(uid) == await second.workouts.count(uid) > 0

    for n in range(40):
        await a_out.enqueue(1 + n % 6, 1 + n % 6, f"note {n}", dedupe_key=f"k{n}")
        await b_out.enqueue(
            1 + n % 6, 1 + n % 6, f"note {n}", dedupe_key=f"k{n}"
        )  # a twin: ignored
    delivered: list[str] = []

    async def send(message: OutboxMessage) -> None:
        await asyncio.sleep(0.001)
        delivered.append(message.text)

    for _ in range(20):
        await asyncio.gather(a_out.deliver(send, "worker-a"), b_out.deliver(send, "worker-b"))
        if len(delivered) >= 40:
            break
        await asyncio.sleep(1.05)  # one message a second per chat
    print(f"\ndelivered {len(delivered)} of 40 queued (40 twins ignored) in two workers")
    assert sorted(delivered) == sorted(f"note {n}" for n in range(40))
    assert await first.outbox.pending_count() == 0
