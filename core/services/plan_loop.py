"""The loop that keeps coaching while the lifter just trains.

After each sync: the completed workouts are matched to the current week's plan days, each
exercise's progression runs on what was actually done, next week's prescriptions are written
into the plan (a scheduled deload week lightens them), and then two catch-up steps bring Hevy's
routines and the lifter's chat up to date. The plan's week is committed first and each catch-up
step is idempotent, so a crash at any point resumes without doubling a routine or a message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from core import failpoints
from core.engine.adherence import match_workouts
from core.engine.loads import LoadingProfile, format_load
from core.engine.plan import PlanDay, PlannedExercise, PlanWeek, TrainingPlan, set_loads
from core.engine.plan_text import CAUTIONS
from core.engine.progression import (
    DELOAD_WORDS,
    RPE_HOLD_MARGIN,
    Chain,
    DoneSet,
    DoubleProgression,
    LinearProgression,
    Prescription,
    RpeTopSet,
    Step,
    advance,
    advance_sessions,
    deload_week,
    read_session,
)
from core.engine.records import working
from core.engine.steps import Grid
from core.models import ExerciseTemplate, Plan, PlanStatus, Units, Workout, utcnow
from core.ports import Store
from core.services.catalogue import user_catalogue
from core.services.outbox import Outbox
from core.services.plan_writer import PlanWriter
from core.services.user_lease import UserBusy, UserLeases

log = logging.getLogger(__name__)

LIVE = (PlanStatus.IN_HEVY, PlanStatus.ACTIVE)
HISTORY = timedelta(weeks=26)  # the log that teaches each exercise's load steps


@dataclass
class LoopReport:
    advanced: list[int] = field(default_factory=list)  # weeks advanced to
    finished: bool = False
    written: bool = False
    notified: bool = False
    shifted: int = 0  # weeks the block moved on because nothing was logged


class PlanLoop:
    def __init__(
        self,
        store: Store,
        writer: PlanWriter,
        outbox: Outbox,
        clock: Callable[[], datetime] = utcnow,
        leases: UserLeases | None = None,
    ) -> None:
        self._store = store
        self._writer = writer
        self._outbox = outbox
        self._clock = clock
        self._leases = leases or writer.leases

    async def after_sync(self, user_id: int) -> LoopReport:
        """Advance the user's live plan as far as the log allows, then catch Hevy and chat up.

        Runs under the user's lease; when another task or process holds it, that one does this
        work after its own (every holder that syncs ends by calling this), so here it is skipped.
        """
        report = LoopReport()
        try:
            async with self._leases.hold(user_id):
                plan = await self._live_plan(user_id)
                if plan is None:
                    return report
                plan = await self._catch_up(user_id, plan, report)
                plan = await self._shift_skipped(user_id, plan, report)
                while plan.status in LIVE and await self._week_is_over(user_id, plan):
                    plan = await self._advance(user_id, plan, report)
                    plan = await self._catch_up(user_id, plan, report)
                    plan = await self._shift_skipped(user_id, plan, report)
        except UserBusy:
            log.info("plan advance skipped: the user is busy elsewhere", extra={"user_id": user_id})
        return report

    async def _live_plan(self, user_id: int) -> Plan | None:
        plans = await self._store.plans.list(user_id)
        return next(
            (
                p
                for p in plans
                if p.status in LIVE
                or (p.status == PlanStatus.FINISHED and p.notified_week < p.week)
            ),
            None,
        )

    async def _shift_skipped(self, user_id: int, plan: Plan, report: LoopReport) -> Plan:
        """Weeks that ended with nothing logged move the block on instead of using up a week:
        the same week is prescribed again from now, and the lifter is told once."""
        if plan.status not in LIVE:
            return plan
        shifted = plan
        while self._clock() >= self._window(shifted)[1] and week_skipped(
            await self._matched(user_id, shifted)
        ):
            start = (shifted.started_at or shifted.created_at) + timedelta(weeks=1)
            shifted = shifted.model_copy(
                update={"started_at": start, "skipped_weeks": shifted.skipped_weeks + 1}
            )
        weeks = shifted.skipped_weeks - plan.skipped_weeks
        if not weeks:
            return plan
        user = await self._store.users.get(user_id)
        if user is not None and user.chat_id is not None:
            gap = "last week" if weeks == 1 else f"the last {weeks} weeks"
            await self._outbox.enqueue(
                user_id,
                user.chat_id,
                f"Nothing logged {gap}, so week {plan.week} of your plan starts again now: the "
                "block moves back rather than skipping ahead. It's in Hevy as before.",
                f"plan:{plan.id}:skipped:{shifted.skipped_weeks}",
            )  # queued first (idempotent by key): a crash before the commit below loses nothing
        shifted = shifted.model_copy(update={"updated_at": self._clock()})
        await self._store.plans.put(shifted)
        report.shifted += weeks
        # The same week again: written anew (in place), which also puts back a deleted routine.
        written = await self._writer.write_week(user_id, shifted)
        await self._tell_recreated(user_id, shifted, written.recreated)
        return shifted

    async def _matched(self, user_id: int, plan: Plan) -> dict[str, Workout | None]:
        """The week's planned days, each with the workout that trained it (or None)."""
        links = await self._links(user_id)
        return match_workouts(_week(plan).days, await self._week_workouts(user_id, plan), links)

    def _window(self, plan: Plan) -> tuple[datetime, datetime]:
        start = (plan.started_at or plan.created_at) + timedelta(weeks=plan.week - 1)
        return start, start + timedelta(weeks=1)

    async def _week_workouts(self, user_id: int, plan: Plan) -> list[Workout]:
        start, end = self._window(plan)
        return await self._store.workouts.list(user_id, start, end)

    async def _week_is_over(self, user_id: int, plan: Plan) -> bool:
        """The week's time is up, or every planned day of it has been trained."""
        _start, end = self._window(plan)
        if self._clock() >= end:
            return True
        return all((await self._matched(user_id, plan)).values())

    async def _links(self, user_id: int) -> dict[str, str]:
        return {
            link.key: link.hevy_id
            for link in await self._store.plans.list_links(user_id)
            if link.hevy_id and link.key != "folder"
        }

    async def _advance(self, user_id: int, plan: Plan, report: LoopReport) -> Plan:
        """Commit next week's prescriptions and the note explaining them (one write)."""
        user = await self._store.users.get(user_id)
        units = user.units if user else Units.KG
        catalogue = await user_catalogue(self._store, user_id)
        training = TrainingPlan.model_validate(plan.body)
        week = _week(plan)
        matched = await self._matched(user_id, plan)
        if plan.week >= len(training.weeks):
            finished = plan.model_copy(
                update={
                    "status": PlanStatus.FINISHED,
                    "last_change": (
                        f"That was the last week of “{plan.title}”. Send /plan for the next block."
                    ),
                    "week": plan.week,
                    "notified_week": plan.week - 1,
                    "updated_at": self._clock(),
                }
            )
            await self._store.plans.put(finished)
            report.finished = True
            return finished
        _start, end = self._window(plan)
        history = await self._store.workouts.list(user_id, end - HISTORY, end)
        fitted = fitted_days(plan)
        upcoming, changes = next_week(
            training, plan.week, matched, catalogue, units, history, fitted
        )
        header = f"Week {upcoming.number} of {len(training.weeks)}" + (
            " is a deload week" if upcoming.deload else ""
        )
        missed = [d.name for d in week.days if matched.get(d.key) is None]
        note = weekly_update(f"{header}: it's in Hevy now.", missed, changes)
        advanced = plan.model_copy(
            update={
                "week": plan.week + 1,
                "body": training.model_dump(mode="json"),
                "status": PlanStatus.ACTIVE,
                "last_change": note,
                "last_change_details": [change.text for change in changes],
                "updated_at": self._clock(),
            }
        )
        failpoints.reach("advance.before_commit")
        await self._store.plans.put(advanced)
        failpoints.reach("advance.after_commit")
        report.advanced.append(advanced.week)
        return advanced

    async def _catch_up(self, user_id: int, plan: Plan, report: LoopReport) -> Plan:
        """Bring Hevy and the chat up to the plan's week; each step runs at most once per week."""
        if plan.status in LIVE and plan.hevy_week < plan.week:
            failpoints.reach("catchup.before_hevy")
            written = await self._writer.write_week(user_id, plan)
            failpoints.reach("catchup.after_hevy")
            await self._tell_recreated(user_id, plan, written.recreated)
            plan = plan.model_copy(update={"hevy_week": plan.week})
            await self._store.plans.put(plan)
            failpoints.reach("catchup.after_hevy_week")
            report.written = True
        if plan.notified_week < plan.week and plan.last_change:
            user = await self._store.users.get(user_id)
            if user is not None and user.chat_id is not None:
                failpoints.reach("catchup.before_enqueue")
                await self._outbox.enqueue(
                    user_id,
                    user.chat_id,
                    plan.last_change,
                    f"plan:{plan.id}:week:{plan.week}:{plan.status.value}",
                )
                failpoints.reach("catchup.after_enqueue")
            plan = plan.model_copy(update={"notified_week": plan.week})
            await self._store.plans.put(plan)
            failpoints.reach("catchup.after_notified")
            report.notified = True
        return plan

    async def _tell_recreated(self, user_id: int, plan: Plan, keys: list[str]) -> None:
        """Routines deleted in the Hevy app were put back: say so, once per week."""
        if not keys:
            return
        user = await self._store.users.get(user_id)
        if user is None or user.chat_id is None:
            return
        names = ", ".join(d.name for d in _week(plan).days if d.key in keys)
        await self._outbox.enqueue(
            user_id,
            user.chat_id,
            f"A Spotter routine had been deleted in Hevy ({names}); I've put it back.",
            f"plan:{plan.id}:week:{plan.week}:recreated",
        )


