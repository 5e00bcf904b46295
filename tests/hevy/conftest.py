"""Hevy fixtures: the spec, the real snapshot, and the sandbox served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.hevy.client import HevyConnector, RetryPolicy
from core.hevy.pacing import PacerRegistry
from sandbox.server import RunningSandbox, serve
from sandbox.state import SandboxState
from storage.sqlite import SqliteStore
from tests.hevy.spec import HevySpec

FAST_RETRY = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def spec(shared: Path) -> HevySpec:
    return HevySpec(shared / "hevy" / "openapi.json")


@pytest.fixture
def snapshot(shared: Path) -> Path:
    return shared / "hevy" / "fixtures"


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    async with serve(SandboxState()) as running:
        yield running


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """One backend where the backend is not the point (the contract suite covers both)."""
    store = await SqliteStore.open(tmp_path / "spotter.db")
    yield store
    await store.close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def connector_for(base_url: str, http: httpx.AsyncClient, **kwargs) -> HevyConnector:
    """A connector without the 1 s pacing, so tests run at loopback speed."""
    kwargs.setdefault("retry", FAST_RETRY)
    return HevyConnector(base_url, http, pacers=PacerRegistry(min_interval=0), **kwargs)
