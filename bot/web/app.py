"""The small web app in the bot's process: the login-link page, the Mini App's session API
(bot/web/miniapp/), the webhook, health, metrics."""

from __future__ import annotations

import hmac
import html
import ipaddress
import json
import logging
import time
from urllib.parse import parse_qs

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from telegram import Update
from telegram.ext import Application

from bot.process import metrics
from bot.process.runtime import Runtime
from bot.process.throttle import SlidingWindow
from bot.telegram.handlers.sync import start_backfill
from bot.web import miniapp
from bot.web.bodies import bounded_body
from core.errors import SpotterError
from core.hevy.errors import HevyError, InvalidApiKey
from core.models import TokenPurpose, utcnow
from core.services.linking import LinkRefused

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 4096  # one API key and its field name
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kB

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link Hevy · Spotter</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b}}
label{{display:block;font-weight:600;margin-top:1rem}}
input{{width:100%;font:inherit;padding:.6rem;margin:.3rem 0 1rem;border:1px solid #777;
border-radius:6px}}
button{{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f5fa8;color:#fff}}
.error{{color:#a01818;font-weight:600}} .ok{{color:#1c6b2a;font-weight:600}}
</style></head><body><main>
<h1>Link your Hevy account</h1>
{body}
</main></body></html>"""

FORM = """<p>Spotter reads your training log from Hevy with your personal API key. You need
Hevy Pro; find the key at <strong>hevy.com → Settings → Developer</strong>.</p>
{error}
<form method="post">
<label for="api_key">Hevy API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" required
 spellcheck="false" inputmode="text" aria-describedby="why">
<p id="why">The key is checked with Hevy, then stored encrypted. This page works once.</p>
<button type="submit">Link Hevy</button>
</form>"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        PAGE.format(body=body), status_code=status, headers={"Cache-Control": "no-store"}
    )


async def _sync_lag(runtime: Runtime) -> float:
    """Seconds since the least recently synced linked user was synced (0 with nobody linked,
    -1 when someone was never synced); three queries whatever the number of users."""
    synced = await runtime.store.sync_state.last_synced()
    stamps = [synced.get(user_id) for user_id in await runtime.rounds.linked_users()]
    if any(stamp is None for stamp in stamps):
        return -1.0
    now = utcnow()
    return max(((now - stamp).total_seconds() for stamp in stamps), default=0.0)


def _from_inside(request: Request) -> bool:
    """Metrics are for the operator: only from this machine or its private network, and never
    through a reverse proxy (which is how the public reaches the login page)."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def _update_loop(application: Application | None, webhook: bool) -> str:
    """How updates arrive: "polling" or "webhook" while they do, "stopped" once they don't."""
    if application is None or not application.running:
        return "stopped"
    if webhook:
        return "webhook"
    updater = application.updater
    return "polling" if updater is not None and updater.running else "stopped"


def _scheduler(application: Application | None) -> str:
    queue = application.job_queue if application is not None else None
    return "running" if queue is not None and queue.scheduler.running else "stopped"


class TimedRoutes:
    """Times each web request into spotter_web_request_seconds, labelled by its route's path
    pattern (`/app/api/progress`, `/link/{token}`), so the label set stays small."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    def _route(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return getattr(route, "path", "other")
        return "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            route = self._route(scope)
            metrics.WEB_SECONDS.labels(route=route).observe(time.monotonic() - started)


def build_web(runtime: Runtime, application: Application, *, webhook: bool = False) -> Starlette:
    # Login-page requests per live link, or per client address for links that are not (see
    # bot/process/throttle.py: junk for other tokens must not lock a lifter out of their own link).
    limiter = SlidingWindow(limit=20, window=60.0)
    too_many = '<p class="error">Too many attempts; wait a minute and try again.</p>'

    async def healthz(request: Request) -> Response:
        """The store answers, updates arrive (polling or webhook) and the scheduler runs;
        503 naming what is down when any of them is not."""
        try:
            await runtime.store.schema_version()
            store = runtime.store.backend
        except Exception:
            store = "unavailable"
        report = {
            "store": store,
            "updates": _update_loop(application, webhook),
            "scheduler": _scheduler(application),
        }
        ok = store != "unavailable" and "stopped" not in report.values()
        return JSONResponse({"ok": ok, **report}, status_code=200 if ok else 503)

    async def metrics_endpoint(request: Request) -> Response:
        if not _from_inside(request):
            return Response(status_code=403)
        metrics.OUTBOX_DEPTH.set(await runtime.store.outbox.pending_count())
        metrics.SYNC_LAG.set(await _sync_lag(runtime))
        return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    async def link(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            await runtime.links.peek(token, TokenPurpose.LINK)
        except LinkRefused:
            address = request.client.host if request.client else "?"
            if not limiter.allow(("address", address)):
                return _page(too_many, 429)
            return _page(
                '<p class="error">This link is no longer valid '
                "(used, expired, or never issued).</p>"
                "<p>Send /connect to Spotter in Telegram for a new one.</p>",
                410,
            )
        if not limiter.allow(("link", token)):
            return _page(too_many, 429)
        if request.method == "GET":
            return _page(FORM.format(error=""))
        body = await bounded_body(request, MAX_FORM_BYTES)
        if body is None:
            return _page(
                FORM.format(
                    error='<p class="error" role="alert">That is far too long for a key.</p>'
                ),
                413,
            )
        try:
            form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4)
        except ValueError:  # more fields than the form has
            form = {}
        api_key = (form.get("api_key") or [""])[0].strip()
        if not api_key:
            return _page(
                FORM.format(error='<p class="error" role="alert">Paste your API key.</p>'), 400
            )
        try:
            user_id, info = await runtime.links.complete_login(token, api_key)
        except InvalidApiKey as exc:
            error = f'<p class="error" role="alert">{html.escape(exc.user_message)}</p>'
            return _page(FORM.format(error=error), 400)
        except LinkRefused:
            return _page(
                '<p class="error">This link was just used. Send /connect for a new one.</p>', 410
            )
        except (HevyError, SpotterError) as exc:
            message = getattr(exc, "user_message", "Something went wrong.")
            return _page(
                FORM.format(error=f'<p class="error" role="alert">{html.escape(message)}</p>'), 503
            )
        user = await runtime.store.users.get(user_id)
        # The chat hears from a background task: Telegram refusing a message (a 429) cannot
        # turn this page into an error once the key is stored and the link used up.
        if user is not None and user.chat_id is not None:
            start_backfill(application, user_id, user.chat_id, info.name)
        return _page(
            f'<p class="ok">Linked as {html.escape(info.name)}.</p>'
            "<p>You can close this page; Spotter is reading your log "
            "and will report in Telegram.</p>"
        )

    async def telegram_webhook(request: Request) -> Response:
        secret = runtime.settings.telegram_webhook_secret
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if secret is None or not hmac.compare_digest(
            given.encode(), secret.get_secret_value().encode()
        ):
            return Response(status_code=403)
        body = await bounded_body(request, MAX_UPDATE_BYTES)
        try:
            update = Update.de_json(json.loads(body or b""), application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook update unreadable", extra={"bytes": len(body or b"")})
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    routes = [
        Route("/healthz", healthz),
        Route("/metrics", metrics_endpoint),
        Route("/link/{token}", link, methods=["GET", "POST"]),
        *miniapp.routes(runtime, application),
    ]
    if webhook:
        routes.append(Route("/telegram", telegram_webhook, methods=["POST"]))
    return Starlette(routes=routes, middleware=[Middleware(TimedRoutes, routes=routes)])
