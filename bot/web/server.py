"""The web app's server in the bot's process: uvicorn, configured for this process.

- Proxies: uvicorn believes `X-Forwarded-For` only from `FORWARDED_ALLOW_IPS`, so the client
  address the web app's limits see is the real one behind a trusted proxy, and a forged header
  from anyone else changes nothing.
- Logging: uvicorn keeps no handlers of its own (`log_config=None`); its lines go through the
  process's JSON handler and its redaction filter like every other logger's.
- Shutdown: idle keep-alive connections are closed at once (uvicorn does that); a request still
  running after `GRACEFUL_SHUTDOWN_SECONDS` is cut short with a 503 and one warning line, not a
  traceback, so a stop takes a bounded time whatever a browser holds open.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_SECONDS = 5  # well inside the 10 s Docker and systemd give a stop
RESTARTING = b"Spotter is restarting; try again in a minute."


class CutShortAtShutdown:
    """Answers 503 for a request the server cancels while it shuts down, instead of letting the
    cancellation surface as "Exception in ASGI application" with a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.server: uvicorn.Server | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if self.server is None or not self.server.should_exit or scope["type"] != "http":
                raise
            # The server is discarding this task: end it quietly rather than propagate.
            log.warning("request cut short by shutdown", extra={"path": scope.get("path", "")})
            if not started:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 503,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": RESTARTING})


def web_server(settings: Settings, app: ASGIApp) -> uvicorn.Server:
    """The uvicorn server for `app` on `WEB_HOST:WEB_PORT`."""
    guarded = CutShortAtShutdown(app)
    server = uvicorn.Server(
        uvicorn.Config(
            guarded,
            host=settings.web_host,
            port=settings.web_port,
            log_level="warning",
            log_config=None,
            access_log=False,
            lifespan="off",
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    )
    guarded.server = server
    return server
