"""/settings: units, days, session length, goal, level, equipment, injuries, time zone and
reminder time, each set with a tap (the time zone by typing it)."""

from __future__ import annotations

from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram.handlers import app_button, callback_parts, drop_stale_drafts, runtime
from bot.telegram.jobs import schedule_reminder
from core.models import Units, User, time_zone, user_changes, utcnow
from core.ports import Store

EQUIPMENT = ("barbell", "dumbbell", "machine", "kettlebell", "resistance_band")
INJURIES = ("shoulder", "knee", "lower back", "elbow", "wrist")
MENUS = {
    "days": [str(n) for n in range(1, 8)],  # the setup offers the same
    "minutes": ["30", "45", "60", "75", "90"],
    "goal": ["strength", "hypertrophy", "general"],
    "level": ["beginner", "intermediate", "advanced"],
    "reminder": ["off", "07:00", "12:00", "17:00", "19:00"],
}


def summary(
    user: User,
    footer: str = "Tap to change; to set the time zone, send it, e.g. “tz Europe/Berlin”.",
) -> str:
    p = user.preferences
    reminder = p.reminder_time.strftime("%H:%M") if p.reminder_time else "off"
    return (
        "Your settings:\n"
        f"• units {user.units.value} · time zone {user.timezone}\n"
        f"• {p.days_per_week} days a week · {p.session_minutes} min sessions\n"
        f"• goal {p.goal} · level {p.level}\n"
        f"• equipment: {', '.join(p.equipment) or 'bodyweight only'}\n"
        f"• injuries: {', '.join(p.injuries) or 'none'}\n"
        f"• reminder on training days: {reminder}\n" + footer
    )


def keyboard(user: User, menu: str | None = None) -> InlineKeyboardMarkup:
    p = user.preferences
    if menu in MENUS:
        row = [InlineKeyboardButton(v, callback_data=f"set:{menu}:{v}") for v in MENUS[menu]]
        return InlineKeyboardMarkup(
            [row, [InlineKeyboardButton("« back", callback_data="set:menu:")]]
        )
    if menu == "equipment":
        return _toggles(EQUIPMENT, p.equipment, "✅ ", "equip")
    if menu == "injuries":
        return _toggles(INJURIES, p.injuries, "🩹 ", "injury")
    other = "lb" if user.units == Units.KG else "kg"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"Units → {other}", callback_data=f"set:units:{other}"),
                InlineKeyboardButton("Days", callback_data="set:menu:days"),
            ],
            [
                InlineKeyboardButton("Session length", callback_data="set:menu:minutes"),
                InlineKeyboardButton("Goal", callback_data="set:menu:goal"),
            ],
            [
                InlineKeyboardButton("Level", callback_data="set:menu:level"),
                InlineKeyboardButton("Equipment", callback_data="set:menu:equipment"),
            ],
            [
                InlineKeyboardButton("Injuries", callback_data="set:menu:injuries"),
                InlineKeyboardButton("Reminder", callback_data="set:menu:reminder"),
            ],
        ]
    )


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = await runtime(context).insights.user(update.effective_user.id)
    markup = keyboard(user)
    if button := app_button(context, "Open in the app", "profile"):
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [button]])
    await update.message.reply_text(summary(user), reply_markup=markup)


async def settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _, field, value = callback_parts(query.data, 3)
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    if not _offered(field, value):  # buttons we never sent (an old keyboard, or a forged tap)
        await query.answer("That button is out of date; send /settings again.")
        return
    menu = {"menu": value or None, "equip": "equipment", "injury": "injuries"}.get(field)
    if field != "menu":
        user = await save(rt.store, user, changed(user, field, value))
        if user is None:
            await query.answer(GONE, show_alert=True)
            return
        if field == "reminder":
            await schedule_reminder(context.application, user.id)
        await drop_stale_drafts(context.bot, runtime(context), update.effective_chat.id, user.id)
    await query.answer()
    await query.edit_message_text(summary(user), reply_markup=keyboard(user, menu))


GONE = "Your data was deleted, so nothing was saved: send /start to come back."


async def save(store: Store, before: User, after: User) -> User | None:
    """Store what `after` changes of `before` (only those fields: a concurrent save of another
    keeps its value); None when the lifter's data was deleted meanwhile (it stays deleted)."""
    return await store.users.update(
        before.id, {**user_changes(before, after), "updated_at": utcnow()}
    )


def changed(user: User, field: str, value: str) -> User:
    """`user` with one setting changed from its text form, as a button, the setup and the demo
    give it (equip/injury toggle one item); ValueError for a value the field cannot take."""
    prefs = user.preferences.model_copy()
    changes: dict = {}
    if field == "units":
        changes["units"] = Units(value)
    elif field == "tz":
        changes["timezone"] = time_zone(value)
    elif field == "days":
        prefs.days_per_week = int(value)
    elif field == "minutes":
        prefs.session_minutes = int(value)
    elif field in ("goal", "level"):
        setattr(prefs, field, value)
    elif field == "reminder":
        prefs.reminder_time = None if value == "off" else time.fromisoformat(value)
    elif field == "equip":
        prefs.equipment = toggle(prefs.equipment, value)
    elif field == "injury":
        prefs.injuries = toggle(prefs.injuries, value)
    else:
        raise ValueError(f"no setting {field!r}")
    return User.model_validate({**user.model_dump(), "preferences": prefs.model_dump(), **changes})


async def timezone_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """“tz Europe/Berlin” sets the time zone."""
    parts = update.message.text.split(maxsplit=1)
    name = parts[1].strip() if len(parts) > 1 else ""
    try:
        time_zone(name)
    except ValueError:
        await update.message.reply_text(
            f"“{name if len(name) <= 40 else name[:40] + '…'}” is not a time zone I know; "
            "try e.g. Europe/Berlin."
        )
        return
    rt = runtime(context)
    user = await rt.insights.user(update.effective_user.id)
    if await rt.store.users.update(user.id, {"timezone": name, "updated_at": utcnow()}) is None:
        await update.message.reply_text(GONE)
        return
    await schedule_reminder(context.application, user.id)
    await update.message.reply_text(f"Time zone set to {name}.")


def _offered(field: str, value: str) -> bool:
    """True when (`field`, `value`) is a button one of the settings keyboards shows."""
    if field == "menu":
        return value in ("", "equipment", "injuries", *MENUS)
    if field == "units":
        return value in (u.value for u in Units)
    if field == "equip":
        return value in EQUIPMENT
    if field == "injury":
        return value in INJURIES
    return value in MENUS.get(field, ())


def _toggles(
    options: tuple[str, ...], chosen: list[str], mark: str, field: str
) -> InlineKeyboardMarkup:
    """One button per option, marked when chosen; a tap toggles it."""
    rows = [
        [
            InlineKeyboardButton(
                (mark if o in chosen else "▫️ ") + o, callback_data=f"set:{field}:{o}"
            )
        ]
        for o in options
    ]
    back = [InlineKeyboardButton("« back", callback_data="set:menu:")]
    return InlineKeyboardMarkup([*rows, back])


def toggle(values: list[str], value: str) -> list[str]:
    return [v for v in values if v != value] if value in values else [*values, value]
