"""Progression models as data, and the pure step functions that run them.

A model is configuration (pydantic, validated); `advance` takes what was prescribed and what was
done and returns next week's prescription with the reason in words. Every model has a failure
path: a miss holds, a run of misses brings one cut, and `deload_week` lightens a whole week.
Loads move on the exercise's `Grid` (the lifter's steps, in their unit).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.engine.e1rm import estimate, load_for
from core.engine.loads import format_load, to_user_units
from core.engine.steps import Grid

RoundLoad = Callable[[float], float | None]


CUT_FACTOR = 0.9  # the one cut after a run of misses: ≤ 10 % (TRAINING.md, "Misses")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoubleProgression(_Model):
    """Reps climb within [low, high] at one load; all sets at `high` → heavier, back to `low`."""

    kind: Literal["double"] = "double"
    rep_low: int = Field(ge=1, le=30)
    rep_high: int = Field(ge=1, le=30)
    target_rpe: float | None = Field(default=8.0, ge=6, le=10)
    misses_before_deload: int = Field(default=3, ge=1, le=6)
    deload_factor: float = Field(default=CUT_FACTOR, gt=0.5, lt=1.0)

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
    deload_factor: float = Field(default=CUT_FACTOR, gt=0.5, lt=1.0)
    resets: int = Field(default=0, ge=0)  # cuts so far: the first halves the step

    def after_reset(self, grid: Grid) -> LinearProgression:
        """The model after a run of failed sessions brought its cut: the first halves the step
        where the lifter's grid takes half (squat 5 → 2.5 kg; a bench's 2.5 kg stays on a
        2.5 kg grid), as a coach does rather than jumping straight back to the failed load."""
        half = self.step_kg / 2
        fits = not grid.loaded or half >= grid.step_kg - 1e-6
        step = half if self.resets == 0 and fits else self.step_kg
        return self.model_copy(update={"step_kg": step, "resets": self.resets + 1})


class RpeTopSet(_Model):
    """A top set at `top_reps` @ `top_rpe`, loaded from the latest e1RM; back-offs at a share."""

    kind: Literal["rpe_top_set"] = "rpe_top_set"
    top_reps: int = Field(ge=1, le=10)
    top_rpe: float = Field(ge=6.5, le=10)
    backoff_sets: int = Field(default=3, ge=0, le=6)
    backoff_share: float = Field(default=0.9, gt=0.5, lt=1.0)
    misses_before_deload: int = Field(default=3, ge=1, le=6)
    deload_factor: float = Field(default=CUT_FACTOR, gt=0.5, lt=1.0)


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
DELOAD_SHARE = 0.9  # a deload week's loads: ~10 % lighter, on the lifter's grid
# Spotter's deload in words: the same wherever it is explained (❓ popup, Mini App, chat).
DELOAD_WORDS = (
    "half the working sets, loads ~10 % lighter, reps at the bottom of the range, RPE 6–7"
)


def extra_reps(rep_high: int) -> int:
    """How far a range extends when the next load step is too big to take yet (2–3 reps)."""
    return 3 if rep_high >= 10 else 2


@dataclass(frozen=True, slots=True)
class Reading:
    """What one logged session says about one exercise (TRAINING.md, "Reading a logged
    session"): the working load actually lifted, the reps of the sets at that load, how many
    sets were done, and the hardest RPE logged among them (None when none was logged)."""

    load: float | None
    reps: tuple[int, ...]
    sets_done: int
    hardest_rpe: float | None

    def summary(self, grid: Grid) -> str:
        at = f" at {grid.text(self.load)}" if self.load else ""
        return f"{self.sets_done}×{'/'.join(map(str, self.reps))}{at}"


def read_session(done: Sequence[DoneSet], grid: Grid) -> Reading:
    """The load most working sets used (the heavier on a tie; loads the same to the lifter
    count as one), and the sets at or above it."""
    groups: list[list[float]] = []
    for s in done:
        if s.weight_kg:
            group = next((g for g in groups if grid.same(g[0], s.weight_kg)), None)
            (group.append if group else lambda w: groups.append([w]))(s.weight_kg)
    chosen = max(groups, key=lambda g: (len(g), g[0]), default=None)
    load = Counter(chosen).most_common(1)[0][0] if chosen else None
    judged = [
        s for s in done if load is None or grid.same(s.weight_kg, load) or (s.weight_kg or 0) > load
    ]
    rpes = [s.rpe for s in judged if s.rpe is not None]
    return Reading(load, tuple(s.reps for s in judged), len(done), max(rpes, default=None))


def advance(
    model: DoubleProgression | LinearProgression | RpeTopSet,
    current: Prescription,
    done: Sequence[DoneSet],
    grid: Grid,
    sessions: int = 1,
) -> Step:
    """Run one step of `model` given the working sets done against `current`, on the
    exercise's load grid (the lifter's steps, in their unit). `sessions`: the successful
    sessions of the exercise in the week `done` is one of; linear progression adds its step
    after each of them (TRAINING.md, "Progression models": a step per successful session)."""
    if not done:
        return Step(current, "no data", "no sets logged: same prescription again")
    if isinstance(model, DoubleProgression):
        return _double(model, current, read_session(done, grid), grid)
    if isinstance(model, LinearProgression):
        return _linear(model, current, read_session(done, grid), grid, sessions)
    return _top_set(model, current, done, grid)


def cut_load(load: float | None, factor: float, grid: Grid) -> float | None:
    """`load` cut by `factor` (never below MAX_CUT of it) on the grid; None when the grid has
    no lighter load within that (then reps or sets change instead)."""
    if load is None:
        return None
    floor = load * MAX_CUT - 1e-6
    # One cut is 5–10 % (TRAINING.md, "Misses"): the lightest load within that band first
    # (65 kg → 60, not 57.5), else the nearest to `factor` within MAX_CUT.
    light = grid.round(load * max(factor, MAX_CUT), "up")
    if light is not None and light <= load * 0.95 + 1e-6 and light >= floor:
        return light
    for mode in ("nearest", "down"):
        cut = grid.round(load * max(factor, MAX_CUT), mode)  # type: ignore[arg-type]
        if cut is not None and floor <= cut and not grid.same(cut, load) and cut < load:
            return cut
    return None


def _change(before: float | None, after: float | None, grid: Grid) -> str:
    """`+2.5 kg` / `−5 lb`: a load change as the lifter reads it."""
    delta = to_user_units((after or 0) - (before or 0), grid.units)
    sign = "+" if delta > 0 else "−"
    return f"{sign}{abs(round(delta, 2)):g} {grid.units.value}"


def _baseline(cur: Prescription, reading: Reading, grid: Grid) -> tuple[float | None, str]:
    """The load to progress from: what was actually lifted, when it differs from the plan
    (heavier success moves the baseline up, lighter work is judged at its load), and the
    first session's load for an exercise prescribed as "your pick"."""
    if reading.load is None or grid.same(reading.load, cur.load_kg):
        return cur.load_kg, ""
    lifted = grid.round(reading.load, "down") or reading.load
    if grid.same(lifted, cur.load_kg):  # off the grid, a hair above the plan: the plan's load
        return cur.load_kg, ""
    if cur.load_kg is None:
        return lifted, f"your first session at {grid.text(lifted)} sets the load; "
    return lifted, f"lifted {grid.text(lifted)}, planned {grid.text(cur.load_kg)}; "


