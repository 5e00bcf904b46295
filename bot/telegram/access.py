"""Who may use the bot. Runs before every handler (group -1) and stops what is not admitted.

An operator pays for Claude, so by default (`SPOTTER_ACCESS=invite`) only admins and invited
people get through. A stranger gets one polite sentence with their Telegram id and costs
nothing else: no Claude call, no Hevy call, nothing stored. In `open` mode everyone is admitted.
In every mode each user's updates are rate-limited (a burst is fine, a flood gets one polite
sentence and is dropped); coach turns have a tighter limit of their own
(bot/telegram/handlers/chat.py).
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.process import metrics
from bot.process.throttle import SLOW_DOWN, lifter_actions
from bot.telegram.handlers import runtime
from core.errors import SpotterError
from core.models import Role, TokenPurpose, UserStatus, utcnow
from core.services.linking import admit

log = logging.getLogger(__name__)

_refused: OrderedDict[int, None] = OrderedDict()


def _remember_refusal(user_id: int) -> bool:
    """True the first time this process refuses `user_id` (bounded memory, nothing stored)."""
    if user_id in _refused:
        return False
    _refused[user_id] = None
    if len(_refused) > 10_000:
        _refused.popitem(last=False)
    return True


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
            await store.users.update(
                user.id, {"status": UserStatus.ACTIVE, "chat_id": chat.id, "updated_at": utcnow()}
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
    if not lifter_actions.allow(tg_user.id):  # shared with the Mini App's actions
        if lifter_actions.first_refusal(tg_user.id):
            await context.bot.send_message(chat.id, SLOW_DOWN)
        if update.callback_query is not None:
            await update.callback_query.answer()
        raise ApplicationHandlerStop


async def _redeem_start_payload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`/start <code>` from a stranger: an invite, or the first-start admin claim."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/start "):
        return False
    code = message.text.split(maxsplit=1)[1].strip()[:64]
    rt = runtime(context)
    tg_user = update.effective_user
    redeemers = (
        (lambda: rt.links.redeem(code, TokenPurpose.INVITE, tg_user.id), Role.USER, "invite"),
        (lambda: rt.links.claim_admin(code, tg_user.id), Role.ADMIN, "admin_claim"),
    )
    for redeem, role, via in redeemers:
        try:
            await redeem()
        except SpotterError:
            continue
        await admit(rt.store, tg_user.id, update.effective_chat.id, tg_user.full_name, role)
        log.info("admitted", extra={"user_id": tg_user.id, "via": via})
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
