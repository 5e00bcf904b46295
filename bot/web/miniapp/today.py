"""The Today page: a card for the next session ("Mon · Upper A · 8 lifts · ~72 min"), this
week's adherence and the streak, or what is true instead (the plan starts Monday, nothing
logged since 9 April); then sets per muscle so far against their bands and what is due by now,
and the session's lifts with their loads."""

from __future__ import annotations

from datetime import date, timedelta

from bot.web.miniapp.common import Asking, Context, Params
from core.engine.adherence import week_streak
from core.engine.loads import format_load
from core.engine.periods import local, week_start
from core.engine.plan_text import WEEKDAY, reps_text
from core.models import utcnow

AWAY_DAYS = 14  # longer than this without a workout, the page says since when
STREAK_WEEKS = 104  # how far back a streak is looked for


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
    if upcoming is not None:
        _plan, day = upcoming
        fitted = await rt.checkins.training_day(user.id, today)
        if fitted is not None and fitted.fitted is not None:
            day = fitted.session  # today's session as the check-in fitted it
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
                    + (format_load(e.load_kg, user.units) if e.load_kg else "load: your pick"),
                }
                for e in day.exercises
            ],
        }
    year_ago = now - timedelta(weeks=STREAK_WEEKS)
    trained = [
        local(w.start_time, user.timezone).date()
        for w in await rt.store.workouts.list(user.id, year_ago, now)
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
    }


def _next_date(today: date, weekday: int | None) -> date:
    """The date of the next `weekday` (ISO, 1 = Monday) on or after `today`."""
    if not weekday:
        return today
    return today + timedelta(days=(weekday - today.isoweekday()) % 7)


def _since(day: date) -> str:
    """`9 April`, with the year when it was another year."""
    return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != utcnow().year else "")
