"""The guided setup a new lifter gets after /start, after linking Hevy, and from /plan before a
first plan: goal, level, days, session length, equipment, injuries, units, time zone and
reminder, one question at a time in one message, each skippable (the defaults stay), all
changeable later in /settings."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.process.runtime import Runtime
from bot.telegram.handlers import callback_parts, runtime
from bot.telegram.handlers.proposal import send_plan
from bot.telegram.handlers.settings import (
    EQUIPMENT,
    GONE,
    INJURIES,
    MENUS,
    changed,
    save,
    summary,
)
from bot.telegram.jobs import schedule_reminder
from core.engine.loads import likely_units
from core.models import Units, User, time_zone, utcnow
from core.ports import Store

LIVE = "setup_message"  # user_data: the one setup message with buttons, and the step it asks
STEPS = ("goal", "level", "days", "minutes", "equipment", "injuries", "units", "tz", "reminder")
QUESTIONS = {
    "goal": "What do you train for?",
    "level": "How long have you trained seriously? Beginner: under a year; advanced: years of "
    "steady progress.",
    "days": "How many days a week can you train?",
    "minutes": "How long is a session, in minutes?",
    "equipment": "What equipment do you have?",
    "injuries": "Anything that hurts or needs care (none is fine)?",
    "units": "Do you load in kilograms or pounds?",
    "tz": "Your time zone (for reminders and “this week”)?",
    "reminder": "A reminder on training days?",
}
# Zones worth offering first, by the language the lifter's Telegram is set to.
ZONES = {
    "de": ("Europe/Berlin", "Europe/Vienna", "Europe/Zurich"),
    "fr": ("Europe/Paris", "Europe/Brussels", "America/Montreal"),
    "es": ("Europe/Madrid", "America/Mexico_City", "America/Bogota"),
    "it": ("Europe/Rome",),
    "nl": ("Europe/Amsterdam", "Europe/Brussels"),
    "pl": ("Europe/Warsaw",),
    "pt": ("Europe/Lisbon", "America/Sao_Paulo"),
    "ru": ("Europe/Moscow",),
    "uk": ("Europe/Kyiv",),
    "tr": ("Europe/Istanbul",),
    "ja": ("Asia/Tokyo",),
}
DEFAULT_ZONES = ("Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles")


def zones_for(language: str | None, browser: str = "") -> tuple[str, ...]:
    """The zones to offer: the Mini App's browser zone when it has reported one, the language's
    own, then the common English-speaking ones."""
    own = ZONES.get((language or "").split("-")[0], ())
    first = (browser,) if browser else ()
    return tuple(dict.fromkeys((*first, *own, *DEFAULT_ZONES, "UTC")))[:6]


async def begin(
    application: Application, chat_id: int, user_id: int, intro: str, language: str | None
) -> None:
    """Send the setup's question (with `intro` above it): the first, or, when a setup message
    is live already, the one it was at, that older message losing its buttons (one setup
    message at a time)."""
    rt = application.bot_data["runtime"]
    user = await adopt_log_units(rt.store, await rt.insights.user(user_id))
    live = application.user_data[user_id].get(LIVE)
    step = live["step"] if live else STEPS[0]
    await retire(application, user_id)
    keyboard = await _keyboard(rt, user, step, language)
    sent = await application.bot.send_message(
        chat_id, f"{intro}\n\n{question(step)}", reply_markup=keyboard
    )
    application.user_data[user_id][LIVE] = {
        "chat": chat_id,
        "message": sent.message_id,
        "step": step,
    }


async def retire(application: Application, user_id: int, text: str | None = None) -> None:
    """The live setup message loses its buttons (and reads `text`, when given)."""
    live = application.user_data[user_id].pop(LIVE, None)
    if live is None:
        return
    with contextlib.suppress(BadRequest):  # gone, too old, or already so
        if text is None:
            await application.bot.edit_message_reply_markup(live["chat"], live["message"])
        else:
            await application.bot.edit_message_text(text, live["chat"], live["message"])


async def typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A time zone typed while the setup asks for one (“Europe/Berlin” or “tz Europe/Berlin”)
    answers it and the setup goes on; any other text goes on to the coach."""
    live = context.user_data.get(LIVE)
    if not live or live["step"] != "tz":
        return
    text = update.message.text.strip()
    name = text[3:].strip() if text.lower().startswith("tz ") else text
    try:
        time_zone(name)
    except ValueError:
        if "/" not in name and not text.lower().startswith("tz "):
            return  # not meant as a zone: the coach answers it
        await update.message.reply_text(
            f"“{name[:40]}” is not a time zone I know; try e.g. Europe/Berlin, or tap one."
        )
        raise ApplicationHandlerStop from None
    rt = runtime(context)
    before = await rt.insights.user(update.effective_user.id)
    user = await save(rt.store, before, changed(before, "tz", name))
    if user is None:
        await update.message.reply_text(GONE)
        raise ApplicationHandlerStop
    await schedule_reminder(context.application, user.id)
    await retire(context.application, user.id, f"{question('tz')}\n✓ {user.timezone}")
    following = STEPS[STEPS.index("tz") + 1]
    keyboard = await _keyboard(rt, user, following, update.effective_user.language_code)
    sent = await update.message.reply_text(
        f"Time zone set to {user.timezone}.\n\n{question(following)}", reply_markup=keyboard
    )
    context.user_data[LIVE] = {"chat": sent.chat_id, "message": sent.message_id, "step": following}
    raise ApplicationHandlerStop


