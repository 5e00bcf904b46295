"""What a plan is built from in a lifter's log: their staple exercises and where each one starts.

TRAINING.md, "Building a plan from the lifter" and "From one block to the next": staples are the
variations trained most over the last ~12 weeks; an exercise the new block keeps starts from its
last successful exposure — the best working sets of the last hard (non-deload) week it was done —
in the new rep range (a load that made the top of the range starts one step heavier; a top set
starts from the current e1RM), never from a multi-week median at the bottom of the range. The
previous plan's last prescription is evidence too: a load it was holding after misses is not
stepped over. Time off counts from today (`breaks`), per exercise on its own clock.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from core.engine.breaks import FULL, Comeback, comeback
from core.engine.e1rm import epley, estimate, load_for
from core.engine.loads import LoadingProfile
from core.engine.plan import PlannedExercise, TrainingPlan
from core.engine.progression import LinearProgression, extra_reps
from core.engine.records import working
from core.engine.steps import Grid
from core.models import SetRow

STAPLE_WINDOW = timedelta(weeks=12)
RAMP_WEEKS = 4  # trained weeks the volume ramp starts from
REP_MATCH = 2  # reps above the range still tell the load (a lighter one); reps below do not
EXPOSURES = 3  # the last sessions of an exercise a new block reads its start from
OWN_CLOCK = timedelta(weeks=4)  # an exercise rested this long while others went on: its own break
DELOAD_SETS = (
    0.7  # a week with at most this share of the sets per session before it (3 → 2), no heavier
)
RPE_HOLD = 1.0  # an RPE this far above the target holds the load (as the weekly advance does)
CUT_AFTER = 3  # missed sessions in a row that bring the one cut (the models' default)


def _above(high: int) -> int:
    """Reps above the range that still tell its load: a couple, or the extended range the
    reps-first rule climbs when the next step is too big (`extra_reps`)."""
    return max(REP_MATCH, extra_reps(high))


@dataclass(frozen=True, slots=True)
class _Set:
    at: datetime
    session: str
    weight_kg: float
    reps: int
    rpe: float | None = None


@dataclass(frozen=True, slots=True)
class Exposure:
    """The best working sets of an exercise's last hard week: `sets` at `kg` in its last session
    there, the fewest reps among them and the hardest RPE logged (None: none logged)."""

    at: datetime
    kg: float
    reps: int  # the fewest: the top of the range counts when every set reached it
    typical: int  # the median: one bad set does not make the load a miss
    sets: int
    rpe: float | None
    e1rm: float  # the week's best Epley estimate, for a range far from these reps
    each: tuple[int, ...] = ()  # every set's reps at `kg`, in order (empty: all at `reps`)

    @property
    def text(self) -> str:
        """What was lifted, truthfully: `3×10`, or `6,6,6,6,4` when the sets differed (not
        `5×4`, the fewest reps standing for every set)."""
        if len(set(self.each)) > 1:
            return ",".join(map(str, self.each))
        return f"{self.sets}×{self.reps}"


@dataclass(frozen=True, slots=True)
class Planned:
    """An exercise's last hard-week prescription in the previous plan, and the run of misses
    its log left (`misses`, read from the week after it: the miss count goes on into the new
    block), with the load that run was cut to (`cut_kg`; None: held, not cut)."""

    kg: float | None
    reps: int
    misses: int
    cut_kg: float | None = None

    @property
    def cap(self) -> float | None:
        """The most the new block may start at: the cut load, else the load held."""
        return self.cut_kg if self.cut_kg is not None else self.kg


@dataclass(frozen=True, slots=True)
class WorkingLoad:
    """Where an exercise starts in the new block, at full strength (a break's share aside)."""

    kg: float
    source: Literal["last", "e1rm", "plan"]
    heavier: bool  # the range's top was reached: one step above `kg`
    reps: int | None  # week 1's rep target where the climb continues; None: the range's bottom
    exposure: Exposure | None
    comeback: Comeback  # this exercise's own time off, counted from today
    held: bool = False  # the previous plan was holding this load after misses
    misses: int = 0  # the run of misses it carries on (hold, then one cut)
    cut: bool = False  # ... which has cut the load
    logged: bool = False  # the run was read from the log alone (no previous plan known)

    @property
    def cut_due(self) -> bool:
        """`kg` is the load the missed weeks were at, to be cut once on the lifter's grid
        (`progression.cut_load`: ≤ 10 %, never below ~85 %)."""
        return self.cut and self.logged

    @property
    def held_text(self) -> str:
        """Why the start is no higher than the misses allow, in one sentence."""
        if self.logged:
            run = f"{self.misses} sessions in a row" if self.misses > 1 else "the last session"
            if self.cut:
                return f"Missed {run}: one cut of ~10 %, it starts there."
            return f"Missed {run}: the same load again."
        if self.cut:
            return "Your last plan cut it after missed reps; it starts there."
        return "Your last plan was holding it after missed reps."


@dataclass
class LifterHistory:
    """A lifter's log, read for planning. Empty for a new lifter."""

    recent_sets: Counter[str] = field(default_factory=Counter)  # working sets, last 12 weeks
    all_sets: Counter[str] = field(default_factory=Counter)  # working sets, all time
    loaded: dict[str, list[_Set]] = field(default_factory=dict)  # weighted sets, oldest first
    e1rms: dict[str, float] = field(default_factory=dict)  # only where no sets are known
    end: datetime | None = None  # the last session logged
    today: datetime | None = None  # when the plan is made; time off counts from here
    planned: dict[str, Planned] = field(default_factory=dict)  # the previous plan's last week
    # working sets per exercise in an average one of the last 4 trained weeks (the volume
    # ramp's start: TRAINING.md, "Building a plan from the lifter")
    weekly_sets: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[SetRow], today: datetime | None = None) -> LifterHistory:
        """The log as of `today` (None: the day of its last session, as a test's fixed log)."""
        work = sorted(working(rows), key=lambda r: r.start_time)
        if not work:
            return cls(today=today)
        end = work[-1].start_time
        history = cls(end=end, today=today or end)
        loaded: dict[str, list[_Set]] = defaultdict(list)
        for row in work:
            history.all_sets[row.template_id] += 1
            if row.start_time >= end - STAPLE_WINDOW:
                history.recent_sets[row.template_id] += 1
            if row.weight_kg and row.weight_kg > 0 and row.reps and row.reps > 0:
                loaded[row.template_id].append(
                    _Set(row.start_time, row.workout_id, row.weight_kg, row.reps, row.rpe)
                )
        history.loaded = dict(loaded)
        history.weekly_sets = _weekly_sets(work)
        return history

    @classmethod
    def from_e1rms(cls, e1rms: Mapping[str, float]) -> LifterHistory:
        """A history known only by e1RMs (what a coach tells Spotter, or a test)."""
        return cls(all_sets=Counter(dict.fromkeys(e1rms, 1)), e1rms=dict(e1rms))

    def after(self, previous: TrainingPlan, week: int) -> LifterHistory:
        """This history with the previous plan's last hard week up to `week` as evidence: its
        loads, and the misses its log left. Those are in the week after it (the weekly advance
        writes a week's misses into the next week's prescription, a deload week's too), so a
        lifter who missed in the block's last hard week carries that run, and a cut it brought,
        into the new block (TRAINING.md, "Misses": hold, then one cut; nothing stacks)."""
        hard = [w for w in previous.weeks if not w.deload and w.number <= week]
        if not hard:
            return self
        last = hard[-1]
        after = next(
            (w for w in previous.weeks if w.number == last.number + 1 and w.number <= week), None
        )
        following = {
            (day.key, ex.template_id): ex
            for day in (after.days if after else [])
            for ex in day.exercises
        }
        for day in last.days:
            for ex in day.exercises:
                nxt = following.get((day.key, ex.template_id))
                misses = nxt.misses if nxt is not None else ex.misses
                cut = None
                if (
                    nxt is not None
                    and misses > ex.misses
                    and misses % _threshold(ex) == 0
                    and nxt.load_kg is not None
                    and ex.load_kg is not None
                    and nxt.load_kg < ex.load_kg - 1e-6
                ):
                    cut = nxt.load_kg  # the cut (a deload week's: the larger reduction)
                self.planned[ex.template_id] = Planned(ex.load_kg, ex.reps, misses, cut)
        return self

    def loads(self) -> dict[str, list[float]]:
        """Every weighted working load logged, per exercise (what its grid is learned from)."""
        return {tid: [s.weight_kg for s in sets] for tid, sets in self.loaded.items()}

    def grid(self, template_id: str, equipment: str, profile: LoadingProfile) -> Grid:
        """The loads this lifter's kit takes on `template_id` (`steps`: dumbbells of 15, 17.5
        and 20 kg in the log give those, not 14 and 18)."""
        loads = [s.weight_kg for s in self.loaded.get(template_id, [])]
        return Grid.learned(loads, profile.units, equipment, profile)

    def trained(self, template_id: str) -> bool:
        return self.all_sets[template_id] > 0 or template_id in self.planned

    def favourites(self, among: set[str], count: int = 6) -> set[str]:
        """The `count` exercises of `among` with the most working sets in the last 12 weeks."""
        ranked = [tid for tid, _ in self.recent_sets.most_common() if tid in among]
        return set(ranked[:count])

    def staple_rank(self, template_id: str) -> tuple[int, int]:
        """Higher is more of a staple: sets in the last 12 weeks, then sets ever."""
        return self.recent_sets[template_id], self.all_sets[template_id]

    def comeback(self, template_id: str | None = None) -> Comeback:
        """Time off from today: since the last session, or, for `template_id` rested for a
        month or more while others were trained, since it was last done. (A two- or three-week
        gap in one exercise of a lifter who kept training is rotation, not a break.)"""
        if self.today is None:
            return FULL
        whole = comeback(self.end, self.today)
        sets = self.loaded.get(template_id or "")
        if not sets or self.end is None or self.end - sets[-1].at < OWN_CLOCK:
            return whole
        return comeback(sets[-1].at, self.today)

    def last_exposure(
        self, template_id: str, rep_low: int, rep_high: int, success_rpe: float | None = None
    ) -> Exposure | None:
        """The best working sets of the exercise's last hard week (a deload week — about half
        the sets per session, no heavier — gives way to the week before it), read in the
        prescribed range itself: the heaviest load done for `rep_low`…`rep_high` that week (up
        to 2 more reps say the load is light; fewer are another range's work), else in the
        latest of its last `EXPOSURES` sessions with such work — a heavier low-rep day
        (5 × 100 kg before an 8–12 block) does not set the start, and a load cut after misses
        stays cut. Without such work, the week's heaviest set (its e1RM serves).

        `success_rpe` (a top set, whose start is an e1RM): only sets that made `rep_low` reps
        below `success_rpe` + RPE_HOLD (reps alone where no RPE was logged) count, from the
        last hard week back over the last 12 weeks — a failed single at RPE 10 is a miss the
        plan already held or cut for, not a new e1RM to cut again from ("Misses": no stacked
        reductions)."""
        weeks = _weeks(self.loaded.get(template_id, []))
        if not weeks:
            return None
        chosen = _last_hard_week(weeks)
        week = weeks[chosen]
        done = [s for w in weeks[: chosen + 1] for s in w]
        in_range = [s for s in done if rep_low <= s.reps <= rep_high + _above(rep_high)]
        if success_rpe is not None:
            since = week[-1].at - STAPLE_WINDOW
            made = [
                s
                for s in in_range
                if s.at >= since and (s.rpe is None or s.rpe < success_rpe + RPE_HOLD)
            ]
            if made:  # its latest week with such sets: those alone are the exposure (the
                # heaviest of them sets it: a lighter day's 165 × 5 is not the 185 × 3 top set)
                latest = made[-1].at.isocalendar()[:2]
                done = week = in_range = [s for s in made if s.at.isocalendar()[:2] == latest]
        matched = [s for s in in_range if s in week]
        if not matched:  # none that week: the latest of its last sessions with such work
            sessions = list(dict.fromkeys(s.session for s in reversed(done)))[:EXPOSURES]
            latest = next((x for x in sessions if any(s.session == x for s in in_range)), None)
            matched = [s for s in in_range if s.session == latest]
        top = max(matched or week, key=lambda s: (s.weight_kg, s.at, s.reps))
        at_top = [
            s for s in done if s.session == top.session and abs(s.weight_kg - top.weight_kg) < 1e-6
        ]
        rpes = [s.rpe for s in at_top if s.rpe is not None]
        estimable = [s for s in week if s.reps <= 12] or week  # Epley is poor above ~12 reps
        return Exposure(
            at=top.at,
            kg=top.weight_kg,
            reps=min(s.reps for s in at_top),
            typical=sorted(s.reps for s in at_top)[(len(at_top) - 1) // 2],
            sets=len(at_top),
            rpe=max(rpes, default=None),
            e1rm=max(epley(s.weight_kg, s.reps) for s in estimable),
            each=tuple(s.reps for s in at_top),
        )

    def working_load(
        self, template_id: str, rep_low: int, rep_high: int, rpe: float, top_set: bool = False
    ) -> WorkingLoad | None:
        """Where the exercise starts for `rep_low`–`rep_high` reps at `rpe`, or None without
        history. `top_set`: an RPE top set, loaded from the current e1RM."""
        back = self.comeback(template_id)
        tid = template_id
        exposure = self.last_exposure(tid, rep_low, rep_high, rpe if top_set else None)
        planned = self.planned.get(template_id)
        if exposure is None:
            if planned is not None and planned.kg:
                return WorkingLoad(planned.kg, "plan", False, None, None, back)
            e1rm = self.e1rms.get(template_id)
            if e1rm is None:
                return None
            return WorkingLoad(load_for(e1rm, rep_low, rpe), "e1rm", False, None, None, back)
        if planned is not None and planned.misses and planned.cap:
            # The last plan was holding this load after misses, or had cut it: not above it,
            # and the run of misses goes on. A week that missed the range is no exposure to
            # re-estimate from: its e1RM on top of the hold or cut would stack the reductions.
            cap, cut = planned.cap, planned.cut_kg is not None
            if exposure.typical < rep_low and not top_set:
                return WorkingLoad(
                    cap, "plan", False, None, exposure, back, True, planned.misses, cut
                )
            start = _from_exposure(exposure, rep_low, rep_high, rpe, top_set, back)
            kg = min(start.kg, cap)
            return WorkingLoad(
                kg, start.source, False, start.reps, exposure, back, True, planned.misses,
                cut and kg == cap,
            )  # fmt: skip
        run = None if top_set else self._missed_run(tid, rep_low)
        if run is not None:  # the log alone: hold, then one cut (as the weekly advance does)
            kg, misses, cut_before = run  # the cut is taken on the lifter's grid (`cut_due`)
            cut = misses >= CUT_AFTER and not cut_before  # once: a cut in the run stands
            return WorkingLoad(kg, "last", False, None, exposure, back, True, misses, cut, True)
        return _from_exposure(exposure, rep_low, rep_high, rpe, top_set, back)

    def _missed_run(self, template_id: str, rep_low: int) -> tuple[float, int, bool] | None:
        """The load and length in sessions of the run of missed hard weeks (a set at the
        week's top load short of `rep_low`) the exercise's log ends with, when an earlier week
        of the last 12 made `rep_low`: the lifter was working in this range and missed, so the
        start is the last week's load held, or cut once (TRAINING.md, "Misses"), not the bad
        weeks' e1RM; and whether the run was cut already (missed at a heavier load before
        the latest: the plan's cut, which stands — no second one on top). None: no such run
        (another rep scheme altogether: its e1RM serves)."""
        weeks = _weeks(self.loaded.get(template_id, []))
        if not weeks:
            return None
        chosen = _last_hard_week(weeks)
        since = weeks[chosen][-1].at - STAPLE_WINDOW
        sessions: dict[str, list[_Set]] = {}
        for s in (s for week in weeks[: chosen + 1] for s in week if s.at >= since):
            sessions.setdefault(s.session, []).append(s)
        load = None
        near = [
            # sets far below the range are another scheme's (a heavy triple), not its misses
            [s for s in sets if s.reps >= rep_low - REP_MATCH]
            for sets in sessions.values()
        ]
        oldest = 0.0
        for run, sets in enumerate(reversed([x for x in near if x])):
            top = max(s.weight_kg for s in sets)
            # A rep miss is a set below the range at the load (TRAINING.md, "Reading a logged
            # session"): 8/8/6 at 50 lb in an 8–12 range is a missed session, not a made one.
            if all(s.reps >= rep_low for s in sets if abs(s.weight_kg - top) < 1e-6):
                # cut already: the run began heavier than it ends (not a session written a
                # step ahead in between: 60, 65, 60, 60 was held at 60, never cut)
                return (load, run, oldest > load + 1e-6) if load is not None else None
            if load is not None and top < load - 1e-6:
                return None  # misses at a lighter load before: not one run
            load = top if load is None else load  # the load the run ends at, held
            oldest = top
        return None  # (`run`: counted in sessions, a lift trained twice a week misses twice)


def _threshold(ex: PlannedExercise) -> int:
    """The misses in a row that bring the exercise's one cut (its model's)."""
    model = ex.progression
    if isinstance(model, LinearProgression):
        return model.failures_before_deload
    if model is not None:
        return model.misses_before_deload
    return 3


def _from_exposure(
    e: Exposure, low: int, high: int, rpe: float, top_set: bool, back: Comeback
) -> WorkingLoad:
    """The new range's start from the last hard week: the same load with the climb going on,
    one step heavier from the range's top, or the e1RM's load far from these reps."""
    if top_set and (top := estimate(e.kg, e.reps, e.rpe if e.rpe is not None else rpe)):
        # One estimator for the series, as the weekly advance reads a top set (RTS, the target
        # RPE when none was logged): the same top set gives back the same load, not ~6 % less;
        # one done as prescribed (its reps at or under the target RPE) progresses by the
        # smallest step, as it would have within the block (TRAINING.md, "Reading a logged
        # session"), so a block change does not cost a week.
        made = e.reps >= low and (e.rpe is None or e.rpe < rpe + RPE_HOLD)
        kg = load_for(top.value, low, rpe)
        return WorkingLoad(max(kg, e.kg) if made else kg, "e1rm", made, None, e, back)
    if top_set or not low - 1 <= e.typical <= high + _above(high):
        return WorkingLoad(load_for(e.e1rm, low, rpe), "e1rm", False, None, e, back)
    if e.rpe is not None and e.rpe >= rpe + RPE_HOLD:  # hard work: the same load, same reps
        return WorkingLoad(e.kg, "last", False, min(max(e.reps, low), high), e, back)
    top = high - 1 if high > low else high
    if e.reps >= top:
        return WorkingLoad(e.kg, "last", True, None, e, back)
    return WorkingLoad(e.kg, "last", False, min(max(e.reps + 1, low), high), e, back)


def _weekly_sets(work: list[SetRow], weeks: int = RAMP_WEEKS) -> dict[str, float]:
    """Working sets per exercise in an average one of the last `weeks` ISO weeks trained."""
    by_week: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for row in work:
        by_week[row.start_time.isocalendar()[:2]][row.template_id] += 1
    last = sorted(by_week)[-weeks:]
    total: Counter[str] = Counter()
    for key in last:
        total.update(by_week[key])
    return {tid: count / len(last) for tid, count in total.items()}


def _weeks(sets: list[_Set]) -> list[list[_Set]]:
    """An exercise's sets by calendar week (ISO, UTC), oldest first."""
    weeks: dict[tuple[int, int], list[_Set]] = defaultdict(list)
    for s in sets:
        year, week, _ = s.at.isocalendar()
        weeks[(year, week)].append(s)
    return [weeks[k] for k in sorted(weeks)]


def _last_hard_week(weeks: list[list[_Set]]) -> int:
    """The index of the last week that was not a deload (the newest week when all were)."""
    chosen = len(weeks) - 1
    while chosen > 0 and _is_deload(weeks[chosen], weeks[chosen - 1]):
        chosen -= 1
    return chosen


def _is_deload(week: list[_Set], before: list[_Set]) -> bool:
    def per_session(sets: list[_Set]) -> float:
        return len(sets) / len({s.session for s in sets})

    return (
        per_session(week) <= DELOAD_SETS * per_session(before)
        and max(s.weight_kg for s in week) <= max(s.weight_kg for s in before) + 1e-6
    )
