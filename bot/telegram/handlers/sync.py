"""Syncing on request, with one progress message edited in place."""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.process.runtime import Runtime
from bot.telegram.handlers import onboarding
from bot.telegram.jobs import schedule_user
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.services.user_lease import UserBusy

log = logging.getLogger(__name__)


async def sync_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sync: fetch what changed in Hevy now."""
    await run_sync(context.application, update.effective_user.id, update.effective_chat.id)


def start_backfill(application: Application, user_id: int, chat_id: int, linked_as: str) -> None:
    """Say the link worked and sync in the background (after linking), so the chat and the
    login page stay responsive; from then on the scheduler keeps the user in sync."""
    application.create_task(
        _first_sync(application, user_id, chat_id, linked_as), name=f"sync-{user_id}"
    )
    schedule_user(application, user_id)


async def _first_sync(application: Application, user_id: int, chat_id: int, linked_as: str) -> None:
    """The confirmation, the sync after linking, then the setup for a lifter who has not had it:
    now their log can propose their units. The key is stored already, so a confirmation that
    Telegram refuses (a 429, say) is logged and the sync goes on; its own message follows."""
    try:
        await application.bot.send_message(chat_id, f"Linked as {linked_as}. Reading your log…")
    except TelegramError as exc:
        log.warning(
            "could not confirm a link in chat", extra={"user_id": user_id, "error": repr(exc)}
        )
    await run_sync(application, user_id, chat_id)
    if not (await application.bot_data["runtime"].insights.user(user_id)).set_up:
        await onboarding.begin(
            application, chat_id, user_id, "Now, a minute so plans fit you:", None
        )


async def run_sync(application: Application, user_id: int, chat_id: int) -> None:
    """Sync and advance the plan under the user's lease (the same one scheduled rounds take)."""
    rt = application.bot_data["runtime"]
    try:
        async with rt.leases.hold(user_id):
            await _sync_and_report(rt, application.bot, user_id, chat_id)
    except UserBusy:
        await application.bot.send_message(
            chat_id, "I'm already syncing or writing your plan; send /sync again in a minute."
        )


async def _sync_and_report(rt: Runtime, bot: Bot, user_id: int, chat_id: int) -> None:
    status = await bot.send_message(chat_id, "Syncing with Hevy…")
    last_edit = 0.0

    async def progress(done: int, total: int) -> None:
        nonlocal last_edit
        if time.monotonic() - last_edit < 1.0 and done < total:
            return  # edits are throttled: Telegram allows about one a second per chat
        last_edit = time.monotonic()
        with contextlib.suppress(TelegramError):  # progress is best-effort
            await status.edit_text(f"Syncing with Hevy… {done}/{total} workouts")

    try:
        client = await rt.accounts.client_for(user_id)
        report = await rt.sync.sync(user_id, client, progress)
    except (HevyError, SpotterError) as exc:
        await status.edit_text(
            getattr(exc, "user_message", None) or "The sync failed; I'll retry later."
        )
        return
    await rt.loop.after_sync(user_id)  # a finished week advances right away
    total = await rt.store.workouts.count(user_id)
    changed = f"{report.upserted} new or changed" + (
        f", {report.deleted} removed" if report.deleted else ""
    )
    await status.edit_text(f"Synced: {total} workouts in your log ({changed}).")
