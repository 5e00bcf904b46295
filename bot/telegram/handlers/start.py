"""Greeting, help, and the admin's invite links and stats."""

from __future__ import annotations

from datetime import timedelta

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.handlers import onboarding, runtime
from bot.telegram.render import did_you_mean, escape
from core.models import Role, TokenPurpose, UserStatus, utcnow
from core.services.linking import INVITE_TTL

# The menu Telegram shows beside the text field (set at start), and what a typo is matched to.
COMMANDS = [
    BotCommand("plan", "a training plan built for you"),
    BotCommand("today", "your next session"),
    BotCommand("changes", "what the weekly update changed, and why"),
    BotCommand("progress", "e1RM over time: /progress bench"),
    BotCommand("week", "sets per muscle this week"),
    BotCommand("prs", "personal records"),
    BotCommand("sync", "fetch your latest workouts"),
    BotCommand("connect", "link your Hevy account"),
    BotCommand("settings", "units, days, equipment, injuries…"),
    BotCommand("import", "import a Hevy CSV export"),
    BotCommand("web", "open your pages in a browser"),
    BotCommand("export", "download your data"),
    BotCommand("delete", "delete everything"),
    BotCommand("help", "what I can do"),
]

HELP_HTML = """<b>Spotter</b>, your strength coach for Hevy.

/connect link your Hevy account (Hevy Pro: hevy.com → Settings → Developer)
/sync fetch your latest workouts now
/plan a training plan built for you, written into Hevy when you approve it
/today your next session, with loads
/changes every change of the last weekly update, with its reason
/progress <i>exercise</i> e1RM over time, e.g. /progress bench
/week sets per muscle this week against your targets
/prs personal records
/settings units, days, session length, equipment, injuries, time zone
/web your history, charts, plan and settings in a browser (in Telegram: the menu button)
/import a Hevy CSV export (no Pro needed) · /export your data · /delete everything
Or just ask: “how has my squat moved since March?”"""


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, with what to do first."""
    rt = runtime(context)
    linked = await rt.store.credentials.get(update.effective_user.id) is not None
    greeting = f"Hi {escape(update.effective_user.first_name or 'there')}! "
    if context.user_data.pop("just_admitted", None) == Role.ADMIN.value:
        greeting += (
            "You are this Spotter's admin: /invite makes invite links, /stats shows use.\n\n"
        )
    if linked:
        greeting += "Your Hevy account is linked. Ask me anything, or send /plan."
    else:
        greeting += "Send /connect to link your Hevy account, and I'll read your training log."
    await update.message.reply_text(greeting + "\n\n" + HELP_HTML, parse_mode=ParseMode.HTML)
    if not (await rt.insights.user(update.effective_user.id)).set_up:
        await onboarding.begin(
            context.application,
            update.effective_chat.id,
            update.effective_user.id,
            "First, a minute so plans fit you. Every question can be skipped.",
            update.effective_user.language_code,
        )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The command list."""
    await update.message.reply_text(HELP_HTML, parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command Spotter does not have: say so, and where the list is."""
    name = update.message.text.split(maxsplit=1)[0][:40]
    meant = did_you_mean(name, [c.command for c in COMMANDS])
    hint = f"Did you mean {meant}? " if meant else ""
    await update.message.reply_text(f"I don't know {name}. {hint}/help lists what I can do.")


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a button Spotter no longer has: answer it, so the app stops spinning."""
    await update.callback_query.answer("That button is out of date.")


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = await runtime(context).store.users.get(update.effective_user.id)
    if user is None or user.role != Role.ADMIN:
        await update.message.reply_text("That is for this Spotter's admins.")
        return False
    return True


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: a single-use invite link."""
    if not await _is_admin(update, context):
        return
    rt = runtime(context)
    issued = await rt.links.issue(TokenPurpose.INVITE, None, INVITE_TTL)
    link = f"https://t.me/{context.bot.username}?start={issued.token}"
    days = INVITE_TTL // timedelta(days=1)
    await update.message.reply_text(
        f"Invite link (works once, for {days} days):\n{link}", disable_web_page_preview=True
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: who uses the bot and how much."""
    if not await _is_admin(update, context):
        return
    rt = runtime(context)
    users = await rt.store.users.list()
    active = [u for u in users if u.status == UserStatus.ACTIVE]
    today = utcnow().date()
    tokens = 0
    for u in users:
        tokens += (await rt.store.usage.get(u.id, today)).total
    linked = sum([await rt.store.credentials.get(u.id) is not None for u in users])
    await update.message.reply_text(
        f"Users: {len(users)} ({len(active)} active, {linked} linked to Hevy).\n"
        f"Claude tokens today: {tokens:,}.\n"
        f"Messages waiting to be sent: {await rt.store.outbox.pending_count()}."
    )
