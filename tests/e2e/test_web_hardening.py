"""The web app's faults from the second red-team pass (issue 22), through the real `spotter run`
process: limits that one client behind a proxy cannot spend for everyone, a login page that
survives Telegram's 429, an admin who never sent /start, per-lifter limits on Mini App actions,
uvicorn's lines in the JSON log, and a bounded stop."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import time

import httpx
import pytest

ADMIN = 5151
LIFTER = 5252


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {"SPOTTER_ACCESS": "open", "SPOTTER_ADMINS": str(ADMIN)}


def log_entries(stack) -> list[dict]:
    """Every line of the process's log, parsed: a line that is not JSON fails the test."""
    return [json.loads(line) for line in stack.log.read_text().splitlines() if line.strip()]


async def login_path(stack, user_id: int) -> str:
    tg = stack.telegram
    tg.send_text(user_id, "/connect")
    link = await tg.wait_for(
        lambda c: c.params.get("chat_id") == user_id and "/link/" in c.params.get("text", "")
    )
    return re.search(r"(/link/[\w-]+)", link.params["text"]).group(1)


async def test_uvicorns_own_lines_are_json_lines_in_the_log(stack) -> None:
    host, port = stack.web.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")  # a TLS hello on plain http, say
    await writer.drain()
    await reader.read()
    writer.close()
    await asyncio.sleep(0.3)
    entries = log_entries(stack)
    assert any(e["logger"].startswith("uvicorn") for e in entries), "uvicorn said something"


async def test_a_stop_with_a_slow_request_and_an_idle_connection_ends_within_bounds(stack) -> None:
    path = await login_path(stack, LIFTER)
    stack.hevy.state.faults.latency = 60.0  # Hevy hangs while the key is being checked
    host, port = stack.web.removeprefix("http://").split(":")
    idle_reader, idle_writer = await asyncio.open_connection(host, int(port))
    idle_writer.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await idle_writer.drain()
    assert b"200 OK" in await idle_reader.read(100)  # now an idle keep-alive connection
    async with httpx.AsyncClient(timeout=30) as client:
        posting = asyncio.create_task(
            client.post(stack.web + path, data={"api_key": "0b5c3d2e-1f4a-4b6c-9d8e-7f6a5b4c3d2e"})
        )
        await asyncio.sleep(1.0)
        started = time.monotonic()
        stack.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(stack.process.wait(), 15)
        took = time.monotonic() - started
        answer = await posting
    idle_writer.close()
    assert took < 9, f"the stop took {took:.1f} s"
    assert answer.status_code == 503 and "restarting" in answer.text
    entries = log_entries(stack)
    assert not any("Traceback" in json.dumps(e) for e in entries)
    assert any(e["msg"] == "request cut short by shutdown" for e in entries)