async def setup_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`ob:<step>:<answer>`: record the answer (or skip), then ask the next question."""
    query = update.callback_query
    _, step, answer = callback_parts(query.data, 3)
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    language = update.effective_user.language_code
    if step not in STEPS or not _offered(step, answer, language, user.browser_timezone):
        await query.answer("That button is out of date; send /settings.")
        return
    before = user
    user, done_with_step = apply_answer(user, step, answer)
    finished = answer == "rest" or (done_with_step and step == STEPS[-1])
    if finished:
        user = user.model_copy(update={"set_up": True})
    user = await save(rt.store, before, user)
    if user is None:
        await query.answer(GONE, show_alert=True)
        return
    if step in ("tz", "reminder"):
        await schedule_reminder(context.application, user.id)
    await query.answer()
    if finished:
        context.user_data.pop(LIVE, None)
        plan_next = context.user_data.pop("plan_after_setup", False)
        then = "Your plan follows." if plan_next else "/plan builds your plan."
        await query.edit_message_text(
            summary(user, f"All set. {then} Change any of it with /settings.")
        )
        if plan_next:
            await send_plan(context, update.effective_chat.id, user.id)
        return
    following = STEPS[STEPS.index(step) + 1] if done_with_step else step
    if following == "units":  # linked since the setup began: the log may say lb by now
        user = await adopt_log_units(rt.store, user)
    await query.edit_message_text(
        question(following), reply_markup=await _keyboard(rt, user, following, language)
    )
    context.user_data[LIVE] = {
        "chat": query.message.chat_id,
        "message": query.message.message_id,
        "step": following,
    }


# What a button keyboard adds to a question (the demo asks the same questions in a terminal).
BUTTON_HINTS = {
    "equipment": " Tap to toggle, then Done.",
    "injuries": " Tap to toggle, then Done.",
    "tz": " Or send it, e.g. “tz America/Chicago”.",
}


def question(step: str) -> str:
    hint = BUTTON_HINTS.get(step, "")
    return f"Setup {STEPS.index(step) + 1} of {len(STEPS)} · {QUESTIONS[step]}{hint}"


def apply_answer(user: User, step: str, answer: str) -> tuple[User, bool]:
    """The user with `answer` recorded, and whether the step is answered (a toggle is not)."""
    if answer in ("skip", "rest", "done"):
        return user, True
    toggles = {"equipment": "equip", "injuries": "injury"}
    return changed(user, toggles.get(step, step), answer), step not in toggles


def options(step: str, language: str | None, browser: str = "") -> tuple[str, ...]:
    if step in ("goal", "level", "days", "minutes", "reminder"):
        return tuple(MENUS[step])
    if step == "equipment":
        return EQUIPMENT
    if step == "injuries":
        return INJURIES
    if step == "units":
        return tuple(u.value for u in Units)
    return zones_for(language, browser)


def _offered(step: str, answer: str, language: str | None, browser: str) -> bool:
    if answer in ("skip", "rest"):
        return True
    if answer == "done":
        return step in ("equipment", "injuries")
    return answer in options(step, language, browser)


async def _keyboard(
    rt: Runtime, user: User, step: str, language: str | None
) -> InlineKeyboardMarkup:
    p = user.preferences
    offered = options(step, language, user.browser_timezone)
    if step in ("equipment", "injuries"):
        chosen = p.equipment if step == "equipment" else p.injuries
        buttons = [
            InlineKeyboardButton(
                ("✅ " if o in chosen else "▫️ ") + o, callback_data=f"ob:{step}:{o}"
            )
            for o in offered
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([InlineKeyboardButton("Done", callback_data=f"ob:{step}:done")])
    else:
        current = _current(user, step)
        proposed = await log_units(rt.store, user.id) if step == "units" else None
        labels = {
            o: ("• " if o == current else "")
            + o
            + (" (your log)" if proposed is not None and o == proposed.value else "")
            for o in offered
        }
        width = 3 if len(offered) > 4 else len(offered)
        buttons = [InlineKeyboardButton(labels[o], callback_data=f"ob:{step}:{o}") for o in offered]
        rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    rows.append(
        [
            InlineKeyboardButton("Skip", callback_data=f"ob:{step}:skip"),
            InlineKeyboardButton("Skip the rest", callback_data=f"ob:{step}:rest"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def _current(user: User, step: str) -> str:
    p = user.preferences
    return {
        "goal": p.goal,
        "level": p.level,
        "days": str(p.days_per_week),
        "minutes": str(p.session_minutes),
        "units": user.units.value,
        "tz": user.timezone,
        "reminder": p.reminder_time.strftime("%H:%M") if p.reminder_time else "off",
    }[step]


async def adopt_log_units(store: Store, user: User) -> User:
    """A lifter still in the setup gets the units their log shows, selected: skipping the
    question (or the rest of the setup) keeps lb for an lb log instead of the kg default."""
    if user.set_up:
        return user
    proposed = await log_units(store, user.id)
    if proposed is None or proposed == user.units:
        return user
    updated = await store.users.update(user.id, {"units": proposed, "updated_at": utcnow()})
    return updated or user  # erased meanwhile: nothing stored, the setup's answer says so


async def log_units(store: Store, user_id: int) -> Units | None:
    """kg or lb as the lifter's logged loads say (an lb export, plates round in lb)."""
    workouts = await store.workouts.recent(user_id, None, 30)
    return likely_units(
        s.weight_kg for w in workouts for e in w.exercises for s in e.sets if s.weight_kg
    )
