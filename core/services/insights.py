"""What a lifter's log says: the engine's analytics over one user's stored data.

Commands, the coach's tools and the demo all read through here, so a number shown anywhere is
computed once, the same way. The engine's work runs in a worker thread (`asyncio.to_thread`):
a lifter with years of sets, or a name typed oddly, never holds up the other lifters' replies.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.engine.e1rm import Formula
from core.engine.lifter import LifterHistory
from core.engine.names import Trained, find_exercises, resolve_exercise
from core.engine.patterns import detect_stall
from core.engine.periods import Bucket, week_window
from core.engine.records import (
    BestSet,
    PersonalRecords,
    RepPR,
    all_time_prs,
    best_e1rm_by_period,
    rep_prs,
    working,
)
from core.engine.volume import MuscleVolume, against_bands, hard_sets, tonnage
from core.errors import SpotterError
from core.models import ExerciseTemplate, LoggedSet, SetRow, User, Workout, utcnow
from core.ports import Store
from core.services.catalogue import user_catalogue


class UnknownUser(SpotterError):
    user_message = "I don't know you yet. Send /start first."


class UnknownExercise(SpotterError):
    """No exercise matched, or several did: `choices` says which."""

    def __init__(self, query: str, choices: list[ExerciseTemplate]) -> None:
        self.query = query
        self.choices = choices
        if choices:
            names = ", ".join(t.title for t in choices)
            super().__init__(f"'{query}' could mean: {names}")
        else:
            super().__init__(f"no exercise in your catalogue matches '{query}'")


@dataclass
class Progress:
    template: ExerciseTemplate
    by_period: dict[str, BestSet]
    records: PersonalRecords | None
    stalled_since: datetime | None


@dataclass
class Summary:
    start: datetime
    end: datetime
    sessions: int
    working_sets: int
    tonnage_kg: float
    top_exercises: list[tuple[ExerciseTemplate | None, str, int]]  # template, id, sets
    sets_per_muscle: dict[str, float]
    rep_prs: list[RepPR] = field(default_factory=list)


@dataclass
class PrReport:
    """Records as a lifter reads them: their main lifts, and what was new in a window."""

    lifts: list[tuple[PersonalRecords, int]]  # most-trained lifts lately, with session counts
    rep_prs: list[RepPR]  # beaten rep records in the window, in date order
    new_exercises: list[tuple[str, datetime]]  # first ever sessions in the window: not PRs
    habit_weeks: int


@dataclass(frozen=True)
class _Derived:
    """What every PR question needs from a user's whole log, for one version of that log."""

    version: int
    records: dict[str, PersonalRecords]
    rep_prs: list[RepPR]  # every rep-PR, in date order
    first_seen: dict[str, datetime]  # each exercise's first working set
    last_at: datetime | None  # the last working set logged
    trained: dict[str, Trained]  # each exercise's sessions and last one: what names resolve to


def _derive(version: int, rows: list[LoggedSet]) -> _Derived:
    work = working(rows)
    first_seen: dict[str, datetime] = {}
    sessions: dict[str, set[str]] = {}
    last: dict[str, datetime] = {}
    for row in work:
        tid, at = row.template_id, row.start_time
        ids = sessions.get(tid)
        if ids is None:
            first_seen[tid] = last[tid] = at
            sessions[tid] = ids = set()
        elif at > last[tid]:
            last[tid] = at
        ids.add(row.workout_id)
    return _Derived(
        version,
        all_time_prs(work),
        rep_prs(work),
        first_seen,
        work[-1].start_time if work else None,
        {tid: Trained(len(ids), last[tid]) for tid, ids in sessions.items()},
    )


