"""Plans as the lifter sees them: proposed by the engine, kept as drafts, read back as current.

Nothing here writes to Hevy: a proposal is a draft until the lifter approves it in the chat.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.engine.adherence import Adherence, adherence
from core.engine.catalogue import is_local
from core.engine.generator import PlanInfeasible, Split, generate_plan
from core.engine.loads import LoadingProfile, round_load
from core.engine.periods import day_start, local, week_start, week_window
from core.engine.plan import PlanDay, PlanWeek, TrainingPlan
from core.engine.plan_text import describe_plan
from core.engine.validator import Violation, errors, validate, week_sets_per_muscle
from core.engine.volume import MuscleVolume
from core.errors import SpotterError
from core.models import (
    ExerciseTemplate,
    Plan,
    PlanStatus,
    Preferences,
    User,
    plan_settings,
    utcnow,
)
from core.ports import Store
from core.services.insights import Insights
from core.services.user_lease import keep_unless_erased

LIVE = (PlanStatus.ACTIVE, PlanStatus.IN_HEVY, PlanStatus.APPROVED)


class NoCatalogue(SpotterError):
    user_message = "I need your exercise list from Hevy first: link your account with /connect."


class PlanRequest(BaseModel):
    """What the lifter asked to change for this plan (unset fields keep their preferences)."""

    model_config = ConfigDict(extra="forbid")

    days_per_week: int | None = Field(default=None, ge=2, le=6)
    session_minutes: int | None = Field(default=None, ge=20, le=180)
    goal: Literal["strength", "hypertrophy", "general"] | None = None
    split: Split | None = None
    focus_muscles: list[str] | None = None


class PlanChange(BaseModel):
    """One edit to the draft: swap an exercise, or change its sets."""

    model_config = ConfigDict(extra="forbid")

    day: str = Field(description="day key, e.g. day-1")
    exercise_id: str
    replace_with: str | None = None
    sets: int | None = Field(default=None, ge=1, le=6)


@dataclass
class Proposal:
    plan: Plan | None
    training: TrainingPlan | None
    preview: str
    violations: list[Violation]
    refused: str | None = None  # why no plan could be made

    @property
    def ok(self) -> bool:
        return self.plan is not None and not errors(self.violations)


class PlanService:
    def __init__(self, store: Store, insights: Insights) -> None:
        self._store = store
        self._insights = insights

    async def propose(self, user_id: int, request: PlanRequest | None = None) -> Proposal:
        """A new draft from the engine, for the user's preferences with `request` applied."""
        user = await self._insights.user(user_id)
        catalogue = await self._plannable(user_id)
        if not catalogue:
            raise NoCatalogue(f"user {user_id} has no exercise catalogue")
        changes = (request or PlanRequest()).model_dump(exclude_none=True)
        split = changes.pop("split", "auto")
        prefs = Preferences.model_validate({**user.preferences.model_dump(), **changes})
        profile = LoadingProfile.for_units(user.units)
        try:
            history = await self._insights.lifter_history(user_id)
            previous = await self.current(user_id) or await self._finished(user_id)
            if previous is not None:  # its last prescriptions are evidence too
                history = history.after(TrainingPlan.model_validate(previous.body), previous.week)
            training = await asyncio.to_thread(
                generate_plan, prefs, catalogue, profile, history, split
            )
        except PlanInfeasible as exc:
            return Proposal(None, None, "", [], refused=str(exc))
        return await self._store_draft(user_id, training, prefs, profile)

    async def revise(self, user_id: int, changes: list[PlanChange]) -> Proposal:
        """The current draft with `changes`, checked again by the validator."""
        current = await self.current(user_id, include_drafts=True)
        if current is None:
            return Proposal(None, None, "", [], refused="There is no plan to change yet.")
        user = await self._insights.user(user_id)
        catalogue = await self._plannable(user_id)
        profile = LoadingProfile.for_units(user.units)
        training = TrainingPlan.model_validate(current.body)
        for change in changes:
            refused = _apply(training, change, catalogue, profile)
            if refused:
                return Proposal(None, None, "", [], refused=refused)
        return await self._store_draft(user_id, training, user.preferences, profile)

    async def _plannable(self, user_id: int) -> dict[str, ExerciseTemplate]:
        """What a plan may use: the lifter's whole catalogue, except, once Hevy is linked, the
        exercises Spotter made from a CSV (Hevy would refuse a routine naming them)."""
        catalogue = await self._insights.catalogue(user_id)
        if await self._store.credentials.get(user_id) is None:
            return catalogue
        return {k: t for k, t in catalogue.items() if not is_local(k)}

    async def _finished(self, user_id: int) -> Plan | None:
        plans = await self._store.plans.list(user_id)
        return next((p for p in plans if p.status == PlanStatus.FINISHED), None)

    async def _store_draft(
        self, user_id: int, training: TrainingPlan, prefs: Preferences, profile: LoadingProfile
    ) -> Proposal:
        user = await self._insights.user(user_id)
        plan = Plan(
            id=uuid.uuid4().hex,
            user_id=user_id,
            status=PlanStatus.DRAFT,
            title=training.title,
            body=training.model_dump(mode="json"),
            settings=plan_settings(user),
        )
        await self._store.plans.put(plan)
        await keep_unless_erased(self._store, user_id)  # a /delete while it was drafted
        return await self._proposal(user_id, plan, training, prefs, profile)

    async def supersede_stale(self, user_id: int) -> tuple[list[Plan], Plan | None]:
        """Drafts made under settings the lifter has since changed, now cancelled, and the
        newest draft that still fits them (None: there is none; /plan makes one)."""
        user = await self._insights.user(user_id)
        stale, fresh = [], None
        for plan in await self._store.plans.list(user_id):
            if plan.status != PlanStatus.DRAFT:
                continue
            if is_stale(plan, user):
                cancelled = await self._store.plans.update(
                    user_id, plan.id, {PlanStatus.DRAFT}, {"status": PlanStatus.CANCELLED}, utcnow()
                )
                if cancelled is not None:  # approved meanwhile: it stays approved
                    stale.append(cancelled)
            elif fresh is None:
                fresh = plan
        return stale, fresh

    async def remember_preview(self, user_id: int, plan_id: str, message_id: int) -> None:
        """The chat message that carries a draft's buttons (they go when it turns stale)."""
        # This field alone, while still a draft: an Approve, a Cancel or a /delete since the
        # preview went out keeps what it did (a whole-plan write would undo it).
        await self._store.plans.update(
            user_id, plan_id, {PlanStatus.DRAFT}, {"preview_message_id": message_id}, utcnow()
        )

    async def proposal(self, user_id: int, plan: Plan) -> Proposal:
        """A stored draft as a proposal the lifter can approve (its preview and checks)."""
        user = await self._insights.user(user_id)
        training = TrainingPlan.model_validate(plan.body)
        profile = LoadingProfile.for_units(user.units)
        return await self._proposal(user_id, plan, training, user.preferences, profile)

    async def draft_since(self, user_id: int, since: datetime) -> Proposal | None:
        """The newest draft stored at or after `since` (one the coach just made), as a
        proposal the lifter can approve; None when there is none."""
        plan = await self.current(user_id, include_drafts=True)
        if plan is None or plan.status != PlanStatus.DRAFT or plan.created_at < since:
            return None
        return await self.proposal(user_id, plan)

    async def _proposal(
        self,
        user_id: int,
        plan: Plan,
        training: TrainingPlan,
        prefs: Preferences,
        profile: LoadingProfile,
    ) -> Proposal:
        user = await self._insights.user(user_id)
        catalogue = await self._insights.catalogue(user_id)
        loads = (await self._insights.lifter_history(user_id)).loads()  # the lifter's own grid
        violations = validate(training, catalogue, prefs, profile, loads)
        preview = describe_plan(training, catalogue, user.units)
        return Proposal(plan, training, preview, violations)

    async def current(self, user_id: int, include_drafts: bool = False) -> Plan | None:
        """The plan in force (approved or later); with `include_drafts`, else the newest draft."""
        plans = await self._store.plans.list(user_id)
        live = next((p for p in plans if p.status in LIVE), None)
        if live is not None or not include_drafts:
            return live
        return next((p for p in plans if p.status == PlanStatus.DRAFT), None)

    async def week_volume(self, user_id: int, monday: date, now: datetime) -> list[MuscleVolume]:
        """Hard sets per muscle in the week of `monday`. A week in progress is judged against
        what is due by now: the sets of the plan's training days before today (and today's,
        once logged); without a plan nothing is due before the week ends."""
        user = await self._insights.user(user_id)
        _start, end = week_window(monday, user.timezone)
        if now >= end:
            return await self._insights.week(user_id, monday)
        today = local(now, user.timezone).date()
        trained_today = bool(
            await self._store.workouts.list(user_id, day_start(today, user.timezone), now)
        )
        weekday = today.isoweekday()
        plan = await self.current(user_id)
        days = []
        if plan is not None:
            training = TrainingPlan.model_validate(plan.body)
            week = next((w for w in training.weeks if w.number == plan.week), training.weeks[0])
            days = [d for d in _since_start(week.days, plan, monday, user.timezone) if d.weekday]
        if days:
            due = [
                d for d in days if d.weekday < weekday or (d.weekday == weekday and trained_today)
            ]
            catalogue = await self._insights.catalogue(user_id)
            expected = week_sets_per_muscle(week.model_copy(update={"days": due}), catalogue)
        else:  # no plan says what is due before Sunday: nothing is judged missing yet
            expected = {}
        return await self._insights.week(user_id, monday, expected)

    async def this_week(
        self, user_id: int, now: datetime, include_drafts: bool = False
    ) -> tuple[Plan, PlanWeek, Adherence] | None:
        """The current plan's week and how much of it the lifter's workouts this calendar week
        (in their time zone) fulfilled; None without a plan."""
        plan = await self.current(user_id, include_drafts=include_drafts)
        if plan is None:
            return None
        user = await self._insights.user(user_id)
        training = TrainingPlan.model_validate(plan.body)
        week = next((w for w in training.weeks if w.number == plan.week), training.weeks[0])
        monday = week_start(local(now, user.timezone).date())
        start, end = week_window(monday, user.timezone)
        # The week as planned; a plan begun this Wednesday is judged on its days from Wednesday
        # on, not "0 of 4".
        due = week.model_copy(update={"days": _since_start(week.days, plan, monday, user.timezone)})
        links = {
            link.key: link.hevy_id
            for link in await self._store.plans.list_links(user_id)
            if link.hevy_id
        }
        report = adherence(due, await self._insights.workouts(user_id, start, end), links)
        return plan, week, report

    async def next_session(self, user_id: int, today: date) -> tuple[Plan, PlanDay] | None:
        """The next training day of the current plan (or the draft) on or after `today`."""
        plan = await self.current(user_id, include_drafts=True)
        if plan is None:
            return None
        training = TrainingPlan.model_validate(plan.body)
        week = next((w for w in training.weeks if w.number == plan.week), training.weeks[0])
        days = sorted(week.days, key=lambda d: d.weekday or 8)
        weekday = today.isoweekday()
        upcoming = [d for d in days if (d.weekday or 8) >= weekday]
        return plan, (upcoming or days)[0]


