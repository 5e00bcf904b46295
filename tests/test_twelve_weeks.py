"""Twelve calendar weeks through the CLI, as issue 23 asks for the proof: `spotter plan` makes a
block, the lifter logs each week into a Hevy CSV export, `spotter plan next` prescribes the week
after from it, and a new block comes from `spotter plan --history` when one ends. Four lifters
(kg and lb; RPE logged and not; a beginner; one back after 8 months) × eight scenarios, asserted
against TRAINING.md's rules: on target most lifts end heavier and progress carries across blocks,
no step below ~85 % outside a deload, three bad weeks cost ≤ ~15 %, loads on the lifter's grid,
a reason for every change, no crash.

The week-by-week table of the main lifts is docs/simulation.md; after a change to the engine,
`UPDATE_SIMULATION=1 .venv/bin/pytest tests/test_twelve_weeks.py` rewrites it (then read it as a
coach would before committing it); `UPDATE_SIMULATION=/tmp/sim.md` writes it there instead.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from core.engine.catalogue import builtin_catalogue
from core.engine.steps import default_step
from core.models import Units
from core.units import LB_PER_KG
from sandbox.generator import Lifter as Generated
from sandbox.generator import generate_workouts
from tests.conftest import REPO, SHARED
from tests.hevy.test_csv_import import export

# 32 twelve-week runs through the CLI, ~40 s on one core; one worker runs them all under
# `pytest -n` (`--dist loadgroup`), since the docs table needs every run and each is cached.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("twelve-weeks")]

WEEKS = 12
CATALOGUE = builtin_catalogue()
TABLE = REPO / "docs" / "simulation.md"


# ---------------------------------------------------------------------------------------------
# The lifters: who they are, the log they bring, and the Monday the simulation starts.


@dataclass(frozen=True)
class Lifter:
    name: str
    units: str  # "kg" | "lb"
    logs_rpe: bool
    prefs: dict[str, Any]
    history: Callable[[], list[dict]]  # their Hevy log before the simulation (API workouts)
    gap: timedelta = timedelta(days=2)  # from their last session to the simulation's start
    about: str = ""

    @property
    def step(self) -> float:
        """A plate pair in the lifter's unit: what "heavier" and "lighter" add or take."""
        return 5.0 if self.units == "lb" else 2.5


def _snapshot() -> list[dict]:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: it holds the real lifter snapshot")
    raw = json.loads((SHARED / "hevy" / "fixtures" / "workouts.json").read_text())
    return sorted(raw, key=lambda w: w["start_time"])


LIFTERS = [
    Lifter(
        "real-lb",
        "lb",
        False,
        {"goal": "hypertrophy", "level": "intermediate", "days_per_week": 4, "session_minutes": 60},
        _snapshot,
        about="the real snapshot lifter (../shared/hevy/fixtures), logging in lb, no RPE",
    ),
    Lifter(
        "gen-kg-rpe",
        "kg",
        True,
        {"goal": "hypertrophy", "level": "intermediate", "days_per_week": 4, "session_minutes": 60},
        lambda: generate_workouts(Generated(seed=7, weeks=40)),
        about="a generated intermediate (sandbox/generator.py, 40 weeks), kg, logs RPE",
    ),
    Lifter(
        "beginner-kg",
        "kg",
        False,
        {"goal": "strength", "level": "beginner", "days_per_week": 3, "session_minutes": 60},
        lambda: generate_workouts(Generated(seed=3, weeks=6, strength=0.6, deload_every=0)),
        about="a beginner, 6 weeks of log, strength goal (linear main lifts), kg, no RPE",
    ),
    Lifter(
        "back-8mo-lb",
        "lb",
        True,
        {"goal": "strength", "level": "intermediate", "days_per_week": 3, "session_minutes": 60},
        lambda: generate_workouts(Generated(seed=11, weeks=40, units="lb")),
        gap=timedelta(weeks=35),
        about="a generated intermediate in lb, logs RPE, last session 8 months before the start",
    ),
]


# ---------------------------------------------------------------------------------------------
# What the lifter does with a prescribed exercise, per scenario.


@dataclass(frozen=True)
class Exercise:
    """One exercise as `spotter plan` printed it, read for the lifter."""

    template_id: str
    title: str
    equipment: str
    loads: list[float | None]  # each working set's load in the lifter's unit (None: no load)
    reps: int
    low: int
    high: int
    rpe: float | None
    kind: str  # progression model