def _too_hard(rpe: float | None, target: float | None) -> bool:
    return rpe is not None and target is not None and rpe >= target + RPE_HOLD_MARGIN


def _missed(
    cur: Prescription,
    base: float | None,
    grid: Grid,
    *,
    threshold: int,
    factor: float,
    rep_low: int,
    said: str,
) -> Step:
    """A missed session (TRAINING.md, "Misses"): hold the load; the `threshold`-th miss in a
    row brings one cut of ≤ 10 %, once (a run of misses counted in sessions, so three bad
    weeks of a lift trained twice a week still cost one cut);
    when the grid has no such lighter load, one set fewer at the same load instead."""
    misses = cur.misses + 1
    held = replace(cur, load_kg=base, misses=misses)
    if misses != threshold:  # the cut comes once; later misses in the run hold the cut load
        return Step(held, "repeat", f"{said}: a miss, same load")
    run = f"{misses} misses in a row"
    lighter = cut_load(base, factor, grid)
    if lighter is not None:
        return Step(
            replace(held, load_kg=lighter, reps=rep_low),
            "deload",
            f"{said}: {run} → {_change(base, lighter, grid)} to build back",
        )
    if base is not None and cur.sets > 1:
        return Step(
            replace(held, sets=cur.sets - 1, reps=rep_low),
            "deload",
            f"{said}: {run}, no lighter step within 15 % → one set fewer, {rep_low} reps",
        )
    return Step(replace(held, reps=rep_low), "repeat", f"{said}: {run}, same load")


