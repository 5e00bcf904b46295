"""Twelve weeks per progression model with a scripted lifter who does everything a real one
does (hits, climbs, misses, short sets, heavier and lighter than planned, RPE over and within
target, a skipped session), kept as readable tables in tests/engine/snapshots. A change to any
step shows up as a diff a coach can read; UPDATE_SNAPSHOTS=1 rewrites them after review."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from core.engine.progression import (
    DoneSet,
    DoubleProgression,
    LinearProgression,
    Prescription,
    RpeTopSet,
    advance,
)
from core.engine.steps import Grid
from core.models import Units

SNAPSHOTS = Path(__file__).with_name("snapshots")
barbell = Grid.learned([], Units.KG, "barbell")


# What the lifter does each week, in words and as sets (relative to what was prescribed).
SCRIPT: list[tuple[str, Callable[..., list[DoneSet]]]] = [
    ("all sets at the top of the range", lambda p, lo, hi, t: every_reps(p, hi)),
    ("the prescribed reps", lambda p, lo, hi, t: every_reps(p, p.reps)),
    ("top of the range, RPE logged at target", lambda p, lo, hi, t: every_reps(p, hi, t)),
    ("one set short, the rest at the top", lambda p, lo, hi, t: every_reps(p, hi, sets=p.sets - 1)),
    ("below the range", lambda p, lo, hi, t: every_reps(p, max(1, lo - 2))),
    ("below the range again", lambda p, lo, hi, t: every_reps(p, max(1, lo - 2))),
    ("below the range a third time", lambda p, lo, hi, t: every_reps(p, max(1, lo - 2))),
    ("5 kg heavier than planned, in range", lambda p, lo, hi, t: every_reps(p, lo + 1, extra=5)),
    ("5 kg lighter than planned, top of range", lambda p, lo, hi, t: every_reps(p, hi, extra=-5)),
    ("top of range at RPE 1 over target", lambda p, lo, hi, t: every_reps(p, hi, (t or 8) + 1)),
    ("top of range at RPE ½ over target", lambda p, lo, hi, t: every_reps(p, hi, (t or 8) + .5)),
    ("skipped the session", lambda p, lo, hi, t: []),
]  # fmt: skip


def every_reps(
    p: Prescription, reps: int, rpe: float | None = None, extra: float = 0.0, sets: int = 0
) -> list[DoneSet]:
    return [DoneSet((p.load_kg or 0) + extra, reps, rpe) for _ in range(sets or p.sets)]


MODELS = {
    "double": (DoubleProgression(rep_low=6, rep_high=8, target_rpe=8), Prescription(3, 6, 80.0)),
    "linear": (LinearProgression(reps=5, step_kg=2.5), Prescription(3, 5, 100.0)),
    "rpe_top_set": (RpeTopSet(top_reps=3, top_rpe=8), Prescription(1, 3, 140.0)),
}


def simulate(name: str) -> str:
    model, p = MODELS[name]
    if isinstance(model, DoubleProgression):
        low, high, target = model.rep_low, model.rep_high, model.target_rpe
    elif isinstance(model, LinearProgression):
        low = high = model.reps
        target = None
    else:
        low = high = model.top_reps
        target = model.top_rpe
    lines = [
        f"{name}: {model.model_dump_json(exclude={'kind'})}",
        f"start: {p.sets}×{p.reps} at {p.load_kg:g} kg",
        "",
        "wk | the lifter did                          | outcome  | next        | reason",
    ]
    for week, (what, lift) in enumerate(SCRIPT, start=1):
        done = lift(p, low, high, target)
        step = advance(model, p, done, barbell)
        p = step.prescription
        nxt = f"{p.sets}×{p.reps} @ {p.load_kg:g}"
        lines.append(f"{week:>2} | {what:<39} | {step.outcome:<8} | {nxt:<11} | {step.reason}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_twelve_scripted_weeks_give_the_prescriptions_in_the_snapshot(name: str) -> None:
    text = simulate(name)
    snapshot = SNAPSHOTS / f"progression-{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snapshot.exists():
        snapshot.write_text(text)
    assert text == snapshot.read_text(), f"{snapshot} changed: rerun with UPDATE_SNAPSHOTS=1"
