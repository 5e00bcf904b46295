"""The lifter's data: /import a Hevy CSV, /export everything, /delete everything."""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.telegram.handlers import callback_parts, runtime
from bot.telegram.jobs import unschedule_user
from core.engine.catalogue import MUSCLES, is_local
from core.models import ExerciseTemplate
from core.services.catalogue import set_muscle
from core.services.csv_import import CsvImport, CsvImportError, import_csv
from core.services.export import export_document, export_filename
from core.services.user_lease import UserBusy, UserGone

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_LISTED = 10  # own exercises listed (with a button each) after an import


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
        result = await import_csv(rt.store, user.id, text, user.timezone, rt.leases)
    except (UnicodeDecodeError, CsvImportError, UserGone, UserBusy) as exc:
        await update.message.reply_text(not_imported(exc))
        return
    switch = None
    text = imported_text(result)
    if result.units != user.units.value:
        text += f" Your file is in {result.units}; Spotter shows {user.units.value}. Switch?"
        switch = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        f"Use {result.units}", callback_data=f"set:units:{result.units}"
                    )
                ]
            ]
        )
    await update.message.reply_text(text, reply_markup=switch)
    if result.created:
        await update.message.reply_text(
            own_exercises_text(result.created), reply_markup=muscle_buttons(result.created)
        )
        # The list comes back after each correction, so every guess stays correctable.
        context.user_data[OWN_LIST] = [
            (t.id, like.title if like else None) for t, like in result.created[:MAX_LISTED]
        ]
        context.user_data[OWN_FIXED] = set()


OWN_LIST = "own_exercise_list"  # user_data: the last import's [(own id, title guessed from)]
OWN_FIXED = "own_exercises_fixed"  # user_data: own ids whose muscle the lifter picked


def not_imported(exc: Exception) -> str:
    """Why nothing of a file was imported, in one sentence for the lifter."""
    if isinstance(exc, UnicodeDecodeError):
        return "I couldn't read that file as text (UTF-8). Nothing was imported."
    if isinstance(exc, UserGone):  # a /delete while the file was read: it stays deleted
        return "Nothing was imported: your data was deleted while I was reading the file."
    if isinstance(exc, UserBusy):
        return f"{exc.user_message} Nothing was imported."
    return f"Nothing was imported: {exc}."


def imported_text(result: CsvImport) -> str:
    return (
        f"Imported {len(result.workouts)} workouts ({result.set_count} sets, {result.units} file)."
    )


def own_exercise_line(
    template: ExerciseTemplate, like: ExerciseTemplate | str | None, picked: bool = False
) -> str:
    """`Spoto Press → chest (like Bench Press (Barbell))`: the guess and where it came from."""
    title = like.title if isinstance(like, ExerciseTemplate) else like
    source = "your pick" if picked else f"like {title}" if title else "no guess"
    return f"{template.title} → {_muscle(template.primary_muscle_group)} ({source})"


def own_exercises_text(created, picked: frozenset[str] = frozenset()) -> str:
    """The titles no catalogue knows, now the lifter's own exercises, with the guessed muscle."""
    lines = [
        f"{len(created)} exercise{'s' if len(created) > 1 else ''} I didn't know became your own, "
        "muscles guessed from the closest Hevy exercise:"
    ]
    lines += [
        f"• {own_exercise_line(template, like, template.id in picked)}"
        for template, like in created[:MAX_LISTED]
    ]
    if len(created) > MAX_LISTED:
        lines.append(f"…and {len(created) - MAX_LISTED} more.")
    lines.append("Tap one to correct its muscle; plans and weekly volume count it there.")
    return "\n".join(lines)


def muscle_buttons(created) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(template.title[:40], callback_data=f"mus:{template.id}")]
            for template, _ in created[:MAX_LISTED]
        ]
    )


async def muscle_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`mus:<id>` offers the muscles; `mus:<id>:<muscle>` corrects one own exercise's guess."""
    query = update.callback_query
    _, template_id, muscle = callback_parts(query.data, 3)
    store = runtime(context).store
    user_id = update.effective_user.id
    mine = await store.templates.get(user_id, template_id)
    if mine is None or not is_local(template_id):
        await query.answer("That exercise is gone; import again to see it.")
        return
    if not muscle:
        rows = [
            [
                InlineKeyboardButton(_muscle(m), callback_data=f"mus:{template_id}:{m}")
                for m in MUSCLES[i : i + 3]
            ]
            for i in range(0, len(MUSCLES), 3)
        ]
        await query.answer()
        await query.edit_message_text(
            f"{mine.title}: which muscle does it train most?",
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return
    try:
        fixed = await set_muscle(store, user_id, template_id, muscle)
    except ValueError:
        await query.answer("That button is out of date.")
        return
    await query.answer("Saved.")
    said = f"{fixed.title} now counts for {_muscle(fixed.primary_muscle_group)}."
    listed = context.user_data.get(OWN_LIST, [])
    if template_id not in (tid for tid, _ in listed):  # an older import's list, or a restart
        await query.edit_message_text(said)
        return
    fixed_ids = context.user_data.setdefault(OWN_FIXED, set())
    fixed_ids.add(template_id)
    created = []
    for tid, like in listed:
        template = await store.templates.get(user_id, tid)
        if template is not None:
            created.append((template, like))
    text = own_exercises_text(created, frozenset(fixed_ids))
    await query.edit_message_text(f"✓ {said}\n\n{text}", reply_markup=muscle_buttons(created))


def _muscle(name: str) -> str:
    return name.replace("_", " ")


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
