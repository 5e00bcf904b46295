"""Hevy fixtures: the spec, the real snapshot, and the sandbox served on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from core.hevy.client import HevyConnector, RetryPolicy
from core.hevy.pacing import PacerRegistry
from tests.hevy.spec import HevySpec

FAST_RETRY = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def spec(shared: Path) -> HevySpec:
    return HevySpec(shared / "hevy" / "openapi.json")


def connector_for(base_url: str, http: httpx.AsyncClient, **kwargs) -> HevyConnector:
    """A connector without the 1 s pacing, so tests run at loopback speed."""
    kwargs.setdefault("retry", FAST_RETRY)
    return HevyConnector(base_url, http, pacers=PacerRegistry(min_interval=0), **kwargs)
