"""Serving the sandbox on loopback: in-process for tests and demos, or standalone."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from sandbox.app import build_app
from sandbox.state import SandboxState


@dataclass
class RunningSandbox:
    state: SandboxState
    base_url: str


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for a server a test is about to start)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def serve_asgi(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve any ASGI app on `host:port` (0 picks a free port) for the block; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_host, bound_port = sock.getsockname()[:2]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                await task  # surfaces the start-up error
            await asyncio.sleep(0.01)
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.asynccontextmanager
async def serve(
    state: SandboxState | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSandbox]:
    """Run the Hevy sandbox over `state` for the duration of the block."""
    state = state or SandboxState()
    async with serve_asgi(build_app(state), host, port) as base_url:
        yield RunningSandbox(state=state, base_url=base_url)


async def serve_until_stopped(
    state: SandboxState, host: str, port: int, announce: Callable[[RunningSandbox], None]
) -> None:
    """Serve until SIGINT or SIGTERM (the `spotter sandbox` command)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve(state, host, port) as running:
        announce(running)
        await stop.wait()
