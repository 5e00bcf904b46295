"""The Today page: this week's sessions and sets against the plan, sets per muscle so far
against their bands and what is due by now, and the next session with its loads."""

from __future__ import annotations

from bot.miniapp.common import Asking, Context, Params
from core.engine.loads import format_load
from core.engine.periods import local, week_start
from core.engine.plan_text import WEEKDAY, reps_text
from core.models import utcnow


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    now = utcnow()
    monday = week_start(local(now, user.timezone).date())
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
    upcoming = await rt.plans.next_session(user.id, local(now, user.timezone).date())
    if upcoming is not None:
        _plan, day = upcoming
        fitted = await rt.checkins.training_day(user.id, local(now, user.timezone).date())
        if fitted is not None and fitted.fitted is not None:
            day = fitted.session  # today's session as the check-in fitted it
        catalogue = await rt.insights.catalogue(user.id)
        next_day = {
            "name": day.name,
            "when": WEEKDAY.get(day.weekday or 0, ""),
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
    return {
        "monday": monday.isoformat(),
        "workouts": await rt.store.workouts.count(user.id),
        "plan": found is not None,
        "sessions": found[2].sessions if found else (0, 0),
        "sets": found[2].sets if found else (0, 0),
        "muscles": muscles,
        "next_day": next_day,
    }