class Insights:
    """Read-only questions about one user's training, answered by the engine.

    Records and rep-PRs need the whole log; they are derived once per version of it (the store
    bumps the version on every change) and kept for the most recently asked-about users, and
    `warm` derives them right after a sync so the lifter's next question finds them ready.
    """

    DERIVED_USERS = 256

    def __init__(self, store: Store) -> None:
        self._store = store
        self._derived: OrderedDict[int, _Derived] = OrderedDict()

    async def _records_and_prs(self, user_id: int) -> _Derived:
        version = await self._store.workouts.version(user_id)
        held = self._derived.get(user_id)
        if held is not None and held.version == version:
            self._derived.move_to_end(user_id)
            return held
        rows = await self._store.workouts.logged_sets(user_id)
        derived = await asyncio.to_thread(_derive, version, rows)
        self._derived[user_id] = derived
        while len(self._derived) > self.DERIVED_USERS:
            self._derived.popitem(last=False)
        return derived

    async def warm(self, user_id: int) -> None:
        """Derive the user's records now (after a sync changed their log)."""
        await self._records_and_prs(user_id)

    async def user(self, user_id: int) -> User:
        user = await self._store.users.get(user_id)
        if user is None:
            raise UnknownUser(f"user {user_id} is not known")
        return user

    async def catalogue(self, user_id: int) -> dict[str, ExerciseTemplate]:
        return await user_catalogue(self._store, user_id)

    async def trained(self, user_id: int) -> dict[str, Trained]:
        """Per exercise the lifter has logged: sessions with working sets, and the last one."""
        return (await self._records_and_prs(user_id)).trained

    async def find(self, user_id: int, query: str, limit: int = 10) -> list[ExerciseTemplate]:
        """Exercises matching `query`: the lifter's logged ones first, then the catalogue."""
        catalogue = await self.catalogue(user_id)
        trained = await self.trained(user_id)
        found = await asyncio.to_thread(find_exercises, query, catalogue.values(), trained, limit)
        return [m.template for m in found]

    async def resolve(
        self, user_id: int, query: str, among: set[str] | None = None
    ) -> ExerciseTemplate:
        """The exercise `query` names, among the lifter's logged exercises first, then the
        catalogue (or only the exercises `among`, e.g. a plan's); UnknownExercise with the
        choices when it is unclear."""
        catalogue = await self.catalogue(user_id)
        if among is not None:
            catalogue = {tid: t for tid, t in catalogue.items() if tid in among}
        trained = await self.trained(user_id)
        found, choices = await asyncio.to_thread(
            resolve_exercise, query, catalogue.values(), trained
        )
        if found is None:
            raise UnknownExercise(query, choices)
        return found

    async def progress(
        self,
        user_id: int,
        query: str,
        bucket: Bucket = "month",
        formula: Formula = "auto",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Progress:
        template = await self.resolve(user_id, query)
        user = await self.user(user_id)
        rows = await self._store.workouts.sets(user_id, start, end, template_id=template.id)

        def compute() -> Progress:
            stall = detect_stall(rows, template.id, end or utcnow())
            return Progress(
                template=template,
                by_period=best_e1rm_by_period(rows, template.id, bucket, formula, user.timezone),
                records=all_time_prs(rows, formula).get(template.id),
                stalled_since=stall.since if stall else None,
            )

        return await asyncio.to_thread(compute)

    async def records(self, user_id: int) -> dict[str, PersonalRecords]:
        return (await self._records_and_prs(user_id)).records

    async def pr_report(
        self, user_id: int, since: datetime, habit_weeks: int = 12, limit: int = 8
    ) -> PrReport:
        """The lifts trained in the most sessions over the `habit_weeks` before the last one
        logged (so machines with big numbers don't crowd out the main lifts), each with its
        heaviest set and best e1RM; rep-PRs beaten since `since`; exercises new since then."""
        derived = await self._records_and_prs(user_id)
        habit_since = (derived.last_at or utcnow()) - timedelta(weeks=habit_weeks)
        recent = await self._store.workouts.sets(user_id, start=habit_since)

        def compute() -> PrReport:
            loaded = [r for r in working(recent) if r.weight_kg and r.reps]
            sessions = Counter(tid for tid, _ in {(r.template_id, r.workout_id) for r in loaded})
            latest = {r.template_id: r.start_time for r in loaded}  # rows are in training order
            # Most sessions first; among equals, the one trained most recently.
            ranked = sorted(sessions.items(), key=lambda kv: (-kv[1], -latest[kv[0]].timestamp()))
            records = derived.records
            lifts = [(records[tid], n) for tid, n in ranked if tid in records][:limit]
            beaten = _undominated(
                [p for p in derived.rep_prs if p.at >= since and p.previous_kg is not None]
            )
            new = sorted(
                ((t, at) for t, at in derived.first_seen.items() if at >= since),
                key=lambda x: x[1],
            )
            return PrReport(lifts, beaten, new, habit_weeks)

        return await asyncio.to_thread(compute)

    async def rep_prs(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[RepPR]:
        """Rep-PRs set within the window (judged against the whole history before them)."""
        found = (await self._records_and_prs(user_id)).rep_prs
        return [
            p for p in found if (start is None or p.at >= start) and (end is None or p.at < end)
        ]

    async def week(
        self, user_id: int, monday: date, expected: Mapping[str, float] | None = None
    ) -> list[MuscleVolume]:
        """Hard sets per muscle in one ISO week, next to the user's bands (and, for a week in
        progress, against the sets `expected` by now)."""
        user = await self.user(user_id)
        start, end = week_window(monday, user.timezone)
        rows = await self._store.workouts.sets(user_id, start, end)
        sets = await asyncio.to_thread(hard_sets, rows, await self.catalogue(user_id))
        return against_bands(sets, user.preferences.level, expected)

    async def summary(self, user_id: int, start: datetime, end: datetime) -> Summary:
        rows = await self._store.workouts.sets(user_id, start, end)
        catalogue = await self.catalogue(user_id)
        work = working(rows)
        per_exercise = Counter(r.template_id for r in work)
        weeks = max(1.0, (end - start) / timedelta(weeks=1))
        return Summary(
            start=start,
            end=end,
            sessions=len({r.workout_id for r in rows}),
            working_sets=len(work),
            tonnage_kg=sum(tonnage(rows, "exercise").values()),
            top_exercises=[(catalogue.get(t), t, n) for t, n in per_exercise.most_common(8)],
            sets_per_muscle={
                m: round(s / weeks, 1) for m, s in sorted(hard_sets(rows, catalogue).items())
            },
            rep_prs=await self.rep_prs(user_id, start, end),
        )

    async def workouts(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        return await self._store.workouts.list(user_id, start, end)

    async def workout(self, user_id: int, workout_id: str) -> Workout | None:
        return await self._store.workouts.get(user_id, workout_id)

    async def lifter_history(self, user_id: int) -> LifterHistory:
        """The lifter's log as plans read it today: staples, each exercise's last hard week and
        the time off since."""
        rows: list[SetRow] = await self._store.workouts.sets(user_id)
        return await asyncio.to_thread(LifterHistory.from_rows, rows, utcnow())


def _undominated(prs: list[RepPR]) -> list[RepPR]:
    """Rep-PRs minus those another PR of the same exercise on the same day covers (as heavy or
    heavier, for as many reps or more): 40 × 12 says all that 40 × 8 would."""
    kept = []
    for p in prs:
        day = p.at.date()
        covered = any(
            q is not p
            and q.template_id == p.template_id
            and q.at.date() == day
            and q.weight_kg >= p.weight_kg
            and q.reps >= p.reps
            for q in prs
        )
        if not covered:
            kept.append(p)
    return kept
