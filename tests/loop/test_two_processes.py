"""Two real `spotter run --webhook` processes on one database (a SQLite file, and MongoDB over
the wire), behind a "load balancer" that hands each update to either of them, against the
loopback fakes of Telegram, Claude and Hevy. What a lifter can rely on:

- each user is backfilled once, and synced at most once per interval slot;
- every queued notification is delivered exactly once (no Telegram fault here, so no
  `maybe_sent` either);
- a plan approved from both processes at once (a double tap on two devices) writes one Spotter
  folder and one routine per day.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.models import ExerciseTemplate, HevyCredential, OutboxMessage, Plan, User
from sandbox.catalogue import built_in_templates
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from sandbox.server import free_port, serve, serve_asgi
from sandbox.state import SandboxState
from storage.factory import open_store
from tests.backends import mongo_server
from tests.e2e.conftest import TOKEN, terminate
from tests.fakes.claude import FakeClaude
from tests.fakes.telegram import FakeTelegram
from tests.loop.test_crashes import two_day_plan
from tests.test_cli import clean_env

SPOTTER = Path(sys.executable).with_name("spotter")
INTERVAL = 60  # the smallest SYNC_INTERVAL_SECONDS allowed
USERS = (701, 702, 703, 704)
SYNCED_BY_HAND = (701, 702)  # these also send /sync to both processes at once
APPROVER = 703
SECRET = "webhook-secret-for-tests"
MESSAGES = 24
_update_ids = itertools.count(10_000)


async def prepare(database_url: str, hevy: SandboxState, key: str) -> dict[int, str]:
    """Users linked to generated Hevy accounts, a draft plan, and queued notifications."""
    store = await open_store(database_url)
    vault = KeyVault(parse_master_keys(key))
    api_keys = {}
    templates = [
        ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"])
        for t in built_in_templates()
    ]
    try:
        for n, uid in enumerate(USERS):
            account = hevy.add_account(f"Lifter {uid}")
            load_generated(account, Lifter(seed=n, weeks=10))
            api_keys[uid] = account.api_key
            await store.users.put(User(id=uid, chat_id=uid, name=f"Lifter {uid}"))
            sealed = vault.encrypt(account.api_key, owner=uid)
            await store.credentials.put(HevyCredential(user_id=uid, ciphertext=sealed))
        await store.templates.replace_all(APPROVER, templates)
        body = two_day_plan().model_dump(mode="json")
        await store.plans.put(Plan(id="p2", user_id=APPROVER, title="Two-day block", body=body))
        for n in range(MESSAGES):
            uid = USERS[n % len(USERS)]
            await store.outbox.enqueue(
                OutboxMessage(
                    id=f"m{n}", user_id=uid, chat_id=uid, text=f"note {n}", dedupe_key=f"k{n}"
                )
            )
    finally:
        await store.close()
    return api_keys


async def start(
    folder: Path, name: str, env: dict[str, str]
) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    log = (folder / f"{name}.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        str(SPOTTER),
        "run",
        "--webhook",
        cwd=folder,
        env=clean_env(**env, WEB_PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}"),
        stdout=log,
        stderr=log,
    )
    web = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            assert process.returncode is None, (folder / f"{name}.log").read_text()
            try:
                if (await client.get(f"{web}/healthz")).status_code == 200:
                    return process, web
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError((folder / f"{name}.log").read_text())


def user(uid: int) -> dict:
    return {"id": uid, "is_bot": False, "first_name": "Lifter"}


def command(uid: int, text: str) -> dict:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(time.time()),
            "chat": {"id": uid, "type": "private"},
            "from": user(uid),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


def tap(uid: int, data: str) -> dict:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(uid),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": uid, "type": "private"},
                "from": {"id": 1, "is_bot": True, "first_name": "Spotter"},
                "text": "plan preview",
            },
        },
    }


async def deliver(client: httpx.AsyncClient, web: str, update: dict) -> None:
    """The load balancer: hand the update to one process's webhook."""
    answer = await client.post(
        f"{web}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert answer.status_code == 200


async def scenario(folder: Path, database_url: str) -> None:
    key = generate_master_key()
    telegram, hevy_state = FakeTelegram(), SandboxState()
    async with (
        serve_asgi(telegram.app) as tg_url,
        serve_asgi(FakeClaude([]).app) as claude_url,
        serve(hevy_state) as hevy,
    ):
        api_keys = await prepare(database_url, hevy_state, key)
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": f"{tg_url}/bot",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "ANTHROPIC_API_KEY": "sk-test",
            "ANTHROPIC_BASE_URL": claude_url,
            "HEVY_BASE_URL": hevy.base_url,
            "DATABASE_URL": database_url,
            "SPOTTER_SECRET_KEY": key,
            "SPOTTER_ACCESS": "open",
            "SYNC_INTERVAL_SECONDS": str(INTERVAL),
        }
        first, second = await asyncio.gather(start(folder, "a", env), start(folder, "b", env))
        started = time.time()
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                both = (first[1], second[1])
                await asyncio.gather(
                    *(deliver(client, web, command(uid, "/sync")) for uid in SYNCED_BY_HAND for web in both),
                    *(deliver(client, web, tap(APPROVER, "plan:approve:p2")) for web in both),
                )  # fmt: skip
                # Every user's first scheduled round fires within one interval in each process:
                # wait that long, so that a second round in the same slot would have shown.
                deadline = started + INTERVAL + 20
                while time.time() < deadline:
                    if time.time() > started + INTERVAL + 2 and _all_done(
                        telegram, hevy_state, api_keys
                    ):
                        break
                    await asyncio.sleep(0.5)
        finally:
            await asyncio.gather(terminate(first[0]), terminate(second[0]))

        logs = "".join((folder / f"{n}.log").read_text() for n in ("a", "b"))
        assert "Traceback" not in logs, logs[-3000:]
        by_key = {k: uid for uid, k in api_keys.items()}
        backfills = Counter(
            by_key[r.api_key] for r in hevy_state.requests if r.path == "/v1/workouts/count"
        )
        assert backfills == Counter(USERS), f"one backfill per user: {backfills}"
        pages = Counter(
            (by_key[r.api_key], r.query.get("page"))
            for r in hevy_state.requests
            if r.path == "/v1/workouts"
        )
        assert pages and max(pages.values()) == 1, f"a page fetched twice: {pages}"
        for uid in set(USERS) - set(SYNCED_BY_HAND):  # only scheduled rounds sync these
            rounds = Counter(
                math.floor(r.at / INTERVAL)
                for r in hevy_state.requests
                if r.api_key == api_keys[uid]
                and r.path in ("/v1/workouts/count", "/v1/workouts/events")
            )
            assert rounds and max(rounds.values()) == 1, f"user {uid}: {rounds}"

        notes = Counter(
            c.params["text"] for c in telegram.sent("sendMessage") if c.params["text"].startswith("note ")
        )  # fmt: skip
        assert notes == Counter(f"note {n}" for n in range(MESSAGES)), notes

        account = hevy_state.accounts[api_keys[APPROVER]]
        assert [f["title"] for f in account.folders] == ["Spotter"]
        assert sorted(r["title"] for r in account.routines.values()) == [
            "Spotter · Day A",
            "Spotter · Day B",
        ]


def _all_done(telegram: FakeTelegram, hevy: SandboxState, api_keys: dict[int, str]) -> bool:
    notes = sum(c.params["text"].startswith("note ") for c in telegram.sent("sendMessage"))
    backfilled = {r.api_key for r in hevy.requests if r.path == "/v1/workouts/count"}
    approved = any("routines are in your Spotter folder" in c.params.get("text", "")
                   for c in telegram.sent("sendMessage"))  # fmt: skip
    return notes >= MESSAGES and backfilled >= set(api_keys.values()) and approved


@pytest.mark.slow
async def test_two_processes_on_sqlite_and_on_mongodb_split_the_work_without_doubles(
    tmp_path: Path,
) -> None:
    async with mongo_server(tmp_path) as mongo_url:
        sqlite_dir, mongo_dir = tmp_path / "sqlite", tmp_path / "mongo"
        sqlite_dir.mkdir()
        mongo_dir.mkdir()
        await asyncio.gather(
            scenario(sqlite_dir, f"sqlite:///{sqlite_dir}/data/spotter.db"),
            scenario(mongo_dir, mongo_url),
        )
