"""The Mini App's door: Telegram's signed launch data in, a short-lived session out (issue 15).

Telegram opens `{PUBLIC_URL}/app/` with `tgWebAppData=<initData>` in the URL fragment. The page
posts that string here; it is checked exactly as Telegram documents it (HMAC-SHA256 with the key
`HMAC_SHA256("WebAppData", bot_token)` over the sorted `key=value` lines without `hash`,
compared in constant time, `auth_date` at most a day old), and the user must be one the bot
admits (an admin, or a known lifter whose account is active). The answer is a JWT bound to the
Telegram user id, valid for an hour, signed with a key derived from the bot token: data
endpoints take it as a bearer token, so initData itself is never replayable against them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import jwt
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.bodies import bounded_body
from bot.runtime import Runtime
from bot.throttle import SlidingWindow
from core.engine.loads import format_load
from core.engine.periods import local, week_start
from core.engine.plan_text import WEEKDAY, reps_text
from core.errors import SpotterError
from core.models import UserStatus, utcnow
from core.ports import Store

INIT_DATA_MAX_AGE = timedelta(days=1)
CLOCK_SKEW = timedelta(minutes=1)
SESSION_LENGTH = timedelta(hours=1)
MAX_INIT_DATA = 8192  # characters; Telegram's initData is well under 2 kB
_AUDIENCE = "spotter-miniapp"
STATIC = Path(__file__).with_name("static") / "app"
# Scripts, styles and data from this origin only; no inline code, no CDN.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self' https://web.telegram.org https://webk.telegram.org "
    "https://webz.telegram.org"
)
_PAGES = Environment(
    loader=PackageLoader("bot", "templates/app"), autoescape=select_autoescape(default=True)
)


class Rejected(SpotterError):
    """Launch data or a session that does not prove who the user is."""


def user_from_init_data(init_data: str, bot_token: str, now: datetime) -> int:
    """The Telegram user id that `init_data` proves, or Rejected saying why."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise Rejected("no launch data")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise Rejected("malformed launch data") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Rejected("a repeated field in the launch data")
    received = fields.pop("hash", "")
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received):
        raise Rejected("the launch data is not signed for this bot")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), now.tzinfo)
        user_id = int(json.loads(fields["user"])["id"])
    except (KeyError, ValueError, TypeError):
        raise Rejected("the launch data names no user") from None
    if now - signed_at > INIT_DATA_MAX_AGE or signed_at - now > CLOCK_SKEW:
        raise Rejected("the launch data is too old: open the app from Telegram again")
    return user_id


async def admitted(store: Store, admins: list[int], user_id: int) -> bool:
    """The bot's own gate: admins, and known lifters whose account is active."""
    if user_id in admins:
        return True
    user = await store.users.get(user_id)
    return user is not None and user.status == UserStatus.ACTIVE


def _session_key(bot_token: str) -> bytes:
    return hashlib.sha256(b"spotter-miniapp-session\0" + bot_token.encode()).digest()


def issue_session(user_id: int, bot_token: str, now: datetime) -> str:
    claims = {
        "sub": str(user_id),
        "aud": _AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + SESSION_LENGTH).timestamp()),
    }
    return jwt.encode(claims, _session_key(bot_token), algorithm="HS256")


def user_from_session(token: str, bot_token: str, now: datetime) -> int:
    try:
        claims = jwt.decode(
            token,
            _session_key(bot_token),
            algorithms=["HS256"],
            audience=_AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
            leeway=0,
        )
        if claims["exp"] <= now.timestamp():
            raise Rejected("the session has expired")
        return int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        raise Rejected("not a valid session") from None