def _double(m: DoubleProgression, cur: Prescription, reading: Reading, grid: Grid) -> Step:
    base, note = _baseline(cur, reading, grid)
    at_base = replace(cur, load_kg=base)
    reps, said = reading.reps, note + replace(reading, load=base).summary(grid)
    # The step is too big for this load (light cables, small dumbbells): reps first.
    top = m.rep_high + (extra_reps(m.rep_high) if grid.big_step(base) else 0)
    if min(reps) < m.rep_low:
        if base is not None and cur.load_kg is not None and base > cur.load_kg:
            return Step(
                cur, "repeat", f"{said}: heavier than planned and below {m.rep_low}, back to plan"
            )
        return _missed(
            cur, base, grid, threshold=m.misses_before_deload, factor=m.deload_factor,
            rep_low=m.rep_low, said=said,
        )  # fmt: skip
    if reading.sets_done < cur.sets:
        return Step(
            replace(at_base, misses=0),
            "repeat",
            f"{said}: {reading.sets_done} of {cur.sets} sets, same target again",
        )
    if _too_hard(reading.hardest_rpe, m.target_rpe):
        return Step(
            replace(at_base, misses=0),
            "repeat",
            f"{said} at RPE {reading.hardest_rpe:g} (target {m.target_rpe:g}): same load",
        )
    rpe_note = f" @ RPE {reading.hardest_rpe:g}" if reading.hardest_rpe is not None else ""
    if min(reps) >= top:
        if base is None:  # bodyweight: more reps is the only way up
            nxt = replace(cur, reps=m.rep_high, misses=0)
            return Step(nxt, "progress", f"{said}: top of {m.rep_low}–{m.rep_high}")
        load = grid.up(base)
        return Step(
            replace(at_base, load_kg=load, reps=m.rep_low, misses=0),
            "progress",
            f"{said}{rpe_note}: every set at {top} → {_change(base, load, grid)}, back to "
            f"{m.rep_low}",
        )
    target = min(top, max(cur.reps if not note else m.rep_low, min(reps) + 1))
    outcome = "progress" if note else "repeat"
    if top > m.rep_high and min(reps) >= m.rep_high:
        step = _change(0, grid.step_kg, grid)
        why = f"{said}: {step} would be over 10 % → {top} reps first, then heavier"
    else:
        why = f"{said}: aim for {target} reps"
    return Step(replace(at_base, reps=target, misses=0), outcome, why)


