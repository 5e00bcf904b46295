"""A seeded generator of realistic lifters: a year or more of sessions on an upper/lower split.

Double progression with noise, missed sessions and whole missed weeks, a deload every few
weeks, RPE logged on some sessions, warm-ups before the first compound, and lb lifters whose
plate-round pound loads are stored as float kilograms (as Hevy does). Same seed, same history.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from core.units import LB_PER_KG
from sandbox.catalogue import built_in_templates
from sandbox.state import iso_ms, iso_offset

_TITLES = {t["id"]: t["title"] for t in built_in_templates()}

# (template id, sets, rep range low, high, starting load in kg, load step in kg; 0 = bodyweight)
_DAYS: dict[str, list[tuple[str, int, int, int, float, float]]] = {
    "Upper A": [
        ("79D0BB3A", 3, 5, 8, 70.0, 2.5),  # Bench Press (Barbell)
        ("55E6546F", 3, 8, 10, 60.0, 2.5),  # Bent Over Row (Barbell)
        ("7B8D84E8", 3, 6, 8, 40.0, 2.5),  # Overhead Press (Barbell)
        ("6A6C31A5", 3, 10, 12, 50.0, 2.5),  # Lat Pulldown (Cable)
        ("37FCC2BB", 3, 10, 12, 12.0, 1.0),  # Bicep Curl (Dumbbell)
        ("93A552C6", 3, 10, 12, 25.0, 2.5),  # Triceps Pushdown
    ],
    "Lower A": [
        ("D04AC939", 3, 5, 8, 90.0, 2.5),  # Squat (Barbell)
        ("2B4B7310", 3, 8, 10, 70.0, 2.5),  # Romanian Deadlift (Barbell)
        ("C7973E0E", 3, 10, 12, 120.0, 5.0),  # Leg Press (Machine)
        ("B8127AD1", 3, 10, 12, 35.0, 2.5),  # Lying Leg Curl (Machine)
        ("E05C2C38", 3, 12, 15, 60.0, 5.0),  # Standing Calf Raise (Machine)
    ],
    "Upper B": [
        ("07B38369", 3, 8, 10, 24.0, 2.0),  # Incline Bench Press (Dumbbell)
        ("0393F233", 3, 10, 12, 55.0, 2.5),  # Seated Cable Row - V Grip (Cable)
        ("878CD1D0", 3, 8, 10, 18.0, 2.0),  # Shoulder Press (Dumbbell)
        ("1B2B1E7C", 3, 5, 10, 0.0, 0.0),  # Pull Up
        ("422B08F1", 3, 12, 15, 8.0, 1.0),  # Lateral Raise (Dumbbell)
        ("7E3BC8B6", 2, 10, 12, 12.0, 1.0),  # Hammer Curl (Dumbbell)
    ],
    "Lower B": [
        ("C6272009", 3, 3, 5, 120.0, 5.0),  # Deadlift (Barbell)
        ("B5D3A742", 3, 8, 10, 16.0, 2.0),  # Bulgarian Split Squat
        ("D57C2EC7", 3, 8, 10, 80.0, 5.0),  # Hip Thrust (Barbell)
        ("11A123F3", 3, 10, 12, 35.0, 2.5),  # Seated Leg Curl (Machine)
        ("F8356514", 3, 10, 15, 0.0, 0.0),  # Hanging Leg Raise
    ],
}
_WEEKDAYS = {"Upper A": 0, "Lower A": 1, "Upper B": 3, "Lower B": 4}  # Mon, Tue, Thu, Fri
_RPE_STEPS = (6, 7, 7.5, 8, 8.5, 9, 9.5, 10)


@dataclass(frozen=True)
class Lifter:
    """Who to generate: same fields, same history."""

    seed: int = 1
    weeks: int = 56
    units: Literal["kg", "lb"] = "kg"
    start: datetime = datetime(2025, 1, 6, 17, 30, tzinfo=UTC)  # a Monday
    deload_every: int = 6
    strength: float = 1.0  # scales starting loads


@dataclass
class _Lift:
    """A lift's prescription (load, rep target) and the lifter's hidden true strength."""

    load: float
    low: int
    high: int
    step: float
    sets: int
    strength: float  # true e1RM in kg, or for bodyweight lifts the reps they could do
    misses: int = 0


def _round_load(kg: float, units: str, step_kg: float) -> float:
    """A plate-round load, stored as Hevy stores it (kg; lb users' as float kg)."""
    if kg <= 0:
        return 0.0
    if units == "lb":
        step_lb = 5.0 if step_kg >= 2.0 else 2.5
        return round(kg * LB_PER_KG / step_lb) * step_lb / LB_PER_KG
    return round(kg / step_kg) * step_kg


def generate_workouts(lifter: Lifter) -> list[dict[str, Any]]:
    """The lifter's workouts in Hevy's read shape, oldest first."""
    rng = random.Random(lifter.seed)  # noqa: S311 (reproducible data, not secrets)
    lifts = {
        (day, tid): _Lift(
            load=load * lifter.strength,
            low=low,
            high=high,
            step=step,
            sets=sets,
            # Start a little below the top of the range, with one or two reps in reserve.
            strength=load * lifter.strength * (1 + (high + 1) / 30) if load else high - 1,
        )
        for day, exercises in _DAYS.items()
        for tid, sets, low, high, load, step in exercises
    }
    workouts = []
    for week in range(lifter.weeks):
        if rng.random() < 0.06:  # a missed week: holiday, illness
            continue
        deload = lifter.deload_every and (week + 1) % lifter.deload_every == 0
        logs_rpe = rng.random() < 0.35
        for day, weekday in _WEEKDAYS.items():
            if rng.random() < 0.08:  # a missed session
                continue
            start = lifter.start + timedelta(weeks=week, days=weekday, minutes=rng.randint(-45, 90))
            growth = 0.006 * 0.97 ** (week / 4)  # novice gains fade into intermediate ones
            exercises = [
                _exercise(
                    rng, index, tid, lifts[(day, tid)], lifter.units, deload, logs_rpe, growth
                )
                for index, (tid, *_rest) in enumerate(_DAYS[day])
            ]
            end = start + timedelta(minutes=45 + 4 * sum(len(e["sets"]) for e in exercises) // 3)
            created = end + timedelta(seconds=rng.randint(1, 30))
            if rng.random() < 0.03:  # logged days later from memory
                created += timedelta(days=rng.randint(1, 4))
            workouts.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "title": day,
                    "routine_id": None,
                    "description": "",
                    "start_time": iso_offset(start),
                    "end_time": iso_offset(end),
                    "updated_at": iso_ms(created),
                    "created_at": iso_ms(created),
                    "exercises": exercises,
                }
            )
    return workouts


