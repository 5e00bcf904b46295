"""The readiness check-in in the chat: each tap on the check-in message fits today's session
(and Hevy's routine) to the answer and says in one line what changed."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram.handlers import runtime
from bot.telegram.readiness import checkin_markup, checkin_text, local_today, parse
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.services.user_lease import UserBusy

log = logging.getLogger(__name__)


async def checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on the check-in: fit today's session to the answer and say what changed."""
    query = update.callback_query
    rt = runtime(context)
    try:
        on, answer, asking = parse(query.data or "")
    except (ValueError, KeyError, IndexError):
        await query.answer()
        return
    user = await rt.store.users.get(update.effective_user.id)
    if user is None:
        await query.answer()
        return
    if on != local_today(user):
        await query.answer("That check-in was for another day: /today has today's.")
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)
        return
    found = await rt.checkins.training_day(user.id, on)
    if found is None:
        await query.answer("No session planned today.")
        return
    if asking:
        await query.answer("Where does it hurt?")
        await query.edit_message_reply_markup(checkin_markup(on, answer, areas=True))
        return
    try:
        fitted = await rt.checkins.answer(user.id, on, answer)
    except UserBusy:
        await query.answer("Busy syncing your log: tap again in a moment.", show_alert=True)
        return
    except (HevyError, SpotterError):
        log.exception("check-in write failed", extra={"user_id": user.id})
        await query.answer("Hevy didn't take the change; tap again in a moment.", show_alert=True)
        return
    if fitted is None:
        await query.answer("No session planned today.")
        return
    await query.answer()
    try:
        await query.edit_message_text(
            checkin_text(found.day.name, fitted.line()),
            reply_markup=checkin_markup(on, answer, areas=answer.feel == "hurts"),
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