def _linear(
    m: LinearProgression, cur: Prescription, reading: Reading, grid: Grid, sessions: int = 1
) -> Step:
    base, note = _baseline(cur, reading, grid)
    at_base = replace(cur, load_kg=base)
    said = note + replace(reading, load=base).summary(grid)
    hit = min(reading.reps) >= m.reps
    if hit and reading.sets_done >= cur.sets:
        sessions = max(1, sessions)  # this one succeeded: at least its own step
        steps = max(1, round(m.step_kg / grid.step_kg)) if grid.loaded else 1
        load = grid.up(base, steps * sessions) if base is not None else None
        added = f" → {_change(base, load, grid)}" if load is not None else ""
        if load is not None and sessions > 1:
            added = f", {sessions} sessions this week{added}"
        return Step(replace(at_base, load_kg=load, misses=0), "progress", f"{said} done{added}")
    if hit:
        return Step(
            replace(at_base, misses=0),
            "repeat",
            f"{said}: {reading.sets_done} of {cur.sets} sets, same target again",
        )
    if base is not None and cur.load_kg is not None and base > cur.load_kg:
        return Step(cur, "repeat", f"{said}: heavier than planned and short of {m.reps}, back")
    return _missed(
        cur, base, grid, threshold=m.failures_before_deload, factor=m.deload_factor,
        rep_low=m.reps, said=said,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Chain:
    """A linear lift's week read session by session: where the next session starts, why, the
    model after it (a cut halves the step once), and whether the next week's sessions climb a
    step each (after a success or a cut: build back; a held miss holds every session)."""

    step: Step
    model: LinearProgression
    climbs: bool

    def session(self, index: int, grid: Grid) -> Step:
        """The next week's `index`-th session of the lift (0: the first)."""
        p = self.step.prescription
        if not index or not self.climbs or p.load_kg is None:
            return self.step
        steps = max(1, round(self.model.step_kg / grid.step_kg)) if grid.loaded else 1
        load = grid.up(p.load_kg, steps * index)
        after = _change(p.load_kg, grid.up(p.load_kg, steps), grid)
        return replace(
            self.step,
            prescription=replace(p, load_kg=load),
            reason=f"{self.step.reason}; {after} a session after that",
        )


def advance_sessions(
    model: LinearProgression,
    sessions: Sequence[tuple[Prescription, Sequence[DoneSet]]],
    grid: Grid,
) -> Chain | None:
    """A linear lift's logged sessions of one week, in order, each read against the load the
    one before it left (TRAINING.md, "Progression models": a step after each successful
    session; "Misses": hold after a missed session, the run counted in sessions, one cut after
    N). Each session is read against what was written for it; one written a step ahead of a
    session that then missed is, missed too, a miss of the load held. None: nothing logged."""
    state: Prescription | None = None
    last: Step | None = None
    for planned, done in sessions:
        state = state or planned
        if not done:
            continue
        ahead = (
            state.misses > 0
            and planned.load_kg is not None
            and state.load_kg is not None
            and planned.load_kg > state.load_kg + 1e-6
        )
        cur = replace(planned, misses=state.misses)  # read against what was written for it
        reading = read_session(done, grid)
        step = _linear(model, cur, reading, grid)
        if ahead and step.prescription.misses > state.misses:
            said = f"{reading.summary(grid)} (a step ahead of {grid.text(state.load_kg)})"
            step = _missed(
                replace(cur, load_kg=state.load_kg), state.load_kg, grid,
                threshold=model.failures_before_deload, factor=model.deload_factor,
                rep_low=model.reps, said=said,
            )  # fmt: skip
        if step.outcome == "deload":
            model = model.after_reset(grid)
        state, last = step.prescription, step
    if last is None:
        return None
    return Chain(last, model, last.outcome in ("progress", "deload"))


def _top_set(m: RpeTopSet, cur: Prescription, done: Sequence[DoneSet], grid: Grid) -> Step:
    top = max(done, key=lambda s: (s.weight_kg or 0, s.reps))
    # One estimator for the series: a top set without RPE is taken as done at the target.
    est = estimate(top.weight_kg, top.reps, top.rpe if top.rpe is not None else m.top_rpe)
    if est is None:
        return Step(cur, "no data", "the top set cannot give an e1RM: same prescription")
    derived = grid.round(load_for(est.value, m.top_reps, m.top_rpe))
    rpe = f" @ RPE {top.rpe:g}" if top.rpe is not None else ""
    said = f"top set {grid.text(top.weight_kg)} × {top.reps}{rpe}"
    if cur.load_kg is None:  # "your pick": the first session sets the load
        return Step(
            replace(cur, load_kg=derived, misses=0),
            "progress",
            f"{said}: your first session sets the load, {grid.text(derived)}",
        )
    backoffs = [s for s in done if s is not top and not grid.same(s.weight_kg, top.weight_kg)]
    short = [s.reps for s in backoffs if s.reps < m.top_reps]
    if top.reps < m.top_reps or short:
        # A bad day holds the load: no new e1RM from it on top of a cut (no stacking).
        if short and top.reps >= m.top_reps:
            said += f", back-offs {'/'.join(map(str, short))} of {m.top_reps}"
        return _missed(
            cur, cur.load_kg, grid, threshold=m.misses_before_deload, factor=m.deload_factor,
            rep_low=m.top_reps, said=said,
        )  # fmt: skip
    if _too_hard(top.rpe, m.top_rpe):
        return Step(
            replace(cur, misses=0), "repeat", f"{said} against RPE {m.top_rpe:g}: same load"
        )
    # Done as prescribed (or easier): the e1RM's load, and at least the smallest step up from
    # what was lifted (a lighter top set is judged at its own load).
    lifted = top.weight_kg or 0
    baseline = cur.load_kg if grid.same(lifted, cur.load_kg) else grid.round(lifted, "down")
    load = max(x for x in (derived, grid.up(baseline or lifted)) if x is not None)
    e1rm = format_load(est.value, grid.units, estimate=True)
    return Step(
        replace(cur, load_kg=load, misses=0),
        "progress",
        f"{said} (e1RM {e1rm}) → {_change(cur.load_kg, load, grid)}",
    )


def backoff_load(model: RpeTopSet, top_load: float | None, round_load: RoundLoad) -> float | None:
    """The back-off sets' load for a top set of `top_load`."""
    return None if top_load is None else round_load(top_load * model.backoff_share)


def deload_week(p: Prescription, round_load: RoundLoad, rep_low: int | None = None) -> Prescription:
    """Spotter's deload week (DELOAD_WORDS): half the working sets, loads ~10 % lighter on the
    lifter's grid, reps at the bottom of the range, RPE 6–7; never more reps at the same load
    than `p` asked (a grid too coarse to go lighter keeps the load)."""
    lighter = None if p.load_kg is None else round_load(p.load_kg * DELOAD_SHARE)
    if lighter is not None and p.load_kg is not None and lighter > p.load_kg:
        lighter = p.load_kg
    reps = rep_low or p.reps
    if lighter is None or p.load_kg is None or lighter >= p.load_kg - 1e-6:
        reps = min(reps, p.reps)
    return replace(
        p,
        sets=max(1, math.ceil(p.sets / 2)),
        reps=reps,
        load_kg=lighter,
        rpe=6.0 if p.rpe is None or p.rpe <= 8 else 7.0,
    )
