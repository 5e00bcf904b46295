"""End to end: the real `spotter run` process, driven from outside through loopback fakes of
Telegram, Claude and Hevy (the sandbox seeded with the real snapshot)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sandbox.seed import load_snapshot
from sandbox.server import RunningSandbox, free_port, serve, serve_asgi
from sandbox.state import SandboxState
from tests.fakes.claude import FakeClaude, Reply, text
from tests.fakes.telegram import FakeTelegram
from tests.test_cli import clean_env

SPOTTER = Path(sys.executable).with_name("spotter")
TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


@dataclass
class Stack:
    telegram: FakeTelegram
    claude: FakeClaude
    hevy: RunningSandbox
    web: str
    process: asyncio.subprocess.Process
    log: Path

    async def get(self, path: str, **kw) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(self.web + path, **kw)

    async def post(self, path: str, **kw) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(self.web + path, **kw)


def default_script(request: dict) -> Reply:
    return Reply([text("Noted.")])


@pytest.fixture
def claude_script():
    """Override in a test module to script the coach."""
    return default_script


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {"SPOTTER_ACCESS": "open"}


Prepare = Callable[[RunningSandbox, dict[str, str]], Awaitable[None]]


@pytest.fixture
def before_start() -> Prepare | None:
    """Override in a test module to set the world up before `spotter run` starts: it gets the
    Hevy sandbox and the process's environment (its DATABASE_URL to seed, say)."""
    return None


@pytest.fixture
async def stack(
    tmp_path: Path, shared: Path, claude_script, extra_env, before_start: Prepare | None
) -> AsyncIterator[Stack]:
    telegram = FakeTelegram()
    claude = FakeClaude(claude_script)
    state = SandboxState()
    async with (
        serve_asgi(telegram.app) as tg_url,
        serve_asgi(claude.app) as claude_url,
        serve(state) as hevy,
    ):
        port = free_port()
        web = f"http://127.0.0.1:{port}"
        log = tmp_path / "spotter.log"
        env = clean_env(
            **{
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": f"{tg_url}/bot",
                "ANTHROPIC_API_KEY": "sk-test",
                "ANTHROPIC_BASE_URL": claude_url,
                "HEVY_BASE_URL": hevy.base_url,
                "DATABASE_URL": f"sqlite:///{tmp_path}/data/spotter.db",
                "PUBLIC_URL": web,
                "WEB_PORT": str(port),
                "LOG_LEVEL": "INFO",
                **extra_env,
            }
        )
        if before_start is not None:
            await before_start(hevy, env)
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                str(SPOTTER), "run", cwd=tmp_path, env=env, stdout=sink, stderr=sink
            )
        running = Stack(telegram, claude, hevy, web, process, log)
        try:
            await _until_ready(running)
            yield running
        finally:
            await terminate(process)
            if os.environ.get("SPOTTER_E2E_LOG"):
                print(log.read_text())


async def terminate(process: asyncio.subprocess.Process) -> None:
    """Stop a `spotter run` as an operator would (SIGTERM), killing it if it hangs."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _until_ready(stack: Stack) -> None:
    for _ in range(300):
        if stack.process.returncode is not None:
            raise AssertionError(f"spotter run exited:\n{stack.log.read_text()}")
        try:
            if (await stack.get("/healthz")).status_code == 200 and stack.telegram.sent(
                "setMyCommands"
            ):
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"spotter run did not become ready:\n{stack.log.read_text()}")


async def link_snapshot(stack: Stack, snapshot_dir: Path, user_id: int):
    """The real snapshot lifter as `user_id`, linked through /connect's login page and synced;
    their account in the Hevy fake."""
    tg = stack.telegram
    account = stack.hevy.state.add_account("Snapshot Lifter")
    load_snapshot(account, snapshot_dir)
    tg.send_text(user_id, "/connect")
    link = await tg.wait_for(
        lambda c: c.params.get("chat_id") == user_id and "/link/" in c.params.get("text", "")
    )
    path = re.search(r"(/link/[\w-]+)", link.params["text"]).group(1)
    assert (await stack.post(path, data={"api_key": account.api_key})).status_code == 200
    await tg.wait_for(lambda c: "Synced: 169 workouts" in c.params.get("text", ""), 60)
    await skip_setup(tg, user_id)
    return account


async def skip_setup(tg, user_id: int) -> None:
    """Skip the guided setup the bot offers (after /start, after linking) when it shows."""
    setup = await tg.wait_for(
        lambda c: (
            c.params.get("chat_id") == user_id
            and "ob:goal:rest" in str(c.params.get("reply_markup"))
        )
    )
    tg.press(user_id, setup, "ob:goal:rest")
    await tg.wait_for(
        lambda c: c.params.get("chat_id") == user_id and "All set." in c.params.get("text", "")
    )


__all__ = ["Stack", "link_snapshot", "load_snapshot", "skip_setup"]


@pytest.fixture
def snapshot_dir(shared: Path) -> Path:
    return shared / "hevy" / "fixtures"