UPDATE_LINES = 8  # a week's update fits a phone screen; the rest is a /changes away


@dataclass(frozen=True, slots=True)
class Change:
    """One exercise's new prescription: the whole reason, and the short form of a summary."""

    text: str  # "Bench Press (Barbell): 3×8/8/8 at 80 kg reached 8 … → 3×6 at 82.5 kg next week"
    short: str  # "Bench Press (Barbell) → 3×6 at 82.5 kg"


def target_text(ex: PlannedExercise, equipment: str, profile: LoadingProfile) -> str:
    """A week's prescription set by set as Hevy gets it (`routine_for`): `3×6 at 140 lb`, or
    `1×5 at 100 lb + 2×5 at 90 lb` for a top set and its back-offs."""
    loads = set_loads(ex, equipment, profile)
    if len(loads) > 1 and loads[1] != loads[0]:
        top, backoff = (format_load(load, profile.units) for load in loads[:2])
        return f"1×{ex.reps} at {top} + {len(loads) - 1}×{ex.reps} at {backoff}"
    return f"{ex.sets}×{ex.reps} at {format_load(ex.load_kg, profile.units)}"


def weekly_update(head: str, missed: list[str], changes: list[Change]) -> str:
    """The chat's weekly update in at most UPDATE_LINES lines: every change with its reason
    when they fit, else the first ones in short and where the rest are."""
    lines = [head]
    if missed:
        lines.append(f"Not logged last week: {', '.join(missed)} (same targets again).")
    room = UPDATE_LINES - len(lines)
    if len(changes) <= room:
        lines += [f"• {c.text}" for c in changes]
    else:
        shown = changes[: room - 1]
        lines += [f"• {c.short}" for c in shown]
        lines.append(
            f"…and {len(changes) - len(shown)} more. Every change with its reason: /changes"
        )
    return "\n".join(lines)


