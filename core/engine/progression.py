"""Progression models as data, and the pure step functions that run them.

A model is configuration (pydantic, validated); `advance` takes what was prescribed and what was
done and returns next week's prescription with the reason in words. Every model has a failure
path: repeated misses bring a deload of the load, and `deload_week` lightens a whole week.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.engine.e1rm import estimate, load_for

RoundLoad = Callable[[float], float | None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoubleProgression(_Model):
    """Reps climb within [low, high] at one load; all sets at `high` → heavier, back to `low`."""

    kind: Literal["double"] = "double"
    rep_low: int = Field(ge=1, le=30)
    rep_high: int = Field(ge=1, le=30)
    target_rpe: float | None = Field(default=8.0, ge=6, le=10)
    misses_before_deload: int = Field(default=3, ge=1, le=6)
    deload_factor: float = Field(default=0.9, gt=0.5, lt=1.0)

    @model_validator(mode="after")
    def _range(self) -> DoubleProgression:
        if self.rep_low > self.rep_high:
            raise ValueError("rep_low must not exceed rep_high")
        return self


class LinearProgression(_Model):
    """Same reps every session; a successful session adds `step_kg`, N failures deload."""

    kind: Literal["linear"] = "linear"
    reps: int = Field(ge=1, le=20)
    step_kg: float = Field(gt=0, le=20)
    failures_before_deload: int = Field(default=3, ge=1, le=6)
    deload_factor: float = Field(default=0.9, gt=0.5, lt=1.0)


class RpeTopSet(_Model):
    """A top set at `top_reps` @ `top_rpe`, loaded from the latest e1RM; back-offs at a share."""

    kind: Literal["rpe_top_set"] = "rpe_top_set"
    top_reps: int = Field(ge=1, le=10)
    top_rpe: float = Field(ge=6.5, le=10)
    backoff_sets: int = Field(default=3, ge=0, le=6)
    backoff_share: float = Field(default=0.9, gt=0.5, lt=1.0)
    misses_before_deload: int = Field(default=3, ge=1, le=6)
    deload_factor: float = Field(default=0.9, gt=0.5, lt=1.0)


Progression = Annotated[
    DoubleProgression | LinearProgression | RpeTopSet, Field(discriminator="kind")
]


@dataclass(frozen=True, slots=True)
class Prescription:
    """What one exercise asks for in a week: sets × reps at a load (kg; None = bodyweight)."""

    sets: int
    reps: int
    load_kg: float | None
    rpe: float | None = None
    misses: int = 0  # consecutive missed sessions, carried between weeks


@dataclass(frozen=True, slots=True)
class DoneSet:
    weight_kg: float | None
    reps: int
    rpe: float | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """Next week's prescription and why."""

    prescription: Prescription
    outcome: Literal["progress", "repeat", "deload", "no data"]
    reason: str


def advance(
    model: DoubleProgression | LinearProgression | RpeTopSet,
    current: Prescription,
    done: Sequence[DoneSet],
    round_load: RoundLoad,
) -> Step:
    """Run one step of `model` given the working sets done against `current`."""
    if not done:
        return Step(current, "no data", "no sets logged: same prescription again")
    if isinstance(model, DoubleProgression):
        return _double(model, current, done, round_load)
    if isinstance(model, LinearProgression):
        return _linear(model, current, done, round_load)
    return _top_set(model, current, done, round_load)


def _heavier(load: float | None, step: float, round_load: RoundLoad) -> float | None:
    """The next loadable weight above `load` (at least one real step up)."""
    if load is None:
        return None
    target = round_load(load + step)
    bump = step
    while target is not None and target <= load + 1e-9 and bump < 50:
        bump += step
        target = round_load(load + bump)
    return target


def _deloaded(load: float | None, factor: float, round_load: RoundLoad) -> float | None:
    return None if load is None else round_load(load * factor)


