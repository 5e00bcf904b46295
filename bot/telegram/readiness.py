"""The readiness check-in message: its text and its taps (time today, how it feels, where it
hurts), the same from the reminder job and from /today; the button data it parses back."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.engine.readiness import AREAS, Answer
from core.models import User, utcnow
from core.services.checkin import answer_of as answer_of  # the chat's job reads it from here

PREFIX = "ck"
TIMES = {"a": ("all", "All of it"), "t": ("two_thirds", "~⅔"), "h": ("half", "~½")}
FEELS = {"g": ("good", "Good"), "t": ("tired", "Tired"), "h": ("hurts", "Something hurts")}
_TIME_CODE = {name: code for code, (name, _label) in TIMES.items()}
_FEEL_CODE = {name: code for code, (name, _label) in FEELS.items()}


def local_today(user: User) -> date:
    return utcnow().astimezone(ZoneInfo(user.timezone)).date()


def _data(on: date, answer: Answer, area: int | None = None) -> str:
    tail = f":{area}" if area is not None else ""
    return f"{PREFIX}:{on:%Y%m%d}:{_TIME_CODE[answer.time]}:{_FEEL_CODE[answer.feel]}{tail}"


def checkin_markup(on: date, answer: Answer, areas: bool = False) -> InlineKeyboardMarkup:
    """Time and feel, the chosen ones ticked; with `areas`, where it hurts."""
    ticked = "✓ "
    times = [
        InlineKeyboardButton(
            (ticked if answer.time == name else "") + label,
            callback_data=_data(on, Answer(name, answer.feel)),  # type: ignore[arg-type]
        )
        for name, label in TIMES.values()
    ]
    feels = [
        InlineKeyboardButton(
            (ticked if answer.feel == name else "") + label,
            callback_data=_data(on, Answer(answer.time, name)),  # type: ignore[arg-type]
        )
        for name, label in FEELS.values()
    ]
    rows = [times, feels]
    if areas:
        hurts = Answer(answer.time, "hurts")
        buttons = [
            InlineKeyboardButton(
                (ticked if answer.area == area else "") + area.capitalize(),
                callback_data=_data(on, hurts, i),
            )
            for i, area in enumerate(AREAS)
        ]
        rows += [buttons[:4], buttons[4:]]
    return InlineKeyboardMarkup(rows)


def checkin_text(day_name: str, line: str | None = None) -> str:
    """The check-in message: ≤ 4 short lines."""
    head = f"Today: {day_name}. How much time do you have, and how does it feel?"
    return f"{head}\n{line or 'No answer means the plan as written.'}"


def parse(data: str) -> tuple[date, Answer, bool]:
    """(day, answer, asking where it hurts) from a button's data; ValueError when malformed."""
    parts = data.split(":")
    if len(parts) not in (4, 5) or parts[0] != PREFIX:
        raise ValueError(data)
    on = datetime.strptime(parts[1], "%Y%m%d").date()
    time, feel = TIMES[parts[2]][0], FEELS[parts[3]][0]
    area = AREAS[int(parts[4])] if len(parts) == 5 else None
    asking = feel == "hurts" and area is None
    return on, Answer(time, feel, area), asking  # type: ignore[arg-type]