def week_skipped(matched: Mapping[str, Workout | None]) -> bool:
    """Nothing logged against the week: the block shifts by a week instead of using one up
    (TRAINING.md, "Reading a logged session"). The loop and `spotter plan next` both ask this."""
    return not any(matched.values())


def next_week(
    training: TrainingPlan,
    week_number: int,
    matched: Mapping[str, Workout | None],
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
    history: Iterable[Workout] = (),
    fitted: Mapping[str, PlanDay] | None = None,
) -> tuple[PlanWeek, list[Change]]:
    """Week `week_number + 1` of `training`, prescribed from what was logged in week
    `week_number` (`matched`: each day key's workout, or None), with each change and its reason.
    `history` (the lifter's log) teaches each exercise's load steps. `fitted`: the sessions the
    readiness check-in fitted to the day, by day key: a day's log is read against what was
    prescribed that day, not as a miss of the plan. Updates `training` in place
    and returns the week and the changes. The one week-to-week advance: the bot's loop and
    `spotter plan next` both call it."""
    week = next(w for w in training.weeks if w.number == week_number)
    upcoming = training.weeks[week_number]  # the next week (weeks are numbered from 1)
    profile = LoadingProfile.for_units(units)
    loads = loads_by_exercise([*history, *(w for w in matched.values() if w is not None)])
    changes = []
    by_key = {d.key: d for d in week.days}
    first = {d.key: d for d in training.weeks[0].days}  # never rewritten: the plan as made
    grids: dict[str, Grid] = {}

    def grid_for(tid: str) -> Grid:
        if tid not in grids:
            template = catalogue.get(tid)
            equipment = template.equipment if template else "other"
            grids[tid] = Grid.learned(loads.get(tid, []), units, equipment, profile)
        return grids[tid]

    chains = linear_chains(week, matched, grid_for, fitted or {})
    index: dict[str, int] = {}  # each linear lift's sessions so far in the upcoming week
    for day in upcoming.days:
        done_day = matched.get(day.key)
        source = by_key.get(day.key, day)
        new_exercises = []
        for ex in day.exercises:
            current = next((e for e in source.exercises if e.template_id == ex.template_id), ex)
            template = catalogue.get(ex.template_id)
            equipment = template.equipment if template else "other"
            title = template.title if template else ex.template_id
            grid = grid_for(ex.template_id)
            start = next(
                (e for e in first.get(day.key, day).exercises if e.template_id == ex.template_id),
                None,
            )
            # Back after time off, the plan's own weeks climb from week 1's lighter loads to
            # full (TRAINING.md, "Return from a break"): that climb, continued from the load
            # actually lifted, is next week's floor.
            ramp = (
                Ramp(ex.load_kg, ramp_share(ex) / ramp_share(current))
                if not upcoming.deload
                and start is not None
                and start.load_kg
                and ex.load_kg
                and ex.load_kg > start.load_kg + 1e-6
                else None
            )
            today = (fitted or {}).get(day.key)
            if today is None:
                updated, change = _progress(
                    current,
                    ex,
                    done_day,
                    upcoming,
                    grid,
                    title,
                    ramp,
                    kit=(equipment, profile),
                    after_deload=week.deload,
                    chained=_session_of(chains, index, ex, grid),
                )
            else:
                # Left out or swapped today: nothing to read, the prescription holds (no miss).
                asked = next((e for e in today.exercises if e.template_id == ex.template_id), None)
                updated, change = _progress(
                    asked or current,
                    ex,
                    done_day if asked is not None else None,
                    upcoming,
                    grid,
                    title,
                    ramp,
                    kit=(equipment, profile),
                    planned=current,
                    after_deload=week.deload,
                )
            new_exercises.append(updated)
            if change:
                changes.append(change)
        day.exercises = new_exercises
    return upcoming, changes


