"""Linking Hevy: a one-time login link, or the key pasted in chat (deleted at once)."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.handlers import runtime
from bot.telegram.handlers.sync import start_backfill
from core.hevy.errors import HevyError

log = logging.getLogger(__name__)

# Hevy API keys are UUIDs; anything shaped like one is treated as a key and never left in chat.
KEY_SHAPE = re.compile(
    r"^\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*$"
)


async def connect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A login link for this user (15 minutes, single use); pasting the key works too."""
    rt = runtime(context)
    issued = await rt.links.login_link(update.effective_user.id)
    url = f"{rt.settings.public_url}/link/{issued.token}"
    markup = None
    if url.startswith("https://"):  # Telegram accepts only https in URL buttons
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Link Hevy", url=url)]])
    await update.message.reply_text(
        "Open this link to connect Hevy (it works once, for 15 minutes):\n"
        f"{url}\n\n"
        "You need Hevy Pro; the key is at hevy.com → Settings → Developer. "
        "You can also paste the key here: I delete the message at once.",
        reply_markup=markup,
        disable_web_page_preview=True,
    )


async def pasted_key(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A key-shaped message: delete it first, then link it like the login page would."""
    message = update.message
    key = message.text.strip()
    try:
        await message.delete()
    except TelegramError as exc:  # e.g. too old to delete: say so, go on
        log.warning("could not delete a pasted key", extra={"error": type(exc).__name__})
        await context.bot.send_message(
            update.effective_chat.id,
            "I couldn't delete your key message; please delete it yourself.",
        )
    rt = runtime(context)
    try:
        info = await rt.accounts.link(update.effective_user.id, key)
    except HevyError as exc:
        await context.bot.send_message(update.effective_chat.id, exc.user_message)
        return
    start_backfill(
        context.application, update.effective_user.id, update.effective_chat.id, info.name
    )


async def disconnect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget the Hevy key (the training log stays until /delete)."""
    await runtime(context).accounts.unlink(update.effective_user.id)
    await update.message.reply_text(
        "Hevy is disconnected and your key is gone. Your stored log stays until /delete."
    )


async def web(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/web: a one-time link that opens Spotter's pages in a desktop browser (10 minutes)."""
    rt = runtime(context)
    issued = await rt.links.web_link(update.effective_user.id)
    url = f"{rt.settings.public_url.rstrip('/')}/app/#login={issued.token}"
    markup = None
    if url.startswith("https://"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Open Spotter", url=url)]])
    await update.message.reply_text(
        "Your training, plan and settings in a browser; this link works once, for 10 minutes, "
        f"and only for you:\n{url}",
        reply_markup=markup,
        disable_web_page_preview=True,
    )
