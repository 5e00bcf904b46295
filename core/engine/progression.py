"""Progression models as data, and the pure step functions that run them.

A model is configuration (pydantic, validated); `advance` takes what was prescribed and what was
done and returns next week's prescription with the reason in words. Every model has a failure
path: repeated misses bring a deload of the load, and `deload_week` lightens a whole week.
"""

from __future__ import annotations

import math
from collections import Counter
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


RPE_HOLD_MARGIN = 1.0  # an RPE this far above the target holds the load; closer still counts
MAX_CUT = 0.85  # no single step takes a working load below this share (a deload week excepted)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one logged session says about one exercise (TRAINING.md, "Reading a logged
    session"): the working load actually lifted, the reps of the sets at that load, how many
    sets were done, and the hardest RPE logged among them (None when none was logged)."""

    load: float | None
    reps: tuple[int, ...]
    sets_done: int
    hardest_rpe: float | None

    @property
    def summary(self) -> str:
        at = f" at {self.load:g} kg" if self.load else ""
        return f"{self.sets_done}×{'/'.join(map(str, self.reps))}{at}"


def read_session(done: Sequence[DoneSet]) -> Reading:
    """The load most working sets used (the heavier on a tie), and the sets at or above it."""
    counts = Counter(round(s.weight_kg, 2) for s in done if s.weight_kg)
    load = max(counts, key=lambda kg: (counts[kg], kg)) if counts else None
    judged = [s for s in done if load is None or (s.weight_kg or 0) >= load - 1e-6]
    rpes = [s.rpe for s in judged if s.rpe is not None]
    return Reading(load, tuple(s.reps for s in judged), len(done), max(rpes, default=None))


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
        return _double(model, current, read_session(done), round_load)
    if isinstance(model, LinearProgression):
        return _linear(model, current, read_session(done), round_load)
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
    """`load` cut by `factor`, never below MAX_CUT of it in one step."""
    if load is None:
        return None
    cut = round_load(load * max(factor, MAX_CUT))
    floor = round_load(load * MAX_CUT)
    return max(cut, floor) if cut is not None and floor is not None else cut


def _baseline(cur: Prescription, reading: Reading) -> tuple[float | None, str]:
    """The load to progress from: what was actually lifted, when it differs from the plan
    (heavier success moves the baseline up, lighter work is judged at its load), and the
    first session's load for an exercise prescribed as "your pick"."""
    if reading.load is None or (cur.load_kg is not None and abs(reading.load - cur.load_kg) < 1e-6):
        return cur.load_kg, ""
    if cur.load_kg is None:
        return reading.load, f"your first session at {reading.load:g} kg sets the load; "
    return reading.load, f"lifted {reading.load:g} kg where {cur.load_kg:g} was planned; "


def _too_hard(rpe: float | None, target: float | None) -> bool:
    return rpe is not None and target is not None and rpe >= target + RPE_HOLD_MARGIN


def _double(
    m: DoubleProgression, cur: Prescription, reading: Reading, round_load: RoundLoad
) -> Step:
    base, note = _baseline(cur, reading)
    at_base = replace(cur, load_kg=base)
    reps, summary = reading.reps, reading.summary
    if min(reps) < m.rep_low:
        if base is not None and cur.load_kg is not None and base > cur.load_kg:
            return Step(
                replace(cur, misses=cur.misses),
                "repeat",
                f"{summary}: heavier than planned and below {m.rep_low}; back to "
                f"{cur.load_kg:g} kg",
            )
        misses = cur.misses + 1
        if misses >= m.misses_before_deload:
            lighter = _deloaded(base, m.deload_factor, round_load)
            return Step(
                replace(at_base, load_kg=lighter, reps=m.rep_low, misses=0),
                "deload",
                f"{note}{summary}: below {m.rep_low} for {misses} sessions in a row, so the load "
                f"drops to {lighter:g} kg to build back"
                if lighter is not None
                else f"{summary}: below {m.rep_low} for {misses} sessions in a row",
            )
        return Step(
            replace(at_base, misses=misses),
            "repeat",
            f"{note}{summary}: below {m.rep_low}, same load",
        )
    if reading.sets_done < cur.sets:
        return Step(
            at_base,
            "repeat",
            f"{note}{summary}: {reading.sets_done} of {cur.sets} sets, same target again",
        )
    if _too_hard(reading.hardest_rpe, m.target_rpe):
        return Step(
            replace(at_base, misses=0),
            "repeat",
            f"{note}{summary} at RPE {reading.hardest_rpe:g} (target {m.target_rpe:g}): same load "
            "until it moves easier",
        )
    if min(reps) >= m.rep_high:
        if base is None:  # bodyweight: more reps is the only way up
            nxt = replace(cur, reps=m.rep_high, misses=0)
            return Step(nxt, "progress", f"{summary} reached the top of {m.rep_low}–{m.rep_high}")
        load = _heavier(base, _step_for(base), round_load)
        rpe_note = f" at RPE {reading.hardest_rpe:g}" if reading.hardest_rpe is not None else ""
        return Step(
            replace(at_base, load_kg=load, reps=m.rep_low, misses=0),
            "progress",
            f"{note}{summary} reached {m.rep_high} on every set{rpe_note}: heavier, "
            f"back to {m.rep_low}",
        )
    target = min(m.rep_high, max(cur.reps if not note else m.rep_low, min(reps) + 1))
    outcome = "progress" if note else "repeat"
    return Step(
        replace(at_base, reps=target, misses=0), outcome, f"{note}{summary}: aim for {target} reps"
    )


