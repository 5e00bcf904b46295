"""The readiness check-in: on a training day the lifter says how much time they have and how it
feels; today's session is fitted to that (core/engine/readiness.py) and, with Hevy linked,
today's routine is updated in place so the lifter sees it when they open Hevy.

Only today changes: the plan's week stays as written (the weekly advance writes the next week
from it), and the fitted session is kept on the plan so progression reads that day's log
against what was asked that day. No answer means the plan as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from core.engine.plan import PlanDay, TrainingPlan
from core.engine.readiness import Adjusted, Answer, adjust_session
from core.engine.steps import Grid
from core.models import ExerciseTemplate, Plan, PlanStatus, TodaySession, Units, utcnow
from core.ports import Store
from core.services.catalogue import user_catalogue
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter
from core.services.plan_loop import HISTORY, loads_by_exercise
from core.services.plan_writer import routine_for
from core.services.user_lease import UserLeases

WRITTEN = (PlanStatus.IN_HEVY, PlanStatus.ACTIVE)  # the plan's routines are in Hevy
LIVE = (*WRITTEN, PlanStatus.APPROVED)
ANSWER_WAIT_SECONDS = 10.0  # an answer waits this long for a sync of the same lifter


@dataclass(frozen=True, slots=True)
class TrainingDay:
    """Today's session in the plan: the plan's day and, when the check-in fitted it, that."""

    plan: Plan
    day: PlanDay
    fitted: TodaySession | None = None

    @property
    def session(self) -> PlanDay:
        """What the lifter trains today: the fitted session, else the plan's."""
        return PlanDay.model_validate(self.fitted.day) if self.fitted else self.day

    @property
    def answer(self) -> Answer:
        """The answer today's session was fitted to (none yet: `Answer()`, the plan as written)."""
        return answer_of(self.fitted)

    def said(self) -> str | None:
        """What the check-in fitted today, as one line (`Today: 4 of 6 lifts, ~8 % lighter.`);
        None before an answer that changed anything."""
        return f"Today: {self.fitted.summary}." if self.fitted else None


@dataclass(frozen=True, slots=True)
class Fitted:
    adjusted: Adjusted
    day: PlanDay  # the plan's day
    in_hevy: bool  # today's routine was updated in Hevy

    def line(self) -> str:
        """`Today: 4 of 6 lifts, ~8 % lighter; Hevy's “Upper A” is updated.`"""
        hevy = f"; Hevy's “{self.day.name}” is updated" if self.in_hevy else ""
        if not self.adjusted.changed:
            hevy = f"; Hevy's “{self.day.name}” is as planned" if self.in_hevy else ""
        return f"Today: {self.adjusted.summary()}{hevy}."


def answer_code(answer: Answer) -> str:
    """The taps as one short string (`half,tired`, `all,hurts:knee`)."""
    area = f":{answer.area}" if answer.feel == "hurts" and answer.area else ""
    return f"{answer.time},{answer.feel}{area}"


def answer_of(fitted: TodaySession | None) -> Answer:
    """The answer a fitted session was made from, read back from `answer_code` (no answer yet:
    `Answer()`)."""
    if fitted is None:
        return Answer()
    time, _, feel = fitted.answer.partition(",")
    feel, _, area = feel.partition(":")
    return Answer(time, feel, area or None)  # type: ignore[arg-type]


class CheckIns:
    def __init__(
        self,
        store: Store,
        accounts: HevyAccounts | None,
        writer: HevyWriter,
        leases: UserLeases,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._writer = writer
        self._leases = leases

    async def training_day(self, user_id: int, on: date) -> TrainingDay | None:
        """The live plan's session on `on` (its weekday), or None on a rest day / with no plan."""
        plans = await self._store.plans.list(user_id)
        plan = next((p for p in plans if p.status in LIVE), None)
        if plan is None:
            return None
        training = TrainingPlan.model_validate(plan.body)
        week = next((w for w in training.weeks if w.number == plan.week), training.weeks[-1])
        day = next((d for d in week.days if d.weekday == on.isoweekday()), None)
        if day is None:
            return None
        fitted = next(
            (t for t in plan.today if t.on == on and t.day_key == day.key and t.week == plan.week),
            None,
        )
        return TrainingDay(plan, day, fitted)

    async def answer(self, user_id: int, on: date, answer: Answer) -> Fitted | None:
        """Fit `on`'s session to `answer`, keep it on the plan and, with Hevy linked, put it in
        today's routine (in place). An as-planned answer puts the plan's session back. None on
        a rest day."""
        async with self._leases.hold(user_id, wait=ANSWER_WAIT_SECONDS):
            found = await self.training_day(user_id, on)
            if found is None:
                return None
            plan, day = found.plan, found.day
            user = await self._store.users.get(user_id)
            units = user.units if user else Units.KG
            catalogue = await user_catalogue(self._store, user_id)
            now = utcnow()
            history = sorted(
                await self._store.workouts.list(user_id, now - HISTORY, now),
                key=lambda w: w.start_time,
            )
            loads = loads_by_exercise(history)
            grids = {
                tid: Grid.learned(
                    loads.get(tid, []),
                    units,
                    catalogue[tid].equipment if tid in catalogue else "other",
                )
                for tid in {*loads, *(ex.template_id for ex in day.exercises)}
            }
            adjusted = adjust_session(
                day,
                answer,
                catalogue,
                grids,
                equipment=user.preferences.equipment if user else (),
                recent_loads={tid: values[-1] for tid, values in loads.items() if values},
            )
            mine = [t for t in plan.today if t.week == plan.week]
            before = next((t for t in mine if t.on == on and t.day_key == day.key), None)
            kept = [t for t in mine if t is not before]
            if adjusted.changed:
                kept.append(
                    TodaySession(
                        on=on,
                        week=plan.week,
                        day_key=day.key,
                        answer=answer_code(answer),
                        summary=adjusted.summary(),
                        day=adjusted.day.model_dump(mode="json"),
                    )
                )
            in_hevy = (
                plan.status in WRITTEN
                and self._accounts is not None
                and await self._store.credentials.get(user_id) is not None
            )
            # The same answer again (a double tap) changes nothing: no second write to Hevy. Hevy
            # is written before the plan is stored, so a stored answer is one Hevy already has.
            unchanged = before.answer == answer_code(answer) if before else not adjusted.changed
            if unchanged:
                return Fitted(adjusted, day, in_hevy)
            plan = plan.model_copy(update={"today": kept, "updated_at": utcnow()})
            if in_hevy:
                await self._write(user_id, plan, adjusted.day, units, catalogue)
            await self._store.plans.put(plan)
            return Fitted(adjusted, day, in_hevy)

    async def _write(
        self,
        user_id: int,
        plan: Plan,
        session: PlanDay,
        units: Units,
        catalogue: Mapping[str, ExerciseTemplate],
    ) -> None:
        """Today's routine replaced in place (PUT): the same slot, title and folder."""
        training = TrainingPlan.model_validate(plan.body)
        label = f"Week {plan.week} of {len(training.weeks)}, fitted to today"
        assert self._accounts is not None
        client = await self._accounts.client_for(user_id)
        folder_id = await self._writer.ensure_folder(user_id, client)
        routine = routine_for(session, label, folder_id, catalogue, units)
        await self._writer.put_routine(user_id, client, session.key, routine)