def _double(
    m: DoubleProgression, cur: Prescription, done: Sequence[DoneSet], round_load: RoundLoad
) -> Step:
    reps = [s.reps for s in done]
    hardest = max((s.rpe for s in done if s.rpe is not None), default=None)
    easy_enough = m.target_rpe is None or hardest is None or hardest <= m.target_rpe
    summary = f"{len(done)}×{'/'.join(map(str, reps))}"
    if len(done) >= cur.sets and min(reps) >= m.rep_high and easy_enough:
        load = _heavier(cur.load_kg, _step_for(cur.load_kg), round_load)
        if cur.load_kg is None:  # bodyweight: more reps is the only way up
            nxt = replace(cur, reps=m.rep_high, misses=0)
            return Step(nxt, "progress", f"{summary} reached the top of {m.rep_low}–{m.rep_high}")
        rpe_note = f" at RPE ≤ {m.target_rpe:g}" if hardest is not None else ""
        return Step(
            replace(cur, load_kg=load, reps=m.rep_low, misses=0),
            "progress",
            f"{summary} reached {m.rep_high} on every set{rpe_note}: heavier, back to {m.rep_low}",
        )
    if min(reps) < m.rep_low or len(done) < cur.sets:
        misses = cur.misses + 1
        if misses >= m.misses_before_deload:
            lighter = _deloaded(cur.load_kg, m.deload_factor, round_load)
            return Step(
                replace(cur, load_kg=lighter, reps=m.rep_low, misses=0),
                "deload",
                f"{summary}: below {m.rep_low} for {misses} sessions in a row, so the load drops "
                f"{round((1 - m.deload_factor) * 100)}% to build back",
            )
        return Step(
            replace(cur, misses=misses), "repeat", f"{summary}: below {m.rep_low}, same load"
        )
    if not easy_enough:
        return Step(
            replace(cur, misses=0),
            "repeat",
            f"{summary} at RPE {hardest:g}: same load until it moves easier",
        )
    target = min(m.rep_high, max(cur.reps, min(reps) + 1))
    return Step(replace(cur, reps=target, misses=0), "repeat", f"{summary}: aim for {target} reps")


def _step_for(load: float | None) -> float:
    # The smallest meaningful jump; rounding to the lifter's plates decides the real one.
    if load is None:
        return 0.0
    return 2.5 if load >= 20 else 1.0


def _linear(
    m: LinearProgression, cur: Prescription, done: Sequence[DoneSet], round_load: RoundLoad
) -> Step:
    summary = f"{len(done)}×{'/'.join(str(s.reps) for s in done)}"
    if len(done) >= cur.sets and all(s.reps >= m.reps for s in done):
        return Step(
            replace(cur, load_kg=_heavier(cur.load_kg, m.step_kg, round_load), misses=0),
            "progress",
            f"{summary} done: add {m.step_kg:g} kg",
        )
    misses = cur.misses + 1
    if misses >= m.failures_before_deload:
        return Step(
            replace(cur, load_kg=_deloaded(cur.load_kg, m.deload_factor, round_load), misses=0),
            "deload",
            f"{summary}: {misses} failed sessions in a row, so the load drops "
            f"{round((1 - m.deload_factor) * 100)}%",
        )
    return Step(replace(cur, misses=misses), "repeat", f"{summary}: short of {m.reps}, same load")


def _top_set(
    m: RpeTopSet, cur: Prescription, done: Sequence[DoneSet], round_load: RoundLoad
) -> Step:
    top = max(done, key=lambda s: (s.weight_kg or 0, s.reps))
    est = estimate(top.weight_kg, top.reps, top.rpe if top.rpe is not None else m.top_rpe)
    if est is None:
        return Step(cur, "no data", "the top set cannot give an e1RM: same prescription")
    load = round_load(load_for(est.value, m.top_reps, m.top_rpe))
    if top.reps < m.top_reps:
        misses = cur.misses + 1
        if misses >= m.misses_before_deload:
            return Step(
                replace(cur, load_kg=_deloaded(cur.load_kg, m.deload_factor, round_load), misses=0),
                "deload",
                f"top set short of {m.top_reps} reps {misses} times: the load drops to rebuild",
            )
        return Step(
            replace(cur, load_kg=load, misses=misses),
            "repeat",
            "top set short: load from today's e1RM",
        )
    outcome = (
        "progress"
        if load is not None and cur.load_kg is not None and load > cur.load_kg
        else "repeat"
    )
    return Step(
        replace(cur, load_kg=load, misses=0),
        outcome,
        f"e1RM {est.value:.1f} kg → {m.top_reps} @ RPE {m.top_rpe:g}",
    )


def backoff_load(model: RpeTopSet, top_load: float | None, round_load: RoundLoad) -> float | None:
    """The back-off sets' load for a top set of `top_load`."""
    return None if top_load is None else round_load(top_load * model.backoff_share)


def deload_week(p: Prescription, round_load: RoundLoad, load_share: float = 0.8) -> Prescription:
    """A deload week: about half the sets, ~80% of the load (or 2–3 more reps in reserve)."""
    return replace(
        p,
        sets=max(1, math.ceil(p.sets / 2)),
        load_kg=None if p.load_kg is None else round_load(p.load_kg * load_share),
        rpe=None if p.rpe is None else max(6.0, p.rpe - 2),
    )
