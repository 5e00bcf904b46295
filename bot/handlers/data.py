"""The lifter's data: /import a Hevy CSV, /export everything, /delete everything."""

from __future__ import annotations

import asyncio
import io
import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers import runtime
from bot.jobs import unschedule_user
from core.models import utcnow
from core.services.csv_import import CsvImportError, import_csv

MAX_CSV_BYTES = 20 * 1024 * 1024


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(
        "Send me your Hevy export as a file: in Hevy, Settings → Export data → Export workouts. "
        "It works without Hevy Pro."
    )


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A CSV sent as a document: import it (all or nothing)."""
    doc = update.message.document
    if not (doc.file_name or "").lower().endswith(".csv"):
        await update.message.reply_text("That isn't a CSV file. Send Hevy's “Export data” file.")
        return
    if doc.file_size and doc.file_size > MAX_CSV_BYTES:
        await update.message.reply_text("That file is too large (20 MB at most).")
        return
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    data = await (await doc.get_file()).download_as_bytearray()
    try:
        text = bytes(data).decode("utf-8-sig")
        result = await import_csv(rt.store, user.id, text, user.timezone)
    except UnicodeDecodeError:
        await update.message.reply_text(
            "I couldn't read that file as text (UTF-8). Nothing was imported."
        )
        return
    except CsvImportError as exc:
        await update.message.reply_text(f"Nothing was imported: {exc}.")
        return
    note = ""
    if result.unmapped:
        names = ", ".join(sorted(result.unmapped)[:8])
        note = (
            f"\nThese exercises aren't in your Hevy catalogue, so I kept them under their names: "
            f"{names}."
        )
    await update.message.reply_text(
        f"Imported {len(result.workouts)} workouts ({result.set_count} sets, "
        f"{result.units} file).{note}"
    )


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Everything Spotter keeps about the lifter, as one JSON file (the Hevy key excluded)."""
    rt = runtime(context)
    user_id = update.effective_user.id
    store = rt.store
    user = await store.users.get(user_id)
    linked = await store.credentials.get(user_id) is not None
    workouts = await store.workouts.list(user_id)
    plans = await store.plans.list(user_id)
    conversation = await store.conversations.load(user_id)
    sync_state = await store.sync_state.get(user_id)

    def serialize() -> bytes:  # years of workouts: seconds of CPU, so in a worker thread
        payload = {
            "exported_at": utcnow(),
            "user": user.model_dump(mode="json"),
            "hevy_linked": linked,
            "workouts": [w.model_dump(mode="json") for w in workouts],
            "plans": [p.model_dump(mode="json") for p in plans],
            "conversation": conversation.model_dump(mode="json"),
            "sync": sync_state.model_dump(mode="json"),
        }
        return json.dumps(payload, indent=1, default=str).encode()

    data = await asyncio.to_thread(serialize)
    await update.message.reply_document(
        io.BytesIO(data),
        filename=f"spotter-export-{utcnow().date()}.json",
        caption="All your Spotter data.",
    )


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(
        "Delete everything Spotter keeps about you: your Hevy key, your copy of the log, plans, "
        "conversation and settings? (Nothing in Hevy itself is touched.)",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Yes, delete everything", callback_data="delete:yes"),
                    InlineKeyboardButton("No", callback_data="delete:no"),
                ]
            ]
        ),
    )


async def delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    if query.data != "delete:yes":
        await query.edit_message_text("Nothing was deleted.")
        return
    user_id = update.effective_user.id
    unschedule_user(context.application, user_id)
    await runtime(context).erasure.erase(user_id)
    await query.edit_message_text(
        "Done: everything is deleted. Send /start if you ever want to come back."
    )
