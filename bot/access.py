"""Who may use the bot. Runs before every handler (group -1) and stops what is not admitted.

An operator pays for Claude, so by default (`SPOTTER_ACCESS=invite`) only admins and invited
people get through. A stranger gets one polite sentence with their Telegram id and costs
nothing else: no Claude call, no Hevy call, nothing stored. In `open` mode everyone is admitted
and a per-user message rate keeps costs bounded.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import metrics
from bot.handlers import runtime
from core.errors import SpotterError
from core.models import Role, TokenPurpose, UserStatus, utcnow
from core.services.linking import admit

log = logging.getLogger(__name__)

RATE_WINDOW = 60.0
RATE_LIMIT = 20  # messages per minute per user in open mode
_refused: OrderedDict[int, None] = OrderedDict()
_recent: dict[int, deque[float]] = {}


def _remember_refusal(user_id: int) -> bool:
    """True the first time this process refuses `user_id` (bounded memory, nothing stored)."""
    if user_id in _refused:
        return False
    _refused[user_id] = None
    if len(_refused) > 10_000:
        _refused.popitem(last=False)
    return True


def _over_rate(user_id: int) -> bool:
    now = time.monotonic()
    stamps = _recent.setdefault(user_id, deque())
    while stamps and now - stamps[0] > RATE_WINDOW:
        stamps.popleft()
    stamps.append(now)
    return len(stamps) > RATE_LIMIT


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admit, redeem an invite or claim link, or refuse; never lets a stranger through."""
    metrics.UPDATES.labels(kind=_kind(update)).inc()
    tg_user, chat = update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        raise ApplicationHandlerStop
    rt = runtime(context)
    store, settings = rt.store, rt.settings
    name = tg_user.full_name
    user = await store.users.get(tg_user.id)
    if user is not None:
        if user.status != UserStatus.ACTIVE or user.chat_id != chat.id:
            await store.users.put(
                user.model_copy(
                    update={"status": UserStatus.ACTIVE, "chat_id": chat.id, "updated_at": utcnow()}
                )
            )
    elif tg_user.id in settings.spotter_admins:
        await admit(store, tg_user.id, chat.id, name, Role.ADMIN)
    elif settings.spotter_access == "open":
        await admit(store, tg_user.id, chat.id, name)
    elif not await _redeem_start_payload(update, context):
        metrics.REFUSED.inc()
        if _remember_refusal(tg_user.id):
            await context.bot.send_message(
                chat.id,
                "Sorry, this Spotter is invite-only. Ask the person who runs it for an invite "
                f"link; your Telegram id is {tg_user.id}.",
            )
        raise ApplicationHandlerStop
    if settings.spotter_access == "open" and update.message and _over_rate(tg_user.id):
        if len(_recent[tg_user.id]) == RATE_LIMIT + 1:
            await update.message.reply_text("That's a lot of messages at once; give me a minute.")
        raise ApplicationHandlerStop


async def _redeem_start_payload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`/start <code>` from a stranger: an invite, or the first-start admin claim."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/start "):
        return False
    code = message.text.split(maxsplit=1)[1].strip()
    rt = runtime(context)
    tg_user = update.effective_user
    for purpose, role in ((TokenPurpose.INVITE, Role.USER), (TokenPurpose.ADMIN_CLAIM, Role.ADMIN)):
        try:
            await rt.links.redeem(code, purpose, tg_user.id)
        except SpotterError:
            continue
        await admit(rt.store, tg_user.id, update.effective_chat.id, tg_user.full_name, role)
        log.info("admitted", extra={"user_id": tg_user.id, "via": purpose.value})
        context.user_data["just_admitted"] = role.value
        return True
    return False


def _kind(update: Update) -> str:
    if update.callback_query:
        return "callback"
    if update.message and update.message.document:
        return "document"
    if update.message and update.message.text and update.message.text.startswith("/"):
        return "command"
    return "message" if update.message else "other"
