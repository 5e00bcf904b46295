"""/progress (a chart and two lines), /week (a chart), /prs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram.charts import progress_chart, week_chart
from bot.telegram.handlers import app_button, runtime
from bot.telegram.reports import prs_text, week_text
from core.engine.loads import format_load
from core.engine.names import MAX_QUERY_CHARS
from core.engine.patterns import exposures
from core.engine.periods import local, week_start
from core.models import utcnow
from core.services.insights import UnknownExercise


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/progress <exercise>: e1RM over time as a picture, PRs marked."""
    query = " ".join(context.args or []).strip()
    if not query:
        await update.message.reply_text("Which exercise? For example: /progress bench")
        return
    if len(query) > MAX_QUERY_CHARS:
        await update.message.reply_text(
            f"That's longer than any exercise name ({MAX_QUERY_CHARS} characters at most). "
            "Try a few words, e.g. /progress incline bench"
        )
        return
    await send_progress(update, context, query)


async def progress_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The lifter picked one of several matching exercises."""
    await update.callback_query.answer()
    await send_progress(update, context, update.callback_query.data.split(":", 1)[1])


async def send_progress(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    chat_id = update.effective_chat.id
    try:
        report = await rt.insights.progress(user.id, query)
    except UnknownExercise as exc:
        if not exc.choices:
            await context.bot.send_message(
                chat_id, f"I couldn't find “{query}” in your Hevy exercises."
            )
            return
        buttons = [
            [InlineKeyboardButton(t.title, callback_data=f"progress:{t.id}")]
            for t in exc.choices[:6]
        ]
        await context.bot.send_message(
            chat_id, "Which one?", reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    rows = await rt.store.workouts.sets(user.id, template_id=report.template.id)
    series = await asyncio.to_thread(exposures, rows, report.template.id)
    if not series:
        title = report.template.title
        said = (
            f"No sets of {title} with a load yet." if rows else f"You haven't logged {title} yet."
        )
        await context.bot.send_message(chat_id, said)
        return
    first, last = series[0], series[-1]
    best = max(series, key=lambda e: e.e1rm)

    def e1rm(value: float) -> str:
        return format_load(value, user.units, estimate=True)

    stalled = f"; no progress since {report.stalled_since.date()}." if report.stalled_since else "."
    caption = (
        f"{report.template.title}: e1RM {e1rm(first.e1rm)} ({first.at.date()}) → "
        f"{e1rm(last.e1rm)} ({last.at.date()}).\n"
        f"Best: {e1rm(best.e1rm)} on {best.at.date()}{stalled}"
    )
    chart = await asyncio.to_thread(progress_chart, report.template.title, series, user.units)
    button = app_button(context, "Explore in the app", "progress", exercise=report.template.id)
    markup = InlineKeyboardMarkup([[button]]) if button else None
    await context.bot.send_photo(chat_id, chart, caption=caption, reply_markup=markup)


async def week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/week: this week's hard sets per muscle against the bands (a chart once there is some)."""
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    monday = week_start(local(utcnow(), user.timezone).date())
    rows = await rt.plans.week_volume(user.id, monday, utcnow())
    label = f"{monday.day} {monday:%b}"
    if not any(row.sets for row in rows):  # no photo of zeros: say what is true
        latest = await rt.store.workouts.recent(user.id, limit=1)
        last = local(latest[0].start_time, user.timezone) if latest else None
        since = f"{last.day} {last:%B}" if last else ""
        await update.message.reply_text(week_text(rows, label, since))
        return
    text = week_text(rows, label)
    chart = await asyncio.to_thread(week_chart, rows, label)
    await update.message.reply_photo(chart, caption=text[:1024])


async def prs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/prs: best e1RMs and the rep-PRs of the last four weeks."""
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    report = await rt.insights.pr_report(user.id, utcnow() - timedelta(weeks=4))
    text = prs_text(report, await rt.insights.catalogue(user.id), user.units)
    await update.message.reply_text(text)
