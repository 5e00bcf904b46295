"""One scheduled round for one user, as its own process: the crash test kills it at failpoints.

Usage: python -m tests.loop.driver DB HEVY_URL SENT_LOG USER_ID (SPOTTER_SECRET_KEY in the env).
It approves the user's plan if that is still pending, syncs, advances the plan, and delivers the
outbox by appending each message to SENT_LOG (standing in for Telegram).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx

from core.crypto import KeyVault, parse_master_keys
from core.hevy.client import HevyConnector
from core.hevy.pacing import PacerRegistry
from core.models import OutboxMessage, PlanStatus
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.outbox import Outbox
from core.services.plan_loop import PlanLoop
from core.services.plan_writer import PlanWriter
from core.services.sync import SyncService
from core.services.user_lease import UserLeases
from storage.sqlite import SqliteStore


async def main(db: str, hevy_url: str, sent_log: str, user_id: int) -> None:
    store = await SqliteStore.open(Path(db))
    vault = KeyVault(parse_master_keys(os.environ["SPOTTER_SECRET_KEY"]))
    async with httpx.AsyncClient() as http:
        accounts = HevyAccounts(
            store, vault, HevyConnector(hevy_url, http, pacers=PacerRegistry(0))
        )
        # A short lease: the test restarts right after a kill, and must not wait 90 seconds.
        leases = UserLeases(store, ttl=1.0)
        writer = PlanWriter(store, accounts, HevyWriter(store), leases)
        outbox = Outbox(store, claim_seconds=1.0)
        plan = (await store.plans.list(user_id))[0]
        if plan.status in (PlanStatus.DRAFT, PlanStatus.APPROVED):
            await writer.approve(user_id, plan.id)
        await SyncService(store, leases=leases).sync(user_id, await accounts.client_for(user_id))
        await PlanLoop(store, writer, outbox).after_sync(user_id)

        def append(line: str) -> None:
            with open(sent_log, "a") as sink:
                sink.write(line)
                sink.flush()
                os.fsync(sink.fileno())

        async def send(message: OutboxMessage) -> None:
            line = json.dumps({"id": message.id, "text": message.text}) + "\n"
            await asyncio.to_thread(append, line)

        await outbox.deliver(send, owner="driver")
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
