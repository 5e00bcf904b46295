"""Telegram handlers, one module per concern; `bot/telegram/app.py` registers them in one place.

`start` (greeting, help, the command menu, admin), `onboarding` (the guided setup), `link`
(/connect, /web), `sync`, `chat` (the coach, streamed), `proposal` (a draft previewed with its
buttons), `plan` (/plan, the buttons' answers, /today, /changes), `progress` (/progress, /week,
/prs), `checkin` (the readiness buttons), `settings` and `data` (/import with own exercises,
/export, /delete).
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

from telegram import Bot, InlineKeyboardButton, WebAppInfo
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.process.runtime import Runtime
from core.models import Plan


def callback_parts(data: str | None, n: int) -> list[str]:
    """`n` colon-separated parts of a button's data, "" for missing ones: a tap can carry any
    data (an old keyboard, a modified client), so handlers never unpack it blindly."""
    parts = (data or "").split(":", n - 1)
    return parts + [""] * (n - len(parts))


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    """The services the composition root built, shared by every handler."""
    return context.application.bot_data["runtime"]


def app_button(context: ContextTypes.DEFAULT_TYPE, label: str, page: str, **params: str):
    """A button that opens the Mini App on `page`, or None where Telegram cannot open it (a
    PUBLIC_URL that is not https)."""
    public = runtime(context).settings.public_url.rstrip("/")
    if not public.startswith("https://"):
        return None
    query = urlencode({"page": page, **params})
    return InlineKeyboardButton(label, web_app=WebAppInfo(f"{public}/app/?{query}"))


async def drop_stale_drafts(
    bot: Bot, rt: Runtime, chat_id: int | None, user_id: int
) -> Plan | None:
    """Drafts made under settings the lifter has changed since (in the chat or the Mini App)
    are superseded and their preview loses its buttons; returns the newest draft that still
    fits (None: none does)."""
    stale, fresh = await rt.plans.supersede_stale(user_id)
    for plan in stale:
        if chat_id is not None and plan.preview_message_id is not None:
            # Already without buttons, or too old to edit: a tap on it is refused anyway.
            with contextlib.suppress(BadRequest):
                await bot.edit_message_reply_markup(chat_id, plan.preview_message_id)
    return fresh
