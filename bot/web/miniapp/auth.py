"""Who is asking: Telegram's signed launch data (or a one-time /web link) in, a short-lived
session out.

Telegram opens `{PUBLIC_URL}/app/` with `tgWebAppData=<initData>` in the URL fragment. The page
posts that string here; it is checked exactly as Telegram documents it (HMAC-SHA256 with the key
`HMAC_SHA256("WebAppData", bot_token)` over the sorted `key=value` lines without `hash`,
compared in constant time, `auth_date` at most a day old), and the user must be one the bot
admits (a known lifter, active or an admin). The answer is a JWT bound to the
Telegram user id, valid for an hour, signed with a key derived from the bot token: data
endpoints take it as a bearer token, so initData itself is never replayable against them.

A desktop browser proves the same with a one-time link from the bot's `/web` command instead
(`LinkService.web_link`): single-use, ten minutes, carried in the URL fragment so it reaches
neither server logs nor referrers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import jwt

from core.errors import SpotterError
from core.models import UserStatus, time_zone
from core.ports import Store

INIT_DATA_MAX_AGE = timedelta(days=1)
CLOCK_SKEW = timedelta(minutes=1)
SESSION_LENGTH = timedelta(hours=1)
MAX_INIT_DATA = 8192  # characters; Telegram's initData is well under 2 kB
_AUDIENCE = "spotter-miniapp"


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
    """The bot's own gate: lifters the bot knows, when they are admins or active.

    An admin listed in `SPOTTER_ADMINS` who never sent /start is not known yet: accounts are
    made in the chat (with the chat to write to, the role and the setup), so the Mini App sends
    them there first rather than make a half account of its own."""
    user = await store.users.get(user_id)
    if user is None:
        return False
    return user_id in admins or user.status == UserStatus.ACTIVE


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


async def remember_zone(store: Store, user_id: int, zone: str) -> None:
    """Keep the time zone the lifter's browser reported (when it is a real one) so the chat's
    setup can offer it first; their own setting is never changed here."""
    try:
        time_zone(zone)
    except ValueError:
        return
    user = await store.users.get(user_id)
    if user is not None and user.browser_timezone != zone:
        await store.users.update(user_id, {"browser_timezone": zone})  # never re-creates them