def is_stale(plan: Plan, user: User) -> bool:
    """A draft made under settings the lifter has changed since (units, days, minutes,
    equipment, injuries…): approving it would write the old settings' plan."""
    return (
        plan.status in (PlanStatus.DRAFT, PlanStatus.CANCELLED)  # cancelled: superseded already
        and bool(plan.settings)
        and plan.settings != plan_settings(user)
    )


def _since_start(days: list[PlanDay], plan: Plan, monday: date, timezone: str) -> list[PlanDay]:
    """The days of the week of `monday` the plan was already running on: one that began this
    Wednesday made nothing due on Monday and Tuesday."""
    if plan.started_at is None:
        return list(days)
    began = local(plan.started_at, timezone).date()
    if began <= monday:
        return list(days)
    return [d for d in days if d.weekday and monday + timedelta(d.weekday - 1) >= began]


def _apply(training: TrainingPlan, change: PlanChange, catalogue, profile) -> str | None:
    for week in training.weeks:
        for day in week.days:
            if day.key != change.day:
                continue
            for i, ex in enumerate(day.exercises):
                if ex.template_id != change.exercise_id:
                    continue
                update: dict = {}
                if change.replace_with:
                    if change.replace_with not in catalogue:
                        return f"{change.replace_with} is not in the catalogue"
                    new = catalogue[change.replace_with]
                    load = (
                        None
                        if ex.load_kg is None
                        else round_load(ex.load_kg, new.equipment, profile)
                    )
                    update.update(template_id=new.id, load_kg=load, notes=ex.notes)
                if change.sets:
                    update["sets"] = (
                        change.sets if not week.deload else max(1, (change.sets + 1) // 2)
                    )
                day.exercises[i] = ex.model_copy(update=update)
                break
            else:
                return f"{change.exercise_id} is not on {change.day}"
    if not any(d.key == change.day for w in training.weeks for d in w.days):
        return f"there is no {change.day}"
    return None
