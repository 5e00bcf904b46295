"""The log is JSON lines with secrets redacted, whatever shape a secret travels in and whichever
library logs it."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from bot.process.logs import configure_logging
from bot.web.server import web_server
from core.settings import load_settings
from sandbox.server import free_port

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
HEVY_KEY = "0b5c3d2e-1f4a-4b6c-9d8e-7f6a5b4c3d2e"


@pytest.fixture
def json_log():
    """Logging configured as `spotter run` does; yields a reader of the lines written."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", [TOKEN])
    written = io.StringIO()
    root.handlers[0].setStream(written)  # what would go to stderr

    def lines() -> list[str]:
        return [line for line in written.getvalue().splitlines() if line.strip()]

    yield lines
    root.handlers[:] = handlers
    root.setLevel(level)


def test_secrets_inside_dict_list_and_exception_fields_are_redacted(json_log) -> None:
    logging.getLogger("spotter.test").warning(
        "hevy refused",
        extra={
            "request": {"headers": {"api-key": HEVY_KEY}, "url": f"https://x/bot{TOKEN}/getMe"},
            "tried": [HEVY_KEY, ("nested", TOKEN)],
            "error": ValueError(f"bad key {HEVY_KEY}"),
            "attempt": 3,
        },
    )
    (line,) = json_log()
    assert HEVY_KEY not in line and TOKEN not in line and "AAHfake" not in line
    entry = json.loads(line)
    assert entry["attempt"] == 3, "numbers stay numbers"
    assert entry["request"]["headers"]["api-key"] == "‹redacted›", "a dict keeps its shape"
    assert entry["error"] == "bad key ‹redacted›"


async def test_uvicorns_own_error_lines_are_json_and_redacted(json_log) -> None:
    async def broken(request):
        raise RuntimeError(f"lost key {HEVY_KEY} for bot{TOKEN}")

    port = free_port()
    settings = load_settings(web_port=port)
    server = web_server(settings, Starlette(routes=[Route("/", broken)]))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                await task  # surfaces a start-up error
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/")).status_code == 500
    finally:
        server.should_exit = True
        await task
    lines = json_log()
    entries = [json.loads(line) for line in lines]  # every line, uvicorn's included, is JSON
    (error,) = [e for e in entries if e["logger"] == "uvicorn.error"]
    assert "Exception in ASGI application" in error["msg"] and "RuntimeError" in error["exc"]
    assert all(HEVY_KEY not in line and TOKEN not in line for line in lines)
