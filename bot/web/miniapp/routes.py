"""The Mini App over HTTP, served by the bot's own web app (same process, store and services).

- `GET /app/`: the shell (scripts and styles from this origin only, under a strict CSP).
- `POST /app/api/session`: Telegram's launch data, or a one-time `/web` link, for a session.
- `GET /app/page/{name}`: a server-rendered page (today, history, workout, progress, plan,
  profile) for the session's user.
- `GET /app/api/progress`: one exercise's curves as JSON for the chart.
- `POST /app/api/{action}`: a form or button (profile, plan, approve, discard, link, export,
  delete, checkin); the answer says which page to show next.

Every request but the shell's names its session as a bearer token; the user behind it is
checked against the bot's gate each time, so an erased or blocked user loses access at once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from telegram.ext import Application

from bot.process.runtime import Runtime
from bot.process.throttle import SLOW_DOWN, SlidingWindow, lifter_actions, lifter_reads
from bot.web.bodies import bounded_body
from bot.web.miniapp import history, plan, profile, progress, today
from bot.web.miniapp.auth import (
    MAX_INIT_DATA,
    SESSION_LENGTH,
    Rejected,
    admitted,
    issue_session,
    remember_zone,
    user_from_init_data,
    user_from_session,
)
from bot.web.miniapp.common import Asking, Context, FormError, NotFound, Params
from core.models import utcnow
from core.services.linking import LinkRefused

STATIC = Path(__file__).resolve().parent.parent / "static" / "app"
MAX_FORM_BYTES = 16 * 1024
# Scripts, styles and data from this origin only; no inline code, no CDN.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self' https://web.telegram.org https://webk.telegram.org "
    "https://webz.telegram.org"
)
NO_STORE = {"Cache-Control": "no-store"}
_TEMPLATES = Environment(
    loader=PackageLoader("bot.web", "templates/app"), autoescape=select_autoescape(default=True)
)

Page = Callable[[Asking, Params], Awaitable[Context]]
Action = Callable[[Asking, dict], Awaitable[Context]]
PAGES: dict[str, Page] = {
    "today": today.page,
    "history": history.page,
    "workout": history.workout,
    "progress": progress.page,
    "plan": plan.page,
    "profile": profile.page,
}
ACTIONS: dict[str, Action] = {
    "profile": profile.save,
    "plan": plan.request,
    "approve": plan.approve,
    "discard": plan.discard,
    "link": profile.relink,
    "export": profile.export,
    "delete": profile.delete,
    "checkin": today.checkin,
}


def render(name: str, context: Context) -> str:
    return _TEMPLATES.get_template(f"{name}.html").render(**context)


def routes(runtime: Runtime, application: Application) -> list[Route | Mount]:
    # Session requests per Telegram user, or per client address for those that prove no user
    # (see bot/process/throttle.py: junk behind a shared proxy address must not lock a lifter out).
    attempts = SlidingWindow(limit=30, window=60.0)

    def refuse(reason: str) -> Response:
        return JSONResponse({"error": reason}, status_code=401, headers=NO_STORE)

    def too_many(reason: str = SLOW_DOWN) -> Response:
        return JSONResponse({"error": reason}, status_code=429, headers=NO_STORE)

    def refuse_unproven(request: Request, reason: str) -> Response:
        address = request.client.host if request.client else "?"
        if not attempts.allow(("address", address)):
            return too_many("too many attempts; wait a minute")
        return refuse(reason)

    def bot_token() -> str:
        token = runtime.settings.telegram_bot_token
        if token is None:  # `spotter run` refuses to start without one; a guard all the same
            raise Rejected("the bot has no token")
        return token.get_secret_value()

    async def session(request: Request) -> Response:
        raw = await bounded_body(request, MAX_INIT_DATA + 100)
        try:
            body = json.loads(raw or b"{}") if raw is not None else {}
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        try:
            if body.get("login"):
                user_id = await runtime.links.redeem_web(str(body["login"])[:200])
            else:
                init_data = str(body.get("init_data", ""))
                user_id = user_from_init_data(init_data, bot_token(), utcnow())
        except Rejected as exc:
            return refuse_unproven(request, str(exc))
        except LinkRefused:
            return refuse_unproven(
                request, "this link was used or has expired: send /web for a new one"
            )
        if not attempts.allow(("user", user_id)):
            return too_many("too many attempts; wait a minute")
        if not await admitted(runtime.store, runtime.settings.spotter_admins, user_id):
            return refuse("open Spotter in Telegram and send /start first")
        await remember_zone(runtime.store, user_id, str(body.get("tz", ""))[:64])
        token = issue_session(user_id, bot_token(), utcnow())
        return JSONResponse(
            {"token": token, "expires_in": int(SESSION_LENGTH.total_seconds())}, headers=NO_STORE
        )

    async def shell(request: Request) -> Response:
        return HTMLResponse(
            render("shell", {}), headers={**NO_STORE, "Content-Security-Policy": CSP}
        )

    async def asking(request: Request) -> Asking | Response:
        """The session's user, still admitted, or the 401 to answer with."""
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        try:
            user_id = user_from_session(bearer, bot_token(), utcnow())
        except Rejected as exc:
            return refuse(str(exc))
        if not await admitted(runtime.store, runtime.settings.spotter_admins, user_id):
            return refuse("no access")
        return Asking(runtime, application, await runtime.insights.user(user_id))

    async def page(request: Request) -> Response:
        who = await asking(request)
        if isinstance(who, Response):
            return who
        if not lifter_reads.allow(who.user_id):
            return too_many()
        name = request.path_params["name"]
        if name not in PAGES:
            return HTMLResponse("<p>There is no such page.</p>", 404, headers=NO_STORE)
        try:
            context = await PAGES[name](who, request.query_params)
        except NotFound as exc:
            return HTMLResponse(render("missing", {"reason": str(exc)}), 404, headers=NO_STORE)
        return HTMLResponse(render(name, context), headers=NO_STORE)

    async def chart(request: Request) -> Response:
        who = await asking(request)
        if isinstance(who, Response):
            return who
        if not lifter_reads.allow(who.user_id):
            return too_many()
        return JSONResponse(await progress.chart(who, request.query_params), headers=NO_STORE)

    async def act(request: Request) -> Response:
        who = await asking(request)
        if isinstance(who, Response):
            return who
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            return JSONResponse({"error": "no such action"}, status_code=404)
        if not lifter_actions.allow(who.user_id):  # the chat's budget: one per lifter
            return too_many()
        raw = await bounded_body(request, MAX_FORM_BYTES)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "send the form as a JSON object"}, status_code=400)
        try:
            answer = await action(who, body)
        except FormError as exc:
            problem = {"error": str(exc), **({"field": exc.field} if exc.field else {})}
            return JSONResponse(problem, status_code=400, headers=NO_STORE)
        return JSONResponse(answer, headers=NO_STORE)

    async def me(request: Request) -> Response:
        who = await asking(request)
        if isinstance(who, Response):
            return who
        return JSONResponse(
            {
                "id": who.user_id,
                "name": who.user.name,
                "units": who.user.units.value,
                "workouts": await runtime.store.workouts.count(who.user_id),
            },
            headers=NO_STORE,
        )

    return [
        Route("/app/", shell),
        Route("/app/api/session", session, methods=["POST"]),
        Route("/app/api/me", me),
        Route("/app/api/progress", chart),
        Route("/app/api/{action}", act, methods=["POST"]),
        Route("/app/page/{name}", page),
        Mount("/app/static", StaticFiles(directory=STATIC), name="app-static"),
    ]
