"""/plan with its Approve / Change / Cancel buttons, and /today."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.process.runtime import Runtime
from bot.telegram import readiness as checkin
from bot.telegram.handlers import callback_parts, drop_stale_drafts, onboarding, runtime
from bot.telegram.handlers.proposal import send_plan, show_proposal, why_markup
from bot.telegram.plan_edits import EXAMPLES
from bot.telegram.render import escape, split_html
from bot.telegram.reports import day_html, today_html
from core.engine.plan import TrainingPlan
from core.engine.plan_text import GLOSSARY, outline_day
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.models import Plan, PlanStatus, utcnow
from core.services.plan_writer import PlanCancelled, PlanNotFound, StaleDraft, where_approved
from core.services.plans import LIVE, is_stale
from core.services.user_lease import UserBusy

log = logging.getLogger(__name__)


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A fresh proposal from the engine, previewed with buttons; before the first plan of a
    lifter who has not been through the setup, the setup's questions come first."""
    rt = runtime(context)
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    user = await rt.insights.user(user_id)
    if not user.set_up and not await rt.store.plans.list(user_id):
        context.user_data["plan_after_setup"] = True
        await onboarding.begin(
            context.application,
            chat_id,
            user_id,
            "Before your first plan, a few quick questions so it fits you (skip any, and I use "
            "what your log shows and sensible defaults). The plan follows the last one.",
            update.effective_user.language_code,
        )
        return
    await send_plan(context, chat_id, user_id)


async def why_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`why:<plan>:<day>:<1|0>`: a preview day opened to show why each load, or closed again."""
    query = update.callback_query
    _, plan_id, index, show = callback_parts(query.data, 4)
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    plan = await rt.store.plans.get(user.id, plan_id)
    days = TrainingPlan.model_validate(plan.body).weeks[0].days if plan else []
    if not index.isdigit() or int(index) >= len(days):
        await query.answer("That plan is gone; send /plan for a fresh one.", show_alert=True)
        return
    day = days[int(index)]
    outline = outline_day(day, await rt.insights.catalogue(user.id), user.units)
    await query.answer()
    try:
        await query.edit_message_text(
            day_html(outline, why=show == "1"),
            parse_mode=ParseMode.HTML,
            reply_markup=why_markup(plan_id, int(index), day, shown=show == "1"),
        )
    except BadRequest as exc:  # a double tap: the message already reads so
        if "not modified" not in str(exc).lower():
            raise


async def term_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`term:<key>`: a plan word explained in an alert, without a message in the chat."""
    _, key = callback_parts(update.callback_query.data, 2)
    label, meaning = GLOSSARY.get(key, ("", "That button is out of date."))
    await update.callback_query.answer(f"{label}: {meaning}" if label else meaning, show_alert=True)


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
        # From DRAFT only: an Approve that got there first keeps the plan it wrote.
        cancelled = await rt.store.plans.update(
            user_id, plan_id, {PlanStatus.DRAFT}, {"status": PlanStatus.CANCELLED}, utcnow()
        )
        now = cancelled or await rt.store.plans.get(user_id, plan_id)
        approved = now is not None and now.status in LIVE
        await query.answer(
            f"Too late to cancel: {await _already(rt, now)}" if approved else "Cancelled."
        )
        await _drop_buttons(query)
        return
    if action == "change":
        await query.answer()
        if rt.coach is None:
            ask = f"Tell me what to change: {EXAMPLES}."
        else:
            ask = (
                "Tell me what to change, e.g. “3 days instead of 4”, “swap bench for dumbbell "
                "press”, or “shorter sessions”."
            )
        await context.bot.send_message(update.effective_chat.id, ask)
        return
    if action != "approve":
        await query.answer("That button is out of date; send /plan again.")
        return
    if is_stale(plan, await rt.insights.user(user_id)):
        await query.answer()
        await _drop_buttons(query)
        await superseded(context, update.effective_chat.id, user_id)
        return
    if plan.status == PlanStatus.CANCELLED:
        await query.answer(PlanCancelled.user_message, show_alert=True)
        await _drop_buttons(query)
        return
    if plan.status != PlanStatus.DRAFT:  # a double tap, or the other device was quicker
        await query.answer(await _already(rt, plan))
        await _drop_buttons(query)
        return
    await query.answer("Approving…")
    await _drop_buttons(query)
    try:
        written = await rt.plan_writer.approve(user_id, plan_id)
    except StaleDraft:  # the settings changed between the tap and the write
        await superseded(context, update.effective_chat.id, user_id)
        return
    except PlanNotFound as exc:  # cancelled (or erased) between the tap and the write
        await context.bot.send_message(update.effective_chat.id, exc.user_message)
        return
    except UserBusy as exc:
        # Another process holds the lease: if it is writing this very plan, say so.
        now = await rt.store.plans.get(user_id, plan_id)
        text = (
            exc.user_message
            if now is None or now.status == PlanStatus.DRAFT
            else await _already(rt, now)
        )
        await context.bot.send_message(update.effective_chat.id, text)
        return
    except (HevyError, SpotterError) as exc:
        log.warning("plan write failed", extra={"user_id": user_id, "error": str(exc)})
        await context.bot.send_message(
            update.effective_chat.id,
            (getattr(exc, "user_message", None) or "Writing to Hevy failed.")
            + " Press /plan again to retry; nothing is duplicated.",
        )
        return
    if written.already:
        await context.bot.send_message(update.effective_chat.id, await _already(rt, written.plan))
        return
    days = len(written.routines)
    if not days:
        await context.bot.send_message(
            update.effective_chat.id,
            "Approved. With no Hevy link, the plan lives here: /today shows your next session "
            "with its loads. Log it in Hevy as usual and send me a fresh export now and then, "
            "and I'll keep your history and progress current.",
        )
        return
    await context.bot.send_message(
        update.effective_chat.id,
        f"Done: {days} routines are in your Spotter folder in Hevy. Start a session from one of "
        "them and I'll move the plan forward as you log.",
    )


