"""A draft in the chat: the engine's proposal previewed one phone screen a day, with the buttons
that approve, change or cancel it (handled in `plan`). Asked for by /plan, the end of the setup
and the coach."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.handlers import app_button, runtime
from bot.telegram.render import escape
from bot.telegram.reports import day_html
from core.engine.plan import PlanDay
from core.engine.plan_text import GLOSSARY, outline_day, terms_used, volume_line
from core.errors import SpotterError
from core.models import Units
from core.services.plans import Proposal


def _buttons(
    plan_id: str, app: InlineKeyboardButton | None, linked: bool, terms: list[str]
) -> InlineKeyboardMarkup:
    approve = "✅ Approve: write to Hevy" if linked else "✅ Approve"
    explain = [
        InlineKeyboardButton(f"❓ {GLOSSARY[key][0]}", callback_data=f"term:{key}") for key in terms
    ]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(approve, callback_data=f"plan:approve:{plan_id}")],
            [
                InlineKeyboardButton("✏️ Change", callback_data=f"plan:change:{plan_id}"),
                InlineKeyboardButton("✖️ Cancel", callback_data=f"plan:cancel:{plan_id}"),
            ],
            *[explain[i : i + 2] for i in range(0, len(explain), 2)],
            *([[app]] if app else []),
        ]
    )


async def send_plan(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> None:
    """Ask the engine for a proposal and preview it (or say why there is none)."""
    rt = runtime(context)
    try:
        proposal = await rt.plans.propose(user_id)
    except SpotterError as exc:
        await context.bot.send_message(chat_id, getattr(exc, "user_message", None) or str(exc))
        return
    if proposal.refused:
        await context.bot.send_message(chat_id, f"I can't build a sound plan: {proposal.refused}")
        return
    await show_proposal(context, chat_id, proposal)


async def show_proposal(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, proposal: Proposal
) -> None:
    """A draft as a phone reads it: what shaped it, one short message per training day (its
    ❓ shows why each load), and last a short overview whose buttons approve, change or cancel
    that very draft, explain the plan's terms on a tap and (where Telegram can open it) show it
    week by week in the Mini App: the buttons sit at the bottom of the chat, in view."""
    rt = runtime(context)
    user = await rt.insights.user(proposal.plan.user_id)
    catalogue = await rt.insights.catalogue(user.id)
    linked = await rt.store.credentials.get(user.id) is not None
    messages = preview_messages(proposal, catalogue, user.units)
    await context.bot.send_message(chat_id, messages[0], parse_mode=ParseMode.HTML)
    days = proposal.training.weeks[0].days
    for index, (text, day) in enumerate(zip(messages[1:-1], days, strict=True)):
        await context.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=why_markup(proposal.plan.id, index, day, shown=False),
        )
    app = app_button(context, "📋 See it week by week", "plan", plan=proposal.plan.id)
    sent = await context.bot.send_message(
        chat_id,
        messages[-1],
        parse_mode=ParseMode.HTML,
        reply_markup=_buttons(proposal.plan.id, app, linked, terms_used(proposal.training)),
    )
    # Remembered so that the buttons can go when new settings make this draft stale.
    await rt.plans.remember_preview(user.id, proposal.plan.id, sent.message_id)


def preview_messages(proposal: Proposal, catalogue, units: Units) -> list[str]:
    """What the plan is and why it is shaped so, each day of the first week in one line per
    exercise (a phone screen a day), and last a short overview for the buttons (HTML)."""
    plan = proposal.training
    deloads = [str(w.number) for w in plan.weeks if w.deload]
    days = plan.weeks[0].days
    summary = (
        f"{plan.level} · {plan.goal} · {len(days)} days · {plan.session_minutes} min · "
        f"{len(plan.weeks)} weeks"
        + (f" (week {', '.join(deloads)} is a deload)" if deloads else "")
    )
    about = [f"<b>{escape(plan.title)}</b>", summary]
    about += [f"Trade-off: {escape(c)}" for c in plan.compromises]
    about += [f"Note: {escape(n)}" for n in plan.notes]
    messages = ["\n".join(about)]
    messages += [day_html(outline_day(day, catalogue, units)) for day in days]
    overview = [f"<b>{escape(plan.title)}</b> · week 1 above", escape(volume_line(plan, catalogue))]
    warnings = list(dict.fromkeys(v.message for v in proposal.violations))  # once, not per week
    if warnings:
        overview.append(escape("Heads-up: " + "; ".join(warnings)))
    overview.append("Why each load: ❓ under a day.")
    messages.append("\n".join(overview))
    return messages


def why_markup(plan_id: str, index: int, day: PlanDay, shown: bool) -> InlineKeyboardMarkup | None:
    """The day's ❓: its lines with each exercise's reasons under them, or back to one line."""
    if not any(ex.notes for ex in day.exercises):
        return None
    label = "Hide the reasons" if shown else "❓ Why these loads"
    data = f"why:{plan_id}:{index}:{'0' if shown else '1'}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
