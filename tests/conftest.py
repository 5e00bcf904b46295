"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Tests that start a process (`spotter run`, the demo, a browser, a second Python): `make check`
# leaves them out (`-m "not process"`) and `make test`, which CI runs, keeps them. A new module
# that starts one belongs here, or marks itself with `pytestmark = pytest.mark.process`.
PROCESS_TESTS = (
    "tests/e2e/",
    "tests/loop/test_crashes.py",
    "tests/loop/test_two_processes.py",
    "tests/test_bench_smoke.py",
    "tests/test_cli.py",
    "tests/test_demo.py",
    "tests/test_plan_command.py",
    "tests/test_lean_start.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.relative_to(REPO).as_posix().startswith(PROCESS_TESTS):
            item.add_marker(pytest.mark.process)


@pytest.fixture
def shared() -> Path:
    """The read-only `../shared` folder; tests that need it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: it holds the Hevy spec and the real lifter snapshot")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's environment or `.env`: settings come from the test."""
    from core.settings import Settings

    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


# The store backends (SQLite file, MongoDB over the wire) serve every test folder.
from tests.backends import mongo_url, open_store, store  # noqa: E402, F401


@pytest.fixture
def snapshot(shared: Path) -> Path:
    """The real lifter's Hevy snapshot folder."""
    return shared / "hevy" / "fixtures"


@pytest.fixture
async def sandbox():
    """The Hevy sandbox on loopback, empty: tests add accounts."""
    from sandbox.server import serve
    from sandbox.state import SandboxState

    async with serve(SandboxState()) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
async def sqlite_store(tmp_path: Path):
    """One backend where the backend is not the point (the contract suite covers both)."""
    from storage.sqlite import SqliteStore

    db = await SqliteStore.open(tmp_path / "spotter.db")
    yield db
    await db.close()