@dataclass(frozen=True, slots=True)
class Ramp:
    """The plan's climb back after time off for one exercise: next week's planned load, and
    next week's share of full loads over this week's (how much the climb adds from here)."""

    load_kg: float
    ratio: float


# A plan stored before `PlannedExercise.ramp_share` says a comeback week's share only in its
# note (generator `_ramped`): "~80 % of it after the time off".
_SHARE = re.compile(r"~(\d+) % of (?:it|[\d.]+ (?:kg|lb)) after the time off")


def ramp_share(ex: PlannedExercise) -> float:
    """The share of full loads the plan gave this exercise's week when it was made (1.0: full
    loads). Read from the plan's data; a plan stored before the field from its note."""
    if ex.ramp_share is not None:
        return ex.ramp_share
    found = _SHARE.search(ex.notes) if "ramp_share" not in ex.model_fields_set else None
    return int(found.group(1)) / 100 if found else 1.0


def linear_chains(
    week: PlanWeek,
    matched: Mapping[str, Workout | None],
    grid_for: Callable[[str], Grid],
    fitted: Mapping[str, PlanDay],
) -> dict[str, Chain]:
    """Per linear exercise, its week read session by session (`advance_sessions`, TRAINING.md
    "Progression models": a step after each successful session, so a beginner squatting twice
    a week goes 55, 60, 65 kg, not 55, 55, 65; misses counted per session). Days the check-in
    fitted are left out: they are read against what was asked that day."""
    sessions: dict[str, list[tuple[Prescription, list[DoneSet]]]] = {}
    models: dict[str, LinearProgression] = {}
    for day in week.days:
        workout = matched.get(day.key)
        if day.key in fitted:
            continue
        for ex in day.exercises:
            if not isinstance(ex.progression, LinearProgression):
                continue
            models.setdefault(ex.template_id, ex.progression)
            done = _done(workout, ex.template_id) if workout is not None else []
            now = Prescription(ex.sets, ex.reps, ex.load_kg, ex.rpe, ex.misses)
            sessions.setdefault(ex.template_id, []).append((now, done))
    chains = {
        tid: advance_sessions(models[tid], runs, grid_for(tid)) for tid, runs in sessions.items()
    }
    return {tid: chain for tid, chain in chains.items() if chain is not None}