@dataclass
class Scene:
    """Where the lifter is: the calendar week (0-based), the plan's week and whether it is a
    deload, and what the lifter remembers (each exercise's first load, for a ceiling)."""

    week: int
    deload: bool
    day: int
    first: dict[str, float] = field(default_factory=dict)


Did = list[tuple[float | None, int, float | None]]  # (load in unit, reps, rpe) per working set


def _on_target(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    rpe = 6.0 if s.deload else ex.rpe
    return [(load, ex.reps, rpe) for load in ex.loads]


def _easy(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    reps = ex.reps if s.deload or ex.kind != "double" else ex.high
    return [(load, reps, 6.0) for load in ex.loads]


def _last_sets_missed(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    """At or above the load they met first (their ceiling, rising ~0.5 % a week) the last set
    falls short of the range; below it they do what was asked."""
    did = _on_target(ex, s, lifter)
    top = ex.loads[0]
    if s.deload or top is None or len(did) < 2:
        return did
    ceiling = s.first.setdefault(ex.template_id, top) * (1 + 0.005 * s.week)
    if top >= ceiling - 1e-6:
        load, _reps, rpe = did[-1]
        did[-1] = (load, max(1, ex.low - 2), 10.0 if rpe is not None else None)
    return did


BAD = range(1, 4)  # calendar weeks 2–4: three bad weeks in a row


def _three_bad_weeks(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    if s.week in BAD and not s.deload:
        return [(load, max(1, ex.low - 2), ex.rpe and 10.0) for load in ex.loads]
    return _on_target(ex, s, lifter)


def _heavier(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    if s.deload:
        return _on_target(ex, s, lifter)
    return [(None if v is None else v + lifter.step, ex.reps, ex.rpe) for v in ex.loads]


def _lighter(ex: Exercise, s: Scene, lifter: Lifter) -> Did:
    if s.deload:
        return _on_target(ex, s, lifter)
    lighter = [None if v is None else max(v - lifter.step, lifter.step) for v in ex.loads]
    return [(v, ex.high, ex.rpe) for v in lighter]


@dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    lift: Callable[[Exercise, Scene, Lifter], Did]
    trains: Callable[[Scene], bool] = lambda s: True  # whether this day is trained


SCENARIOS = [
    Scenario("on-target", "every set as prescribed, at the target RPE", _on_target),
    Scenario("easy", "every set at the top of the range, RPE 6", _easy),
    Scenario(
        "last-sets-missed",
        "the last set 2 reps under the range whenever the load is at their ceiling",
        _last_sets_missed,
    ),
    Scenario(
        "three-bad-weeks", "weeks 2–4: every set 2 reps under the range, RPE 10", _three_bad_weeks
    ),
    Scenario(
        "skipped-week", "nothing logged in calendar week 3", _on_target, lambda s: s.week != 2
    ),
    Scenario(
        "half-sessions",
        "only every other planned day, as prescribed",
        _on_target,
        lambda s: s.day % 2 == 0,
    ),
    Scenario("heavier", "one plate pair heavier than prescribed, prescribed reps", _heavier),
    Scenario("lighter", "one plate pair lighter than prescribed, top of the range", _lighter),
]


# ---------------------------------------------------------------------------------------------
# Driving the CLI.


def spotter_plan(*args: str | Path) -> dict:
    """`spotter plan …` in this process (the console script's own `main`), its JSON."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["plan", *map(str, args), "--json"])
    assert code == 0, f"spotter plan {' '.join(map(str, args))} exited {code}: {err.getvalue()}"
    return json.loads(out.getvalue())


def _iso(at: datetime) -> str:
    return at.isoformat()


def _session(title: str, at: datetime, exercises: list[tuple[Exercise, Did]], units: str) -> dict:
    to_kg = (lambda v: v / LB_PER_KG) if units == "lb" else (lambda v: v)
    return {
        "title": title,
        "description": "",
        "start_time": _iso(at),
        "end_time": _iso(at + timedelta(hours=1)),
        "exercises": [
            {
                "title": ex.title,
                "notes": "",
                "superset_id": None,
                "sets": [
                    {
                        "index": i,
                        "type": "normal",
                        "weight_kg": None if load is None else to_kg(load),
                        "reps": reps,
                        "distance_meters": None,
                        "duration_seconds": None,
                        "rpe": rpe,
                    }
                    for i, (load, reps, rpe) in enumerate(did)
                ],
            }
            for ex, did in exercises
        ],
    }


def _exercises(week: dict, engine_plan: dict, units: str) -> list[list[Exercise]]:
    """The week's days, each a list of exercises as the lifter reads them."""
    planned = next(w for w in engine_plan["weeks"] if w["number"] == week["number"])
    days = []
    for day, engine_day in zip(week["days"], planned["days"], strict=True):
        exercises = []
        for e, p in zip(day["exercises"], engine_day["exercises"], strict=True):
            work = [s for s in e["sets"] if s["type"] == "normal"]
            equipment = CATALOGUE[e["template_id"]].equipment
            loads = [s["load"] for s in work]
            if p["load_kg"] is None and p["notes"].startswith("No history"):
                loads = [45.0 if units == "lb" else 20.0] * len(work)  # their pick
            exercises.append(
                Exercise(
                    e["template_id"],
                    e["title"],
                    equipment,
                    loads,
                    p["reps"],
                    p.get("rep_low") or p["reps"],
                    p.get("rep_high") or p["reps"],
                    p["rpe"],
                    (p.get("progression") or {}).get("kind", "none"),
                )
            )
        days.append(exercises)
    return days


@dataclass
class Row:
    """One calendar week of one run: the plan's block and week, and what was prescribed."""

    calendar: int
    block: int
    week: int
    deload: bool
    skipped: bool
    document: dict
    reasons: list[str]
    notes: list[str]


def simulate(lifter: Lifter, scenario: Scenario, folder: Path) -> list[Row]:
    """Twelve calendar weeks of `lifter` doing `scenario`, through the CLI."""
    history = lifter.history()
    last = max(datetime.fromisoformat(w["start_time"]) for w in history)
    monday = (last + lifter.gap).date()
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    prefs = folder / "prefs.json"
    prefs.write_text(json.dumps({**lifter.prefs, "units": lifter.units}))
    csv, plan = folder / "export.csv", folder / "plan.json"
    logged: list[dict] = list(history)
    csv.write_text(export(logged, lifter.units))
    document = spotter_plan("--prefs", prefs, "--history", csv, "--today", monday.isoformat())
    first: dict[str, float] = {}
    rows: list[Row] = []
    block, reasons = 1, list(document["notes"])
    for calendar in range(WEEKS):
        week = document["weeks"][0]
        started = date.fromisoformat(document["started"])
        week_start = datetime.combine(started, datetime.min.time(), UTC) + timedelta(
            weeks=document["week"] - 1
        )
        assert week_start.date() == monday + timedelta(weeks=calendar), "the calendar holds"
        engine = document["engine_plan"]
        trained = 0
        for index, (day, exercises) in enumerate(
            zip(week["days"], _exercises(week, engine, lifter.units), strict=True)
        ):
            scene = Scene(calendar, week["deload"], index, first)
            if not scenario.trains(scene):
                continue
            at = week_start + timedelta(days=(day["weekday"] or index + 1) - 1, hours=18)
            done = [(ex, scenario.lift(ex, scene, lifter)) for ex in exercises]
            logged.append(_session(day["name"], at, done, lifter.units))
            trained += 1
        rows.append(
            Row(calendar + 1, block, document["week"], week["deload"], not trained, document,
                reasons, document["notes"])
        )  # fmt: skip
        if calendar == WEEKS - 1:
            break
        csv.write_text(export(logged, lifter.units))
        if document["week"] < len(engine["weeks"]):
            plan.write_text(json.dumps(document))
            document = spotter_plan("next", "--plan", plan, "--history", csv)
            reasons = document["reasons"]
        else:  # the block is over: a new one from the whole log
            today = monday + timedelta(weeks=calendar + 1)
            document = spotter_plan(
                "--prefs", prefs, "--history", csv, "--today", today.isoformat()
            )
            block, reasons = block + 1, list(document["notes"])
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], list[Row]]:
    """Each (lifter, scenario) run once per module, whichever tests ask for it."""
    folder = tmp_path_factory.mktemp("twelve-weeks")
    done: dict[tuple[str, str], list[Row]] = {}

    def run(lifter: str, scenario: str) -> list[Row]:
        if (lifter, scenario) not in done:
            path = folder / f"{lifter}-{scenario}"
            path.mkdir()
            done[(lifter, scenario)] = simulate(_lifter(lifter), _scenario(scenario), path)
        return done[(lifter, scenario)]

    return run


def _lifter(name: str) -> Lifter:
    return next(x for x in LIFTERS if x.name == name)


def _scenario(name: str) -> Scenario:
    return next(x for x in SCENARIOS if x.name == name)


# ---------------------------------------------------------------------------------------------
# Reading a run: each calendar week's prescriptions, by day and exercise.


@dataclass(frozen=True)
class Prescribed:
    day: str
    template_id: str
    title: str
    sets: int
    reps: int
    low: int
    high: int
    load: float | None  # the first working set's, in the lifter's unit
    loads: tuple[float | None, ...]
    rpe: float | None
    kind: str
    reason: str


def prescribed(row: Row) -> list[Prescribed]:
    week = row.document["weeks"][0]
    planned = next(w for w in row.document["engine_plan"]["weeks"] if w["number"] == week["number"])
    out = []
    for day, engine_day in zip(week["days"], planned["days"], strict=True):
        for e, p in zip(day["exercises"], engine_day["exercises"], strict=True):
            work = [s for s in e["sets"] if s["type"] == "normal"]
            out.append(
                Prescribed(
                    day["key"],
                    e["template_id"],
                    e["title"],
                    len(work),
                    p["reps"],
                    p.get("rep_low") or p["reps"],
                    p.get("rep_high") or p["reps"],
                    work[0]["load"],
                    tuple(s["load"] for s in work),
                    p["rpe"],
                    (p.get("progression") or {}).get("kind", "none"),
                    e["reason"] or "",
                )
            )
    return out


def by_slot(row: Row) -> dict[tuple[str, str], Prescribed]:
    return {(p.day, p.template_id): p for p in prescribed(row)}


def first_of(row: Row) -> dict[str, Prescribed]:
    """Each exercise's first appearance in the week (its heaviest day comes first)."""
    out: dict[str, Prescribed] = {}
    for p in prescribed(row):
        out.setdefault(p.template_id, p)
    return out


def hard(rows: list[Row]) -> list[Row]:
    return [r for r in rows if not r.deload]


def block_changes(rows: list[Row]) -> Iterator[tuple[Row, Row]]:
    """At each new block: the last hard week of the block that ended, and the new one's first."""
    for before, after in itertools.pairwise(rows):
        if after.block != before.block:
            yield hard([r for r in rows if r.block == before.block])[-1], after


ALL = [(lifter.name, scenario.name) for lifter in LIFTERS for scenario in SCENARIOS]


# ---------------------------------------------------------------------------------------------
# The rules.


@pytest.mark.parametrize("lifter", [x.name for x in LIFTERS])
def test_on_target_most_lifts_end_heavier_and_each_block_starts_where_the_last_ended(
    runs: Callable[[str, str], list[Row]], lifter: str
) -> None:
    rows = runs(lifter, "on-target")
    start, end = first_of(rows[0]), first_of(rows[-1])
    both = [t for t in start if t in end and start[t].load and end[t].load]
    heavier = [t for t in both if end[t].load > start[t].load + 1e-6]  # type: ignore[operator]
    assert len(both) >= 4 and len(heavier) * 2 > len(both), (
        f"{len(heavier)} of {len(both)} lifts heavier after 12 weeks on target"
    )
    # No reset at a block boundary: an exercise kept in the same range starts the new block at
    # no less than its last hard week's load (that week made its reps at the target).
    for last_hard, after in block_changes(rows):
        last = first_of(last_hard)
        for tid, new in first_of(after).items():
            old = last.get(tid)
            if old and old.load and new.load and (old.low, old.high) == (new.low, new.high):
                # Known gap: a new block rounds on the default grid (the validator checks loads
                # against it), so a 15 kg dumbbell learned on 1 kg steps may start at 14.
                units = Units(_lifter(lifter).units)
                slack = default_step(units, CATALOGUE[tid].equipment)
                assert new.load >= old.load - slack - 1e-6, (
                    f"block {after.block} starts {new.title} at {new.load} after {old.load}"
                )


def epley(p: Prescribed) -> float:
    return (p.load or 0) * (1 + p.reps / 30)


@pytest.mark.parametrize("lifter", [x.name for x in LIFTERS])
def test_on_target_a_new_block_keeps_the_e1rm_its_last_hard_week_reached(
    runs: Callable[[str, str], list[Row]], lifter: str
) -> None:
    """Progress accumulates (TRAINING.md, "From one block to the next": the load and reps of
    the last hard week, in the new range): each exercise starts a block asking about the e1RM
    (Epley, as prescribed) its last hard week asked, in the same range. gen-kg-rpe's squat
    went from 105 × 10 (140) to 110 × 6 (132), "the top of the range", and asked 110 × 7 (136)
    in week 12; a top set done as prescribed came back the same (back-8mo-lb 260 × 3)."""
    rows = runs(lifter, "on-target")
    for last_hard, after in block_changes(rows):
        old = heaviest(last_hard)
        for tid, p in heaviest(after).items():
            q = old.get(tid)
            if q is None or not (q.load and p.load) or (q.low, q.high) != (p.low, p.high):
                continue
            assert epley(p) >= 0.97 * epley(q), (  # within a rep (the reps are whole)
                lifter, after.calendar, p.title, (q.load, q.reps), (p.load, p.reps), p.reason
            )  # fmt: skip
            if p.kind == "rpe_top_set":  # done as prescribed: the smallest step up
                assert p.load > q.load, (lifter, after.calendar, p.title, q.load, p.load)


@pytest.mark.parametrize("scenario", ["last-sets-missed", "three-bad-weeks"])
def test_cuts_never_stack_past_15_percent_across_blocks(
    runs: Callable[[str, str], list[Row]], scenario: str
) -> None:
    """TRAINING.md, "Misses": one cut of 5–10 % after a run of missed sessions, carried as cut,
    never re-estimated on top of (a stacked reduction): no exercise's hard-week load falls more
    than ~15 % below its highest so far in the run, block changes included (back-8mo-lb's
    deadlift: 240 missed, 225 "from your e1RM", then −25 lb: 200, −17 %)."""
    for lifter in LIFTERS:
        rows = runs(lifter.name, scenario)
        peak: dict[tuple[str, int, int], float] = {}
        for row in hard(rows):
            for tid, p in heaviest(row).items():
                if not p.load or "after the time off" in p.reason:
                    continue
                key = (tid, p.low, p.high)
                top = peak[key] = max(peak.get(key, 0.0), p.load)
                assert p.load >= 0.85 * top - 1e-6, (
                    lifter.name, row.calendar, p.title, top, p.load
                )  # fmt: skip


def test_a_beginners_linear_lift_climbs_one_step_a_session(
    runs: Callable[[str, str], list[Row]],
) -> None:
    """TRAINING.md, "Progression models": linear adds its step after each successful session.
    On target, a beginner's squat twice a week goes 55, 60, 65, … kg (it was 55, 55, 65, 65:
    +10 kg between two sessions, 18 % at 55 kg); within a hard week and from one week's last
    session to the next week's first, consecutive sessions differ by one step."""
    rows = runs("beginner-kg", "on-target")
    step = 5.0  # squat and deadlift: 5 kg a session (TRAINING.md's beginner step)
    for tid in ("D04AC939",):  # Squat (Barbell)
        sessions = [
            (row.block, p.load)
            for row in hard(rows)
            if row.week > 1
            for p in prescribed(row)
            if p.template_id == tid and p.kind == "linear"
        ]
        assert len(sessions) >= 8
        for (block, a), (same, b) in itertools.pairwise(sessions):
            if block == same and a is not None and b is not None:
                assert b - a == pytest.approx(step), sessions


def contradictions(reason: str, reps: int, load: float | None) -> list[str]:
    """What `reason` says that the prescription it stands beside (`reps` at `load`) is not."""
    wrong = []
    aim = re.search(r"aim for (\d+)", reason)
    if aim and int(aim.group(1)) != reps:
        wrong.append(f"aim for {aim.group(1)} beside {reps} reps")
    same = re.search(r"at ([\d.]+) (?:kg|lb)[^;.]*?: same load", reason)
    ramped = "after the time off" in reason  # "same load … this week ~70 % of it"
    if same and not ramped and load is not None and abs(float(same.group(1)) - load) > 0.01:
        wrong.append(f"same load as {same.group(1)} beside {load}")
    return wrong


def _on_grid(value: float, units: str) -> bool:
    step = 2.5 if units == "lb" else 0.25
    return abs(value / step - round(value / step)) < 0.01


@pytest.mark.parametrize(("lifter", "scenario"), ALL)
def test_every_week_keeps_the_rules(
    runs: Callable[[str, str], list[Row]], lifter: str, scenario: str
) -> None:
    units = _lifter(lifter).units
    rows = runs(lifter, scenario)
    for row in rows:
        for p in prescribed(row):
            for load in p.loads:
                assert load is None or _on_grid(load, units), (row.calendar, p.title, load)
        if units == "lb":
            assert not any(" kg" in r for r in row.reasons), row.reasons
        if row.week == 1:  # a new block: every exercise says where its load comes from
            assert all(p.reason for p in prescribed(row)), row.calendar
        # Every reason matches the numbers shown (a note that says "aim for 9" beside 11 reps,
        # "same load" beside another load, or a change's "aim for 6 reps → 2×5" contradicts).
        for p in prescribed(row):
            assert not contradictions(p.reason, p.reps, p.load), (row.calendar, p.title, p)
        for change in row.reasons:
            why, _, target = change.rpartition(" → ")
            shown = re.match(r"(\d+)×(\d+) at ([\d.]+)", target)
            if why and shown and "deload week" not in why:
                reps, load = int(shown.group(2)), float(shown.group(3))
                assert not contradictions(why, reps, load), (row.calendar, change)
            if "deload week" in why:  # a deload says so, never the step up it replaced (a
                # cut the same week stays named: the larger reduction is the week's load)
                assert not re.search(r"\+[\d.]+ (?:kg|lb)", why), (row.calendar, change)
    for before, after in itertools.pairwise(rows):
        if after.block != before.block or after.skipped or before.skipped:
            continue
        old, new = by_slot(before), by_slot(after)
        for slot, p in new.items():
            q = old.get(slot)
            if q is None:
                continue
            changed = (p.sets, p.reps, p.load) != (q.sets, q.reps, q.load)
            if changed:  # every change the lifter sees has its reason
                assert any(r.startswith(f"{p.title}:") for r in after.reasons), (
                    after.calendar,
                    p.title,
                    after.reasons,
                )
            if q.load is None or p.load is None:
                continue
            if after.deload:  # the one definition of a deload week
                assert p.sets == max(1, math.ceil(q.sets / 2)), (after.calendar, p.title)
                assert 0.8 * q.load - 1e-6 <= p.load <= q.load + 1e-6, (p.title, q.load, p.load)
                assert p.reps <= max(p.low, q.reps) and (p.rpe or 0) <= 7, (p.title, p.reps)
            elif not before.deload and scenario != "lighter":  # no step below ~85 %
                # (a lifter who chose lighter loads is judged at the load they chose)
                assert p.load >= 0.85 * q.load - 1e-6, (after.calendar, p.title, q.load, p.load)


def test_three_bad_weeks_cost_one_cut_of_at_most_15_percent(
    runs: Callable[[str, str], list[Row]],
) -> None:
    for lifter in LIFTERS:
        rows = runs(lifter.name, "three-bad-weeks")
        before = heaviest(rows[BAD.start])  # the load the bad weeks began at
        for row in hard(rows[BAD.start :]):
            # The next blocks too: each starts from the last successful exposure or the cut the
            # misses brought, never from a failed week's e1RM on top of it (a stacked
            # reduction: real-lb's pushdown went 60 → 50 lb at the next block).
            for tid, p in heaviest(row).items():
                q = before.get(tid)
                # (an exercise rested a month or more since comes back on the break table's
                # ramp, its own clock: gen-kg-rpe's hammer curl, left out of block 2; a new
                # block's other rep range asks another load: 22.5 lb × 8 is 20 lb × 10)
                back = "after the time off" in p.reason
                same = q is not None and (q.low, q.high) == (p.low, p.high)
                if q and q.load and p.load and same and not back:
                    assert p.load >= 0.85 * q.load - 1e-6, (
                        lifter.name, row.calendar, row.block, p.title, q.load, p.load
                    )  # fmt: skip


def heaviest(row: Row) -> dict[str, Prescribed]:
    """Each exercise's heaviest prescription of the week (a lighter second day of a lift is
    that day's variation, not a cut); a linear lift's first session (the later ones are written
    a step a session, on its success)."""
    out: dict[str, Prescribed] = {}
    for p in prescribed(row):
        q = out.get(p.template_id)
        if q is None or (p.kind != "linear" and (p.load or 0) > (q.load or 0)):
            out[p.template_id] = p
    return out


def test_a_skipped_week_moves_the_block_back_a_week(runs: Callable[[str, str], list[Row]]) -> None:
    for lifter in LIFTERS:
        rows = runs(lifter.name, "skipped-week")
        assert [r.week for r in rows[:6]] == [1, 2, 3, 3, 4, 5], lifter.name
        assert rows[2].skipped and "moves back a week" in rows[3].reasons[0]


def test_back_after_8_months_starts_lighter_and_ramps_back_to_full(
    runs: Callable[[str, str], list[Row]],
) -> None:
    rows = runs("back-8mo-lb", "on-target")
    assert rows[0].notes[0].startswith("35 weeks since your last session: week 1 at ~70 %")
    planned_full = {  # the plan's own week 4, at full strength
        (d["key"], e["template_id"]): e["load_kg"]
        for w in rows[0].document["engine_plan"]["weeks"]
        if w["number"] == 4
        for d in w["days"]
        for e in d["exercises"]
    }
    week1, week4 = by_slot(rows[0]), by_slot(rows[3])
    ramped = 0
    for slot, p in week4.items():
        full, first = planned_full.get(slot), week1.get(slot)
        if full and first and first.load and p.load:
            full_lb = full * LB_PER_KG
            assert first.load <= 0.75 * full_lb + 5, (p.title, first.load, full_lb)
            assert p.load >= full_lb - 5.01, f"{p.title}: week 4 at {p.load}, full {full_lb:.0f}"
            ramped += 1
    assert ramped >= 3


MAIN_LIFTS = ("squat", "bench press", "deadlift", "overhead press", "front squat", "row")


def _cell(p: Prescribed | None) -> str:
    if p is None:
        return "–"
    if p.load is None:
        return f"{p.sets}×{p.reps} bw"
    if len(set(p.loads)) > 1:  # a top set and its back-offs
        return f"{p.load:g}×{p.reps} + {p.sets - 1}×{p.loads[1]:g}"
    return f"{p.sets}×{p.reps} @ {p.load:g}"


def render(runs: Callable[[str, str], list[Row]]) -> str:
    lines = [
        "# Twelve weeks through the CLI (issue 23)",
        "",
        "Generated by `UPDATE_SIMULATION=1 .venv/bin/pytest tests/test_twelve_weeks.py`: each",
        "lifter logs 12 calendar weeks into a Hevy CSV export, `spotter plan next` prescribes each",
        "following week and `spotter plan --history` each new block. A cell is next week's",
        "prescription: sets × reps @ load (a top set: load × reps + back-off sets × load), in the",
        "lifter's unit; `D` marks a deload week, `B2` a new block, `skipped` a week not logged.",
        "",
    ]
    for lifter in LIFTERS:
        lines += [f"## {lifter.name}: {lifter.about}", ""]
        for name in (scenario.name for scenario in SCENARIOS):  # all eight, one section each
            rows = runs(lifter.name, name)
            tids = [
                t
                for t, p in first_of(rows[0]).items()
                if any(k in p.title.lower() for k in MAIN_LIFTS)
                and CATALOGUE[t].equipment == "barbell"
            ][:4]
            titles = [first_of(rows[0])[t].title for t in tids]
            lines += [f"### {name}: {_scenario(name).about}", ""]
            if rows[0].notes and "since your last session" in rows[0].notes[0]:
                lines += [f"Plan note: {rows[0].notes[0]}", ""]
            lines += ["| wk | block·week | " + " | ".join(titles) + " |"]
            lines += ["|---|---|" + "---|" * len(titles)]
            for row in rows:
                where = f"B{row.block}·{row.week}" + (" D" if row.deload else "")
                where += " skipped" if row.skipped else ""
                cells = [_cell(first_of(row).get(t)) for t in tids]
                lines.append(f"| {row.calendar} | {where} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines)


def test_the_week_by_week_table_is_in_docs(runs: Callable[[str, str], list[Row]]) -> None:
    # UPDATE_SIMULATION=1 rewrites docs/simulation.md; a path writes the table there instead
    # (to read it before the docs change).
    if target := os.environ.get("UPDATE_SIMULATION"):
        (TABLE if target == "1" else Path(target)).write_text(render(runs))
    assert TABLE.exists(), f"{TABLE} is missing: UPDATE_SIMULATION=1 writes it"