def _step_for(load: float | None) -> float:
    # The smallest meaningful jump; rounding to the lifter's plates decides the real one.
    if load is None:
        return 0.0
    return 2.5 if load >= 20 else 1.0


def _linear(
    m: LinearProgression, cur: Prescription, reading: Reading, round_load: RoundLoad
) -> Step:
    base, note = _baseline(cur, reading)
    at_base = replace(cur, load_kg=base)
    summary = reading.summary
    hit = min(reading.reps) >= m.reps
    if hit and reading.sets_done >= cur.sets:
        load = _heavier(base, m.step_kg, round_load)
        added = f": {load:g} kg next" if load is not None else ""
        return Step(
            replace(at_base, load_kg=load, misses=0),
            "progress",
            f"{note}{summary} done{added}",
        )
    if hit:
        return Step(
            at_base,
            "repeat",
            f"{note}{summary}: {reading.sets_done} of {cur.sets} sets, same target again",
        )
    if base is not None and cur.load_kg is not None and base > cur.load_kg:
        return Step(
            cur,
            "repeat",
            f"{summary}: heavier than planned and short of {m.reps}; back to {cur.load_kg:g} kg",
        )
    misses = cur.misses + 1
    if misses >= m.failures_before_deload:
        lighter = _deloaded(base, m.deload_factor, round_load)
        return Step(
            replace(at_base, load_kg=lighter, misses=0),
            "deload",
            f"{note}{summary}: {misses} failed sessions in a row, so the load drops "
            f"{round((1 - max(m.deload_factor, MAX_CUT)) * 100)}%",
        )
    return Step(
        replace(at_base, misses=misses), "repeat", f"{note}{summary}: short of {m.reps}, same load"
    )


def _top_set(
    m: RpeTopSet, cur: Prescription, done: Sequence[DoneSet], round_load: RoundLoad
) -> Step:
    top = max(done, key=lambda s: (s.weight_kg or 0, s.reps))
    # One estimator for the series: a top set without RPE is taken as done at the target.
    est = estimate(top.weight_kg, top.reps, top.rpe if top.rpe is not None else m.top_rpe)
    if est is None:
        return Step(cur, "no data", "the top set cannot give an e1RM: same prescription")
    derived = round_load(load_for(est.value, m.top_reps, m.top_rpe))
    rpe = f" @ RPE {top.rpe:g}" if top.rpe is not None else ""
    summary = f"top set {top.weight_kg:g} kg × {top.reps}{rpe}"
    if cur.load_kg is None:  # "your pick": the first session sets the load
        return Step(
            replace(cur, load_kg=derived, misses=0),
            "progress",
            f"{summary}: your first session sets the load, {derived:g} kg",
        )
    floor = round_load(cur.load_kg * MAX_CUT)
    if top.reps < m.top_reps:
        misses = cur.misses + 1
        if misses >= m.misses_before_deload:
            lighter = _deloaded(cur.load_kg, m.deload_factor, round_load)
            return Step(
                replace(cur, load_kg=lighter, misses=0),
                "deload",
                f"{summary}: short of {m.top_reps} reps {misses} times, so {lighter:g} kg "
                "to rebuild",
            )
        candidates = [x for x in (derived, floor) if x is not None]
        load = max(candidates) if candidates else cur.load_kg
        return Step(
            replace(cur, load_kg=load, misses=misses),
            "repeat",
            f"{summary}: short of {m.top_reps}, load from today's e1RM ({load:g} kg)",
        )
    if _too_hard(top.rpe, m.top_rpe):
        return Step(
            replace(cur, misses=0),
            "repeat",
            f"{summary} against RPE {m.top_rpe:g}: same load until it moves easier",
        )
    # Done as prescribed (or easier): the e1RM's load, and at least the smallest step up.
    baseline = max(cur.load_kg, top.weight_kg or 0)
    load = max(
        x for x in (derived, _heavier(baseline, _step_for(baseline), round_load)) if x is not None
    )
    return Step(
        replace(cur, load_kg=load, misses=0),
        "progress",
        f"{summary} (e1RM {est.value:.1f} kg) → {m.top_reps} @ RPE {m.top_rpe:g} at {load:g} kg",
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