def _session_of(
    chains: Mapping[str, Chain], index: dict[str, int], ex: PlannedExercise, grid: Grid
) -> tuple[Step, LinearProgression] | None:
    """The upcoming week's next session of a linear lift: its step and model, or None."""
    chain = chains.get(ex.template_id)
    if chain is None:
        return None
    k = index[ex.template_id] = index.get(ex.template_id, -1) + 1
    return chain.session(k, grid), chain.model


def _done(workout: Workout, template_id: str) -> list[DoneSet]:
    """The working sets `workout` logged of `template_id`."""
    return [
        DoneSet(row.weight_kg, row.reps, row.rpe)
        for row in working(workout.set_rows())
        if row.template_id == template_id and row.reps
    ]


def loads_by_exercise(workouts: Iterable[Workout]) -> dict[str, list[float]]:
    """Every working load the lifter logged, per exercise template."""
    loads: dict[str, list[float]] = {}
    for workout in workouts:
        for row in working(workout.set_rows()):
            if row.weight_kg:
                loads.setdefault(row.template_id, []).append(row.weight_kg)
    return loads


def fitted_days(plan: Plan) -> dict[str, PlanDay]:
    """The plan's current week's sessions as the readiness check-in fitted them, by day key."""
    return {t.day_key: PlanDay.model_validate(t.day) for t in plan.today if t.week == plan.week}


def _week(plan: Plan) -> PlanWeek:
    training = TrainingPlan.model_validate(plan.body)
    return next((w for w in training.weeks if w.number == plan.week), training.weeks[-1])


def _rep_low(ex: PlannedExercise) -> int:
    """The bottom of the exercise's rep range (its model's, else the plan's, else its reps)."""
    model = ex.progression
    if isinstance(model, DoubleProgression):
        return model.rep_low
    if isinstance(model, LinearProgression):
        return model.reps
    if isinstance(model, RpeTopSet):
        return model.top_reps
    return ex.rep_low or ex.reps


def _read(reason: str) -> str:
    """What a step's reason read from the log, without what it made of it ("3×5 at 65 kg
    done", not "… → +10 kg"): a deload, a ramp or an eased day sets the numbers instead, and
    the advance's own step or aim beside them would contradict them."""
    return reason.split(":")[0].split(" → ")[0]


