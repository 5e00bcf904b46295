"""The coach's test bench: a store holding the real snapshot, and the fake Claude on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import anthropic
import pytest

from core.coach.service import Coach, CoachConfig
from core.hevy.models import HevyTemplate, HevyWorkout
from core.models import User
from core.services.insights import Insights
from core.services.plans import PlanService
from sandbox.server import serve_asgi
from storage.sqlite import SqliteStore
from tests.fakes.claude import FakeClaude, Reply

LIFTER = 1
OTHER = 2


async def load_snapshot(store, user_id: int, folder: Path, name: str) -> None:
    await store.users.put(User(id=user_id, chat_id=user_id, name=name))
    templates = json.loads((folder / "exercise_templates.json").read_text())
    await store.templates.replace_all(
        user_id, [HevyTemplate.model_validate(t).to_domain() for t in templates]
    )
    workouts = json.loads((folder / "workouts.json").read_text())
    await store.workouts.upsert(
        user_id, [HevyWorkout.model_validate(w).to_domain() for w in workouts]
    )


@pytest.fixture
async def coach_store(tmp_path: Path, snapshot: Path) -> AsyncIterator[SqliteStore]:
    store = await SqliteStore.open(tmp_path / "spotter.db")
    await load_snapshot(store, LIFTER, snapshot, "Snapshot Lifter")
    yield store
    await store.close()


class Bench:
    """A coach wired to the fake Claude; `script` decides the fake's replies."""

    def __init__(self, store: SqliteStore, fake: FakeClaude, url: str, **config) -> None:
        self.store = store
        self.fake = fake
        self.insights = Insights(store)
        self.plans = PlanService(store, self.insights)
        self.client = anthropic.AsyncAnthropic(api_key="sk-test", base_url=url, max_retries=2)
        self.coach = Coach(
            self.client,
            store,
            self.insights,
            self.plans,
            CoachConfig(model="claude-test", small_model="claude-small", **config),
        )


@pytest.fixture
async def bench_factory(coach_store: SqliteStore):
    started = []

    async def make(script, **config) -> Bench:
        fake = FakeClaude(script)
        context = serve_asgi(fake.app)
        url = await context.__aenter__()
        bench = Bench(coach_store, fake, url, **config)
        started.append((context, bench))
        return bench

    yield make
    for context, bench in started:
        await bench.client.close()
        await context.__aexit__(None, None, None)


__all__ = ["LIFTER", "OTHER", "Bench", "Reply", "load_snapshot"]
