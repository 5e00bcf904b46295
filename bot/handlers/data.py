"""The lifter's data: /import a Hevy CSV, /export everything, /delete everything."""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.handlers import runtime
from bot.jobs import unschedule_user
from core.services.csv_import import CsvImportError, import_csv
from core.services.export import export_document, export_filename

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
    data = await export_document(runtime(context).store, update.effective_user.id)
    await update.message.reply_document(
        io.BytesIO(data), filename=export_filename(), caption="All your Spotter data."
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
    await erase_everything(context.application, update.effective_user.id)
    await query.edit_message_text(
        "Done: everything is deleted. Send /start if you ever want to come back."
    )


async def erase_everything(application: Application, user_id: int) -> None:
    """Stop the lifter's scheduled jobs, then erase all Spotter keeps about them."""
    unschedule_user(application, user_id)
    await application.bot_data["runtime"].erasure.erase(user_id)
