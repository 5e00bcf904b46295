"""/plan with its Approve / Change / Cancel buttons, and /today."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.handlers import app_button, callback_parts, runtime
from bot.render import escape, split_html
from bot.reports import today_text
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.models import PlanStatus, utcnow
from core.services.plans import Proposal

log = logging.getLogger(__name__)


def _buttons(plan_id: str, app: InlineKeyboardButton | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ Approve: write to Hevy", callback_data=f"plan:approve:{plan_id}"
                ),
            ],
            [
                InlineKeyboardButton("✏️ Change", callback_data=f"plan:change:{plan_id}"),
                InlineKeyboardButton("✖️ Cancel", callback_data=f"plan:cancel:{plan_id}"),
            ],
            *([[app]] if app else []),
        ]
    )


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A fresh proposal from the engine, previewed with buttons."""
    rt = runtime(context)
    try:
        proposal = await rt.plans.propose(update.effective_user.id)
    except SpotterError as exc:
        await update.message.reply_text(getattr(exc, "user_message", None) or str(exc))
        return
    if proposal.refused:
        await update.message.reply_text(f"I can't build a sound plan: {proposal.refused}")
        return
    await show_proposal(context, update.effective_chat.id, proposal)


async def show_proposal(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, proposal: Proposal
) -> None:
    """A draft's preview with the buttons that approve, change or cancel that very draft (and,
    where Telegram can open it, one that shows it week by week in the Mini App)."""
    bot = context.bot
    app = app_button(context, "📋 See it week by week", "plan", plan=proposal.plan.id)
    text = f"<pre>{escape(proposal.preview)}</pre>"
    warnings = list(dict.fromkeys(v.message for v in proposal.violations))  # once, not per week
    if warnings:
        text += "\n" + escape("Heads-up: " + "; ".join(warnings))
    parts = split_html(text)
    for part in parts[:-1]:
        await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
    await bot.send_message(
        chat_id, parts[-1], parse_mode=ParseMode.HTML, reply_markup=_buttons(proposal.plan.id, app)
    )


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Approve (write to Hevy), change (ask the coach), or cancel a proposed plan."""
    query = update.callback_query
    _, action, plan_id = callback_parts(query.data, 3)
    rt = runtime(context)
    user_id = update.effective_user.id
    plan = await rt.store.plans.get(user_id, plan_id)
    if plan is None:
        await query.answer("That plan is gone; send /plan for a fresh one.", show_alert=True)
        return
    if action == "cancel":
        if plan.status == PlanStatus.DRAFT:
            await rt.store.plans.put(
                plan.model_copy(update={"status": PlanStatus.CANCELLED, "updated_at": utcnow()})
            )
        await query.answer("Cancelled.")
        await query.edit_message_reply_markup(None)
        return
    if action == "change":
        await query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            "Tell me what to change, e.g. “3 days instead of 4”, “swap bench for dumbbell press”, "
            "or “shorter sessions”.",
        )
        return
    if action != "approve":
        await query.answer("That button is out of date; send /plan again.")
        return
    await query.answer("Writing your plan into Hevy…")
    await query.edit_message_reply_markup(None)
    try:
        written = await rt.plan_writer.approve(user_id, plan_id)
    except (HevyError, SpotterError) as exc:
        log.warning("plan write failed", extra={"user_id": user_id, "error": str(exc)})
        await context.bot.send_message(
            update.effective_chat.id,
            (getattr(exc, "user_message", None) or "Writing to Hevy failed.")
            + " Press /plan again to retry; nothing is duplicated.",
        )
        return
    days = len(written.routines)
    await context.bot.send_message(
        update.effective_chat.id,
        f"Done: {days} routines are in your Spotter folder in Hevy. Start a session from one of "
        "them and I'll move the plan forward as you log.",
    )


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The next planned session, with loads in the lifter's units."""
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    found = await rt.plans.next_session(user.id, utcnow().date())
    if found is None:
        await update.message.reply_text("No plan yet: send /plan and I'll build one.")
        return
    catalogue = await rt.insights.catalogue(user.id)
    await update.message.reply_text(today_text(found[1], catalogue, user.units))
