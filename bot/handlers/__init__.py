"""Telegram handlers, one module per concern; `bot/app.py` registers them in one place."""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.runtime import Runtime


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    """The services the composition root built, shared by every handler."""
    return context.application.bot_data["runtime"]
