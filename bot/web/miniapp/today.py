"""The Today page: a card for the next session ("Mon · Upper A · 8 lifts · ~72 min"), this
week's adherence and the streak, or what is true instead (the plan starts Monday, nothing
logged since 9 April); then sets per muscle so far against their bands and what is due by now,
and the session's lifts with their loads.

On a training day the card holds the readiness check-in (time today, how it feels, where it
hurts), answered through the same service as the chat's: the card then shows the session as
fitted to the answer."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.web.miniapp.common import Asking, Context, FormError, Params, go, parse_form
from core.engine.adherence import week_streak
from core.engine.periods import local, week_start
from core.engine.plan_text import WEEKDAY, prescription, reps_text
from core.engine.readiness import AREAS, Answer, Feel, TimeToday
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.models import utcnow
from core.services.user_lease import UserBusy

log = logging.getLogger(__name__)

AWAY_DAYS = 14  # longer than this without a workout, the page says since when
STREAK_WEEKS = 104  # how far back a streak is looked for
# The check-in's taps, in the order shown: (value, label).
TIMES = (("all", "All of it"), ("two_thirds", "About ⅔"), ("half", "About ½"))
FEELS = (("good", "Good"), ("tired", "Tired"), ("hurts", "Something hurts"))


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    now = utcnow()
    today = local(now, user.timezone).date()
    monday = week_start(today)
    found = await rt.plans.this_week(user.id, now)
    muscles = []
    for row in await rt.plans.week_volume(user.id, monday, now):
        if row.low is None and row.sets == 0:
            continue
        scale = max(row.high or 0.0, row.sets, 1.0)
        muscles.append(
            {
                "muscle": row.muscle,
                "sets": f"{row.sets:g}",
                "band": f"{row.low:g}–{row.high:g}" if row.low is not None else "",
                "status": row.status.replace(" ", "-"),
                "width": round(100 * row.sets / scale),
                "due_width": None
                if row.expected is None
                else round(100 * min(row.expected, scale) / scale),
            }
        )
    next_day = None
    upcoming = await rt.plans.next_session(user.id, today)
    checkin = None
    if upcoming is not None:
        shown, day = upcoming
        training = await rt.checkins.training_day(user.id, today)
        if training is not None and training.plan.id == shown.id:
            day = training.session  # today's session, as the check-in fitted it if it did
            answer = training.answer
            checkin = {
                "on": today.isoformat(),
                "time": answer.time,
                "feel": answer.feel,
                "area": answer.area or "",
                # just answered: the service's own line (what Hevy got too); else what is kept
                "said": params.get("fitted") or training.said() or "",
                "times": TIMES,
                "feels": FEELS,
                "areas": AREAS,
            }
        catalogue = await rt.insights.catalogue(user.id)
        on = _next_date(today, day.weekday)
        next_day = {
            "name": day.name,
            "when": "Today" if on == today else WEEKDAY.get(on.isoweekday(), ""),
            "on": f"{on:%A}" if on - today < timedelta(days=7) else "",
            "lifts": len(day.exercises),
            "minutes": day.estimated_minutes,
            "exercises": [
                {
                    "title": catalogue[e.template_id].title
                    if e.template_id in catalogue
                    else e.template_id,
                    "line": f"{e.sets} × {reps_text(e)}"
                    + (f" @ RPE {e.rpe:g}" if e.rpe else "")
                    + " · "
                    + prescription(e, catalogue.get(e.template_id), user.units).load,
                }
                for e in day.exercises
            ],
        }
    year_ago = now - timedelta(weeks=STREAK_WEEKS)
    trained = [
        local(at, user.timezone).date()
        for at in await rt.store.workouts.start_times(user.id, year_ago, now)
    ]
    latest = await rt.store.workouts.recent(user.id, limit=1)
    last = local(latest[0].start_time, user.timezone).date() if latest else None
    sessions = found[2].sessions if found else (0, 0)
    return {
        "monday": f"{monday.day} {monday:%B}",
        "workouts": await rt.store.workouts.count(user.id),
        "plan": found is not None,
        # Nothing of the plan falls in this week yet: say when it starts, not "0/0".
        "starts": bool(found) and sessions[1] == 0,
        "sessions": sessions,
        "sets": found[2].sets if found else (0, 0),
        "streak": week_streak(trained, monday),
        "away": _since(last) if last and (today - last).days > AWAY_DAYS else "",
        "logged_this_week": any(row["sets"] != "0" for row in muscles),
        "muscles": muscles,
        "next_day": next_day,
        "checkin": checkin,
    }


class CheckInForm(BaseModel):
    """One tap on the check-in: the whole answer as the card shows it, for the day it showed."""

    model_config = ConfigDict(extra="forbid")

    on: date
    time: TimeToday
    feel: Feel
    area: Literal[AREAS] | None = None  # type: ignore[valid-type]


async def checkin(asking: Asking, body: dict) -> Context:
    """Fit today's session to the check-in's answer (and Hevy's routine, when linked), through
    the same service as the chat's taps; the Today page then shows the session as fitted."""
    rt, user = asking.runtime, asking.user
    form = parse_form(CheckInForm, {k: v for k, v in body.items() if v not in ("", None)})
    today = local(utcnow(), user.timezone).date()
    if form.on != today:
        return go("today", "That check-in was for another day; here is today's.")
    if form.feel == "hurts" and form.area is None:
        raise FormError("Say where it hurts, and today's session leaves that alone.")
    answer = Answer(form.time, form.feel, form.area if form.feel == "hurts" else None)
    try:
        fitted = await rt.checkins.answer(user.id, today, answer)
    except UserBusy:
        raise FormError("Busy syncing your log: tap again in a moment.") from None
    except (HevyError, SpotterError):
        log.exception("check-in write failed", extra={"user_id": user.id})
        raise FormError(
            "Hevy didn't take the change, so today stays as it was: tap again in a moment."
        ) from None
    if fitted is None:
        return go("today", "No session is planned today.")
    return go("today", "", fitted=fitted.line())


def _next_date(today: date, weekday: int | None) -> date:
    """The date of the next `weekday` (ISO, 1 = Monday) on or after `today`."""
    if not weekday:
        return today
    return today + timedelta(days=(weekday - today.isoweekday()) % 7)


def _since(day: date) -> str:
    """`9 April`, with the year when it was another year."""
    return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != utcnow().year else "")