def routes(runtime: Runtime) -> list[Route]:
    """`POST /app/api/session` (launch data → session) and `GET /app/api/me` (who the session
    is). Every refusal is a 401 with a reason and no data."""
    attempts = SlidingWindow(limit=30, window=60.0)  # session requests per address
    headers = {"Cache-Control": "no-store"}

    def refuse(reason: str) -> Response:
        return JSONResponse({"error": reason}, status_code=401, headers=headers)

    def bot_token() -> str:
        token = runtime.settings.telegram_bot_token
        if token is None:  # `spotter run` refuses to start without one; a guard all the same
            raise Rejected("the bot has no token")
        return token.get_secret_value()

    async def session(request: Request) -> Response:
        address = request.client.host if request.client else "?"
        if not attempts.allow(address):
            return JSONResponse({"error": "too many attempts"}, status_code=429, headers=headers)
        raw = await bounded_body(request, MAX_INIT_DATA + 100)
        if raw is None:
            return refuse("no launch data")
        try:
            body = json.loads(raw or b"{}")
            init_data = body.get("init_data", "") if isinstance(body, dict) else ""
            user_id = user_from_init_data(str(init_data), bot_token(), utcnow())
        except Rejected as exc:
            return refuse(str(exc))
        except ValueError:
            return refuse("no launch data")
        if not await admitted(runtime.store, runtime.settings.spotter_admins, user_id):
            return refuse("open Spotter in Telegram and send /start first")
        token = issue_session(user_id, bot_token(), utcnow())
        return JSONResponse(
            {"token": token, "expires_in": int(SESSION_LENGTH.total_seconds())}, headers=headers
        )

    async def shell(request: Request) -> Response:
        return HTMLResponse(
            _PAGES.get_template("shell.html").render(),
            headers={**headers, "Content-Security-Policy": CSP},
        )

    async def authorised(request: Request) -> int | Response:
        """The session's user, still admitted, or the 401 to answer with."""
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        try:
            user_id = user_from_session(bearer, bot_token(), utcnow())
        except Rejected as exc:
            return refuse(str(exc))
        # Checked on every request: an erased or blocked user loses access at once.
        if not await admitted(runtime.store, runtime.settings.spotter_admins, user_id):
            return refuse("no access")
        return user_id

    async def today(request: Request) -> Response:
        user_id = await authorised(request)
        if isinstance(user_id, Response):
            return user_id
        html = _PAGES.get_template("today.html").render(**await _today(runtime, user_id))
        return HTMLResponse(html, headers={**headers, "Content-Security-Policy": CSP})

    async def me(request: Request) -> Response:
        user_id = await authorised(request)
        if isinstance(user_id, Response):
            return user_id
        user = await runtime.store.users.get(user_id)
        return JSONResponse(
            {
                "id": user_id,
                "name": user.name if user else "",
                "units": user.units.value if user else "kg",
                "workouts": await runtime.store.workouts.count(user_id),
            },
            headers=headers,
        )

    return [
        Route("/app/", shell),
        Route("/app/api/session", session, methods=["POST"]),
        Route("/app/api/me", me),
        Route("/app/page/today", today),
        Mount("/app/static", StaticFiles(directory=STATIC), name="app-static"),
    ]


async def _today(runtime: Runtime, user_id: int) -> dict:
    """The Today page: this week's sessions and sets against the plan, sets per muscle so far
    against their bands and what is due by now, and the next session with its loads."""
    now = utcnow()
    user = await runtime.insights.user(user_id)
    monday = week_start(local(now, user.timezone).date())
    found = await runtime.plans.this_week(user_id, now)
    muscles = []
    for row in await runtime.plans.week_volume(user_id, monday, now):
        if row.low is None and row.sets == 0:
            continue
        scale = max(row.high or 0.0, row.sets, 1.0)
        muscles.append(
            {
                "muscle": row.muscle,
                "sets": f"{row.sets:g}",
                "band": f"{row.low:g}–{row.high:g}" if row.low is not None else "",
                "status": row.status,
                "width": round(100 * row.sets / scale),
                "due_width": None
                if row.expected is None
                else round(100 * min(row.expected, scale) / scale),
            }
        )
    next_day = None
    upcoming = await runtime.plans.next_session(user_id, local(now, user.timezone).date())
    if upcoming is not None:
        _plan, day = upcoming
        catalogue = await runtime.insights.catalogue(user_id)
        next_day = {
            "name": day.name,
            "when": WEEKDAY.get(day.weekday or 0, ""),
            "exercises": [
                {
                    "title": catalogue[e.template_id].title
                    if e.template_id in catalogue
                    else e.template_id,
                    "line": f"{e.sets} × {reps_text(e)}"
                    + (f" @ RPE {e.rpe:g}" if e.rpe else "")
                    + " · "
                    + (format_load(e.load_kg, user.units) if e.load_kg else "load: your pick"),
                }
                for e in day.exercises
            ],
        }
    return {
        "monday": monday.isoformat(),
        "workouts": await runtime.store.workouts.count(user_id),
        "plan": found is not None,
        "sessions": found[2].sessions if found else (0, 0),
        "sets": found[2].sets if found else (0, 0),
        "muscles": muscles,
        "next_day": next_day,
    }