def _progress(
    current: PlannedExercise,
    target: PlannedExercise,
    workout: Workout | None,
    upcoming: PlanWeek,
    grid: Grid,
    title: str,
    ramp: Ramp | None = None,
    *,
    kit: tuple[str, LoadingProfile],
    planned: PlannedExercise | None = None,
    after_deload: bool = False,
    chained: tuple[Step, LinearProgression] | None = None,
) -> tuple[PlannedExercise, Change | None]:
    """Next week's prescription for one exercise, and the change it makes with its reason
    (None: the lifter sees the same prescription again). `ramp`: the plan's climb while coming
    back from time off, continued from the load lifted when the week went well (every set, no
    miss, not a week holding a load after one). `after_deload`: the week read was a deload,
    which neither adds nor clears misses (a run of misses goes on across it). `kit`
    (equipment, profile) words the target set by set as Hevy gets it. `planned`: the plan's
    prescription when the readiness check-in fitted the day (`current` is then what was asked
    that day): the log is read against that; a lighter or easier day holds the plan's load
    (met: no progress from a lighter load; missed: a miss, the plan's load held)."""
    planned = planned or current
    easier = current.load_kg != planned.load_kg or (current.reps, current.rpe) != (
        planned.reps,
        planned.rpe,
    )
    prescription = Prescription(
        current.sets, current.reps, current.load_kg, current.rpe, current.misses
    )
    done = _done(workout, current.template_id) if workout is not None else []
    reason = ""
    step = prescription
    outcome = "no data"
    if current.progression is not None and workout is not None:
        moved = advance(current.progression, prescription, done, grid)
        step, outcome, reason = moved.prescription, moved.outcome, moved.reason
    if chained is not None:  # a linear lift: its week read session by session
        moved = chained[0]
        step, outcome, reason = moved.prescription, moved.outcome, moved.reason
    if after_deload:
        step = replace(step, misses=prescription.misses)
    # The block's own volume for the week, less any set the engine took off for a cut; a week
    # that cuts the load does not also add a set (TRAINING.md, "Misses": hold the sets).
    sets = max(1, target.sets + step.sets - current.sets)
    if outcome == "deload":
        sets = min(sets, step.sets)
    update = {"sets": sets, "reps": step.reps, "load_kg": step.load_kg, "rpe": current.rpe}
    notes = [reason] if step != prescription or outcome == "progress" else []
    if easier:
        missed = bool(done) and step.misses > prescription.misses
        update = {"sets": sets, "reps": planned.reps, "load_kg": planned.load_kg}
        update["rpe"] = planned.rpe
        step = replace(step, misses=planned.misses + missed)
        held = "a miss, same load" if missed else "the plan's load again"
        notes = [f"{_read(reason)}, eased for the day: {held}"] if done else []
    if planned is not current:  # from here on, next week is compared with the plan's week
        prescription = (
            Prescription(planned.sets, planned.reps, planned.load_kg, planned.rpe, planned.misses)
            if easier
            else replace(prescription, sets=planned.sets)
        )
        current = planned
    rpes = [s.rpe for s in done if s.rpe is not None]
    eased = not (current.rpe and rpes and max(rpes) >= current.rpe + RPE_HOLD_MARGIN)
    # The climb goes on only from a week that went fully well: every set, no miss, and not a
    # week holding a load after a miss (then the normal step is the most it takes). From the
    # load actually lifted: at the plan's load that is the plan's next load; lighter, the same
    # share of it (TRAINING.md, "Reading a logged session": progress from the load lifted).
    floor = None
    if (
        ramp is not None
        and done
        and step.misses == 0
        and current.misses == 0
        and not after_deload
        and eased
        and len(done) >= current.sets
    ):
        loads = [s.weight_kg for s in done if s.weight_kg]
        lifted = (
            max(loads, default=None)
            if isinstance(current.progression, RpeTopSet)
            else read_session(done, grid).load
        )
        scaled = grid.round(lifted * ramp.ratio) if lifted else None
        if scaled is not None:  # within a step of the plan's load: the plan's (rounding)
            near = scaled >= ramp.load_kg - grid.step_kg - 1e-6
            floor = ramp.load_kg if near else min(ramp.load_kg, scaled)
    if floor is not None and update["load_kg"] is not None and floor > update["load_kg"] + 1e-6:
        update |= {"load_kg": floor, "reps": target.reps}
        back = f"back from time off, the ramp goes on: {grid.text(floor)}"
        if floor < ramp.load_kg - 1e-6:  # type: ignore[union-attr]
            back = f"back from time off, the ramp goes on from {grid.text(lifted)}: "
            back += grid.text(floor)
        # The ramp sets the load and reps: the reading stays, the advance's own aim goes.
        notes = [f"{_read(reason)}; {back}" if reason else back]
    if upcoming.deload:
        # One definition of the deload, from the load and sets the lifter was on (not the
        # plan's deload week, which is halved already); a failure cut the same week is not
        # added to it: the larger reduction applies (cuts don't stack).
        light = deload_week(prescription, grid, _rep_low(current))
        load = light.load_kg
        if outcome == "deload" and step.load_kg is not None and load is not None:
            load = min(load, step.load_kg)
        update = {"sets": light.sets, "reps": light.reps, "load_kg": load, "rpe": light.rpe}
        # The deload sets the week: what was read stays, the advance's own aim goes (a cut's
        # reason stays: the larger of the two reductions is the week's load).
        if reason and (done or chained is not None) and outcome != "deload":
            notes = [_read(reason)]
        notes.append(f"deload week: {DELOAD_WORDS}")
    elif sets != current.sets and sets - current.sets != step.sets - prescription.sets:
        notes.append(f"the block builds: {sets} sets" if sets > current.sets else f"{sets} sets")
    if chained is not None:  # the model as the week left it (a cut halves the step once)
        update["progression"] = chained[1]
    updated = target.model_copy(update={**update, "misses": step.misses})
    seen = ("sets", "reps", "load_kg", "rpe")
    if all(getattr(updated, k) == getattr(current, k) for k in seen):
        # The same numbers: a held miss says so; otherwise the note that went with them.
        held = "; ".join(notes)
        return updated.model_copy(update={"notes": week_note(held, current, target)}), None
    text = target_text(updated, *kit)
    why = "; ".join(notes) or "the block's next week"
    updated = updated.model_copy(update={"notes": week_note(why, current, target)})
    return updated, Change(f"{title}: {why} → {text}", f"{title} → {text}")


