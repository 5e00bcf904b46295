"""The Progress page: per exercise, e1RM and heaviest-set curves (drawn by uPlot from
`/app/api/progress`), and hard sets per muscle over the last weeks against each band."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.web.miniapp.common import Asking, Context, NotFound, Params, day_label, trained_exercises
from core.engine.loads import format_load, to_user_units
from core.engine.patterns import Exposure, exposures, new_bests, runs
from core.engine.periods import local, week_start, week_window
from core.engine.records import all_time_prs
from core.engine.volume import BANDS, MuscleVolume, band_for, weekly_hard_sets
from core.models import Units, utcnow

VOLUME_WEEKS = 8
RANGES = (91, 365, 0)  # the chart's "3 M", "1 Y" and "All", in days (0: everything)


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    # The most trained lift lately comes first and is shown: the order names resolve in.
    choices = await trained_exercises(asking)
    chosen = params.get("exercise") or (choices[0]["id"] if choices else "")
    if chosen and chosen not in {c["id"] for c in choices}:
        raise NotFound("no such exercise in your log")
    summary = None
    if chosen:
        rows = await rt.store.workouts.sets(user.id, template_id=chosen)
        series = await asyncio.to_thread(exposures, rows, chosen)
        if series:
            best = max(series, key=lambda e: e.e1rm)
            # The record /prs shows too: the heaviest set first reached, 15 reps included.
            heaviest = all_time_prs(rows)[chosen].heaviest
            summary = {
                "sessions": len(series),
                "best": format_load(best.e1rm, user.units, estimate=True),
                "best_when": day_label(best.at, user.timezone),
                "best_set": _set(best.weight_kg, best.reps, user.units),
                "heaviest": _set(heaviest.weight_kg, heaviest.reps, user.units),
                "heaviest_when": day_label(heaviest.at, user.timezone),
                "span_days": (utcnow() - series[0].at).days,
            }
    volume = await weekly_volume(asking)
    quiet = ""  # eight weeks of zeros say less than one sentence
    if not any(w["sets"] != "0" for m in volume for w in m["weeks"]):
        latest = await rt.store.workouts.recent(user.id, limit=1)
        quiet = day_label(latest[0].start_time, user.timezone) if latest else "ever"
    return {
        "exercises": choices,
        "exercise": chosen,
        "title": next((c["title"] for c in choices if c["id"] == chosen), ""),
        "summary": summary,
        "units": user.units.value,
        "volume": volume,
        "quiet": quiet,
    }


async def chart(asking: Asking, params: Params) -> Context:
    """The curves of one exercise as uPlot's columns, in the lifter's units."""
    user = asking.user
    template_id = params.get("exercise", "")
    rows = await asking.runtime.store.workouts.sets(user.id, template_id=template_id)
    series = await asyncio.to_thread(exposures, rows, template_id)
    columns = chart_columns(series, user.units, user.timezone)
    if series:
        columns["windows"] = chart_windows(series[0].at, series[-1].at, utcnow())
        columns["last"] = day_label(series[-1].at, user.timezone)
    return columns


def chart_windows(first: datetime, last: datetime, now: datetime) -> dict[str, dict]:
    """Each range's window in seconds, counted back from today (not from the last session, so
    a lifter away for months sees the months empty); never before the first session."""
    end = max(last, now).timestamp()
    windows = {}
    for days in RANGES:
        start = max(first.timestamp(), end - days * 86400) if days else first.timestamp()
        windows[str(days)] = {"start": start, "end": end}
    return windows


def chart_columns(series: list[Exposure], units: Units, tz: str) -> Context:
    """x (seconds), e1RM, heaviest set, PR marker (the e1RM where it beat every earlier one; the
    first session is no record) and the label of the sets behind each point. A break in training
    gets a point of nulls in between, so no line is drawn across it."""
    columns: dict[str, list] = {"x": [], "e1rm": [], "heaviest": [], "pr": [], "label": []}
    records = iter(new_bests(series))
    for n, run in enumerate(runs(series)):
        if n:
            middle = columns["x"][-1] + (run[0].at.timestamp() - columns["x"][-1]) / 2
            columns["x"].append(middle)
            for key in ("e1rm", "heaviest", "pr", "label"):
                columns[key].append(None)
        for e in run:
            record = next(records)
            e1rm = round(to_user_units(e.e1rm, units), 1)
            rpe = f" @ RPE {e.rpe:g}" if e.rpe is not None else ""
            columns["x"].append(e.at.timestamp())
            columns["e1rm"].append(e1rm)
            columns["heaviest"].append(round(to_user_units(e.heaviest_kg, units), 2))
            columns["pr"].append(e1rm if record else None)
            columns["label"].append(
                f"{day_label(e.at, tz)}: e1RM {format_load(e.e1rm, units, estimate=True)} from "
                f"{_set(e.weight_kg, e.reps, units)}{rpe}; heaviest "
                f"{_set(e.heaviest_kg, e.heaviest_reps, units)}" + (" · new best" if record else "")
            )
    return {"units": units.value, "workouts": [e.workout_id for e in series], **columns}


async def weekly_volume(asking: Asking) -> list[dict]:
    """Hard sets per muscle in each of the last VOLUME_WEEKS weeks (this one "so far"), with
    each muscle's band: bar and band heights as a share of the row's scale."""
    rt, user = asking.runtime, asking.user
    this_monday = week_start(local(utcnow(), user.timezone).date())
    mondays = [this_monday - timedelta(weeks=n) for n in range(VOLUME_WEEKS - 1, -1, -1)]
    start, _ = week_window(mondays[0], user.timezone)
    rows = await rt.store.workouts.sets(user.id, start=start)
    catalogue = await rt.insights.catalogue(user.id)
    weekly = await asyncio.to_thread(weekly_hard_sets, rows, catalogue, user.timezone)
    level = user.preferences.level
    trained = {m for week in weekly.values() for m, s in week.items() if s > 0}
    muscles = []
    for muscle in sorted(set(BANDS[level]) | trained):
        band = band_for(muscle, level)
        if muscle not in trained and (band is None or band[0] == 0):
            continue  # an optional muscle never trained: nothing to show
        values = [weekly.get(m, {}).get(muscle, 0.0) for m in mondays]
        scale = max([*values, band[1] if band else 0.0, 1.0])
        weeks = []
        for monday, sets in zip(mondays, values, strict=True):
            current = monday == this_monday
            low, high = band if band else (None, None)
            judged = MuscleVolume(muscle, sets, low, high).status  # a finished week's verdict
            status = "so-far" if current else judged.replace(" ", "-")
            weeks.append(
                {
                    "label": "so far" if current else f"{monday.day}/{monday.month}",
                    "sets": f"{sets:g}",
                    "height": round(100 * sets / scale),
                    "status": status,
                }
            )
        muscles.append(
            {
                "muscle": muscle,
                "band": f"{band[0]:g}–{band[1]:g}" if band else "no band",
                "low": round(100 * band[0] / scale) if band else None,
                "high": round(100 * band[1] / scale) if band else None,
                "weeks": weeks,
            }
        )
    return muscles


def _set(kg: float, reps: int, units: Units) -> str:
    return f"{format_load(kg, units)} × {reps}"
