"""The History pages: workouts newest first, a page at a time, optionally only those that
trained one exercise; and one workout in full, its rep-PRs marked."""

from __future__ import annotations

from datetime import datetime

from bot.web.miniapp.common import Asking, Context, NotFound, Params, day_label, trained_exercises
from core.engine.loads import format_load, to_user_units
from core.engine.set_labels import set_labels
from core.engine.volume import tonnage
from core.models import SetType, Units, Workout

PAGE_SIZE = 20


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    exercise = params.get("exercise") or None
    before = _instant(params.get("before"))
    found = await rt.store.workouts.recent(user.id, before, PAGE_SIZE + 1, exercise)
    shown = found[:PAGE_SIZE]
    return {
        "total": await rt.store.workouts.count(user.id),
        "exercise": exercise or "",
        "exercises": await trained_exercises(asking),
        "workouts": [_summary(w, user.units, user.timezone, exercise) for w in shown],
        "older": shown[-1].start_time.isoformat() if len(found) > PAGE_SIZE else "",
        "first_page": before is None,
    }


async def workout(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    found = await rt.store.workouts.get(user.id, params.get("id", ""))
    if found is None:
        raise NotFound("no such workout")
    end = found.end_time
    # The sets that were new bests, each once: the engine judges them against every earlier set.
    prs = {
        (p.exercise_index, p.set_index)
        for p in await rt.insights.rep_prs(user.id, found.start_time, end)
        if p.workout_id == found.id and p.previous_kg is not None
    }
    exercises = []
    for ex in found.exercises:
        sets = []
        for s, label in zip(ex.sets, set_labels(x.type for x in ex.sets), strict=True):
            load = "" if s.weight_kg is None else format_load(s.weight_kg, user.units)
            what = " × ".join(x for x in (load, f"{s.reps}" if s.reps is not None else "") if x)
            if s.duration_s and not what:
                what = f"{s.duration_s // 60}:{s.duration_s % 60:02d}"
            sets.append(
                {
                    "kind": label,
                    "what": what or "—",
                    "rpe": f"RPE {s.rpe:g}" if s.rpe is not None else "",
                    "pr": (ex.index, s.index) in prs,
                }
            )
        exercises.append({"title": ex.title or ex.template_id, "notes": ex.notes, "sets": sets})
    return {
        "title": found.title or "Workout",
        "when": day_label(found.start_time, user.timezone),
        "minutes": _minutes(found),
        "volume": _volume(found, user.units),
        "exercises": exercises,
    }


def _summary(w: Workout, units: Units, tz: str, exercise: str | None) -> dict:
    working = [s for e in w.exercises for s in e.sets if s.type != SetType.WARMUP]
    best = ""
    if exercise:
        sets = [
            s
            for e in w.exercises
            if e.template_id == exercise
            for s in e.sets
            if s.type != SetType.WARMUP and s.weight_kg is not None
        ]
        if sets:
            top = max(sets, key=lambda s: (s.weight_kg or 0.0, s.reps or 0))
            best = f"top set {format_load(top.weight_kg, units)} × {top.reps or 0}"
    return {
        "id": w.id,
        "title": w.title or "Workout",
        "when": day_label(w.start_time, tz),
        "minutes": _minutes(w),
        "exercises": len(w.exercises),
        "sets": len(working),
        "volume": _volume(w, units),
        "best": best,
    }


def _minutes(w: Workout) -> int | None:
    return round((w.end_time - w.start_time).total_seconds() / 60) if w.end_time else None


def _volume(w: Workout, units: Units) -> str:
    """Tonnage of the working sets (load × reps), in the lifter's units."""
    kg = sum(tonnage(w.set_rows(), "exercise").values())
    return f"{round(to_user_units(kg, units)):,} {units.value}" if kg else ""


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