# Sentences of a planned exercise's note that belong to its week, not to its load: an injury's
# caution, and a comeback week's share (a plan stored before `ramp_share` is read from it).
_KEPT = re.compile(
    "|".join(
        [re.escape(c) for c in CAUTIONS]
        + [
            r"This week (?:[\d.]+ (?:kg|lb), )?~\d+ % of (?:it|[\d.]+ (?:kg|lb)) "
            r"after the time off\."
        ]
    )
)
# The load the plan named beside a comeback week's share: the advance names its own load.
_PLANNED_LOAD = re.compile(r"^(This week )[\d.]+ (?:kg|lb), (~\d+ % of )[\d.]+ (?:kg|lb)")


def week_note(why: str, current: PlannedExercise, target: PlannedExercise) -> str:
    """Next week's note as Hevy and the plan show it: why its numbers are what they are (`why`,
    the change's reason, with the caution and the comeback share the plan gave that week), or,
    unchanged (`why` ""), the note that went with these same numbers. A block's first note
    ("same load, aim for 9") no longer stands beside week 3's 11 reps."""
    if not why:
        return current.notes
    kept = [_PLANNED_LOAD.sub(r"\1\2it", m.group(0)) for m in _KEPT.finditer(target.notes)]
    return " ".join([why[:1].upper() + why[1:] + ".", *kept])
