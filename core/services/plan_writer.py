"""Approved plans go into Hevy: one Spotter folder, one routine per training day.

Routines are created once per day slot and updated in place afterwards (HevyWriter makes both
idempotent). Routine sets carry no RPE in Hevy, so targets and rep ranges go into the exercise
notes, with a concrete rep target on each set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core import failpoints
from core.engine.loads import LoadingProfile
from core.engine.plan import PlanDay, TrainingPlan, set_loads
from core.engine.plan_text import hevy_notes, prescription
from core.engine.prescription import warmups
from core.errors import SpotterError
from core.hevy.models import RepRange, RoutineExerciseWrite, RoutineSetWrite, RoutineWrite
from core.models import ExerciseTemplate, Plan, PlanStatus, SetType, Units, utcnow
from core.ports import Store
from core.services.catalogue import user_catalogue
from core.services.hevy_accounts import HevyAccounts
from core.services.hevy_writes import HevyWriter, WriteResult
from core.services.plans import LIVE, is_stale
from core.services.user_lease import UserLeases, ensure_user

ROUTINE_PREFIX = "Spotter · "
APPROVE_WAIT_SECONDS = 20.0  # how long an approval waits for a sync of the same user to finish


class PlanNotFound(SpotterError):
    user_message = "That plan is gone; send /plan for a fresh one."


class PlanCancelled(PlanNotFound):
    """The draft was cancelled (a Cancel tapped elsewhere) before it could be approved."""

    said = "That plan was cancelled, so nothing went to Hevy"  # the Mini App's words too
    user_message = f"{said}; send /plan for a fresh one."


class StaleDraft(SpotterError):
    """The draft was made under settings the lifter has changed since: it is not written."""

    user_message = "Your settings changed after this plan was made, so a newer plan replaces it."


def where_approved(plan: Plan, linked: bool) -> str:
    """Where an approved plan is, as is true for this lifter: in Hevy, on its way there, or
    (with no Hevy link) in Spotter alone."""
    if plan.status in (PlanStatus.IN_HEVY, PlanStatus.ACTIVE):
        return "it's in your Spotter folder in Hevy."
    if linked:
        return "it's being written to Hevy now."
    return "with no Hevy link it lives here in Spotter."


@dataclass
class Written:
    plan: Plan
    routines: dict[str, WriteResult]
    already: bool = False  # approved before (a double tap, another process): nothing written

    @property
    def recreated(self) -> list[str]:
        return [key for key, r in self.routines.items() if r.recreated]


def routine_title(day: PlanDay) -> str:
    return f"{ROUTINE_PREFIX}{day.name}"


def routine_for(
    day: PlanDay,
    week_label: str,
    folder_id: int | None,
    catalogue: Mapping[str, ExerciseTemplate],
    units: Units,
) -> RoutineWrite:
    """The Hevy routine for one plan day (loads converted to kg exactly once, already rounded)."""
    profile = LoadingProfile.for_units(units)
    exercises = []
    for ex in day.exercises:
        equipment = catalogue[ex.template_id].equipment if ex.template_id in catalogue else "other"
        sets = []
        # Below the working load always; "your pick" ramps from the empty bar.
        for kg, reps in warmups(ex.load_kg, ex.warmup_sets, equipment, profile):
            sets.append(RoutineSetWrite(type=SetType.WARMUP, weight_kg=kg, reps=reps))
        rep_range = (
            RepRange(start=ex.rep_low, end=ex.rep_high)
            if ex.rep_low and ex.rep_high and ex.rep_low < ex.rep_high
            else None
        )
        loads = set_loads(ex, equipment, profile)
        sets += [
            RoutineSetWrite(weight_kg=load, reps=ex.reps, rep_range=rep_range) for load in loads
        ]
        exercises.append(
            RoutineExerciseWrite(
                exercise_template_id=ex.template_id,
                superset_id=ex.superset,
                rest_seconds=ex.rest_seconds,
                notes=hevy_notes(prescription(ex, catalogue.get(ex.template_id), units)),
                sets=sets,
            )
        )
    return RoutineWrite(
        title=routine_title(day),
        folder_id=folder_id,
        notes=f"{week_label}. Planned by Spotter; log it as usual.",
        exercises=exercises,
    )


class PlanWriter:
    """Puts a plan's current week into Hevy and keeps the plan's status honest.

    Every write runs under the user's lease: two processes approving the same plan at once
    write one folder and one routine per day, one after the other.
    """

    def __init__(
        self,
        store: Store,
        accounts: HevyAccounts,
        writer: HevyWriter,
        leases: UserLeases | None = None,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._writer = writer
        self.leases = leases or UserLeases(store)

    async def approve(
        self, user_id: int, plan_id: str, wait: float = APPROVE_WAIT_SECONDS
    ) -> Written:
        """The lifter approved `plan_id`: record it, then write its current week to Hevy (with
        no Hevy link, nothing is written and the plan is followed in Spotter).

        UserBusy when a sync or another write keeps the user's lease for longer than `wait`.
        """
        async with self.leases.hold(user_id, wait=wait):
            return await self._approve(user_id, plan_id)

    async def _approve(self, user_id: int, plan_id: str) -> Written:
        plan = await self._store.plans.get(user_id, plan_id)
        if plan is None:
            raise PlanNotFound(f"plan {plan_id} of user {user_id}")
        if plan.status in (PlanStatus.IN_HEVY, PlanStatus.ACTIVE):
            return Written(plan, {}, already=True)  # written already: a second tap changes nothing
        user = await self._store.users.get(user_id)
        # Before "gone": a draft superseded by a settings change says why it cannot be approved.
        if user is not None and is_stale(plan, user):
            raise StaleDraft(f"plan {plan_id} of user {user_id} was made under other settings")
        if plan.status == PlanStatus.CANCELLED:
            raise PlanCancelled(f"plan {plan_id} of user {user_id} was cancelled")
        if plan.status == PlanStatus.FINISHED:
            raise PlanNotFound(f"plan {plan_id} of user {user_id}")
        if plan.status == PlanStatus.DRAFT:
            # From DRAFT only: a Cancel that landed since the read wins, and nothing is written.
            approved = await self._store.plans.update(
                user_id, plan_id, {PlanStatus.DRAFT}, {"status": PlanStatus.APPROVED}, utcnow()
            )
            if approved is None:
                raise PlanCancelled(f"plan {plan_id} of user {user_id} was cancelled meanwhile")
            plan = approved
            failpoints.reach("approve.after_status")
            for other in await self._store.plans.list(user_id):
                if other.id != plan.id and other.status in (*LIVE, PlanStatus.DRAFT):
                    await self._store.plans.update(
                        user_id,
                        other.id,
                        {other.status},
                        {"status": PlanStatus.CANCELLED},
                        utcnow(),
                    )
            failpoints.reach("approve.after_others")
        if await self._store.credentials.get(user_id) is None:
            # No Hevy link (a lifter who imports CSV exports): the plan lives in Spotter alone.
            if plan.started_at is None:
                plan = plan.model_copy(
                    update={
                        "started_at": utcnow(),
                        "notified_week": plan.week,
                        "updated_at": utcnow(),
                    }
                )
                await self._store.plans.put(plan)
            return Written(plan, {})
        return await self.write_week(user_id, plan)

    async def write_week(self, user_id: int, plan: Plan) -> Written:
        """Create or update the routines for the plan's current week (under the user's lease)."""
        async with self.leases.hold(user_id):
            return await self._write_week(user_id, plan)

    async def _write_week(self, user_id: int, plan: Plan) -> Written:
        await ensure_user(self._store, user_id)
        user = await self._store.users.get(user_id)
        catalogue = await user_catalogue(self._store, user_id)
        training = TrainingPlan.model_validate(plan.body)
        week = next((w for w in training.weeks if w.number == plan.week), training.weeks[-1])
        client = await self._accounts.client_for(user_id)
        folder_id = await self._writer.ensure_folder(user_id, client)
        failpoints.reach("write_week.after_folder")
        label = f"Week {week.number} of {len(training.weeks)}" + (
            " (deload)" if week.deload else ""
        )
        results = {}
        for day in week.days:
            routine = routine_for(
                day, label, folder_id, catalogue, user.units if user else Units.KG
            )
            results[day.key] = await self._writer.put_routine(user_id, client, day.key, routine)
            failpoints.reach("write_week.after_day")
        if plan.status == PlanStatus.APPROVED:
            plan = plan.model_copy(
                update={
                    "status": PlanStatus.IN_HEVY,
                    "started_at": plan.started_at or utcnow(),
                    "hevy_week": plan.week,
                    "notified_week": plan.week,  # the chat said so when the lifter approved
                    "updated_at": utcnow(),
                }
            )
            await self._store.plans.put(plan)
            failpoints.reach("write_week.after_status")
        return Written(plan, results)