async def _already(rt: Runtime, plan: Plan) -> str:
    linked = await rt.store.credentials.get(plan.user_id) is not None
    return f"Already approved: {where_approved(plan, linked)}"


async def _drop_buttons(query: CallbackQuery) -> None:
    """Take a message's buttons away; a second tap finds them gone already, which is fine."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def superseded(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> None:
    """A draft made under settings changed since was tapped: drafts like it lose their buttons,
    and the lifter gets the newer plan (or /plan when there is none yet). Nothing is written."""
    rt = runtime(context)
    fresh = await drop_stale_drafts(context.bot, runtime(context), chat_id, user_id)
    if fresh is None:
        await context.bot.send_message(
            chat_id,
            "Your settings changed after this plan was made, so it's out of date and nothing "
            "went to Hevy: send /plan for one that fits them.",
        )
        return
    await context.bot.send_message(
        chat_id,
        "Your settings changed after this plan was made, so nothing went to Hevy: a newer plan "
        "fits them, here it is.",
    )
    await show_proposal(context, chat_id, await rt.plans.proposal(user_id, fresh))


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The next planned session, with loads in the lifter's units."""
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    catalogue = await rt.insights.catalogue(user.id)
    on = checkin.local_today(user)
    training = await rt.checkins.training_day(user.id, on)
    if training is not None:
        # A training day: the session as it stands today, and the check-in's taps.
        await update.message.reply_text(
            today_html(training.session, catalogue, user.units), parse_mode=ParseMode.HTML
        )
        await update.message.reply_text(
            checkin.checkin_text(training.day.name, training.said()),
            reply_markup=checkin.checkin_markup(on, training.answer),
        )
        return
    found = await rt.plans.next_session(user.id, utcnow().date())
    if found is None:
        await update.message.reply_text("No plan yet: send /plan and I'll build one.")
        return
    await update.message.reply_text(
        today_html(found[1], catalogue, user.units), parse_mode=ParseMode.HTML
    )


async def changes_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/changes: every change the last weekly update made, each with its reason (the update
    itself stays short)."""
    plans = await runtime(context).store.plans.list(update.effective_user.id)
    plan = next((p for p in plans if p.status in LIVE), None)
    if plan is None or not plan.last_change_details:
        await update.message.reply_text(
            "No changes yet: when a week of your plan is logged, I set the next one and say why."
        )
        return
    text = f"Week {plan.week}, every change and why:\n" + "\n".join(
        f"• {escape(line)}" for line in plan.last_change_details
    )
    for part in split_html(text):
        await update.message.reply_text(part, parse_mode=ParseMode.HTML)