def _exercise(
    rng: random.Random,
    index: int,
    template_id: str,
    lift: _Lift,
    units: str,
    deload: bool,
    logs_rpe: bool,
    growth: float,
) -> dict[str, Any]:
    bodyweight = lift.step == 0
    load = (
        0.0 if bodyweight else _round_load(lift.load * (0.85 if deload else 1.0), units, lift.step)
    )
    sets: list[dict[str, Any]] = []
    if index == 0 and load > 0:  # ramp sets before the first compound
        for fraction, reps in ((0.5, 8), (0.75, 4)):
            warm = _round_load(load * fraction, units, lift.step)
            sets.append(_set(len(sets), "warmup", warm, reps, None))
    working = max(2, lift.sets - (1 if deload else 0))
    achieved = []
    for n in range(working):
        # Reps possible at this load (Epley inverted), less reserve, fatigue and a bad day.
        possible = lift.strength if bodyweight else 30 * (lift.strength / load - 1)
        reserve = 3 if deload else rng.choice((1, 1, 2))
        reps = int(possible - reserve - 0.6 * n + rng.gauss(0, 0.7))
        reps = max(1, min(lift.high, reps) if not deload else min(lift.low, reps))
        achieved.append(reps)
        rpe = None
        if logs_rpe:
            left = max(0.0, possible - reps)
            rpe = min(_RPE_STEPS, key=lambda r: abs(r - (10 - min(left, 4))))
        kind = "failure" if (not deload and reps < lift.low and rng.random() < 0.5) else "normal"
        sets.append(_set(len(sets), kind, None if bodyweight else load, reps, rpe))
    lift.strength *= 1 + rng.gauss(growth, growth / 2)
    if not deload:
        _progress(lift, achieved)
    return {
        "index": index,
        "title": _TITLES[template_id],
        "notes": "",
        "exercise_template_id": template_id,
        "superset_id": None,
        "sets": sets,
    }


def _progress(lift: _Lift, achieved: list[int]) -> None:
    """Double progression: all sets at the top of the range → heavier; repeated misses → lighter."""
    if lift.step == 0:
        return
    if all(r >= lift.high for r in achieved):
        lift.load += lift.step
        lift.misses = 0
    elif min(achieved) < lift.low:
        lift.misses += 1
        if lift.misses >= 3:  # stalled: back off and build again
            lift.load = max(lift.step, lift.load * 0.9)
            lift.misses = 0


def _set(
    index: int, kind: str, weight: float | None, reps: int, rpe: float | None
) -> dict[str, Any]:
    return {
        "index": index,
        "type": kind,
        "weight_kg": weight,
        "reps": reps,
        "distance_meters": None,
        "duration_seconds": None,
        "rpe": rpe,
        "custom_metric": None,
    }
