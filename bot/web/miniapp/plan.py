"""The Plan page: the current block week by week (each day's exercises, sets, loads and why),
this week's adherence, and a form that asks the engine for a new plan; a draft shows the
validator's notes and is approved here through the same PlanWriter as the chat's button."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from pydantic import Field

from bot.telegram.handlers import drop_stale_drafts
from bot.telegram.handlers.settings import EQUIPMENT, INJURIES
from bot.web.miniapp.common import (
    Asking,
    Context,
    FormError,
    NotFound,
    Params,
    TrainingForm,
    go,
    parse_form,
    save_user,
)
from core.engine.loads import LoadingProfile
from core.engine.plan import PlannedExercise, TrainingPlan
from core.engine.plan_text import WEEKDAY, prescription
from core.engine.validator import validate
from core.errors import SpotterError
from core.hevy.errors import HevyError
from core.models import (
    Plan,
    PlanStatus,
    Units,
    plan_settings,
    settings_preferences,
    user_changes,
    utcnow,
)
from core.services.plan_writer import PlanCancelled, PlanNotFound, StaleDraft, where_approved
from core.services.plans import LIVE, is_stale

FOCUS = ("chest", "back", "shoulders", "quads", "hamstrings", "glutes", "biceps", "triceps")
STATUS = {
    PlanStatus.DRAFT: "proposal, not in Hevy yet",
    PlanStatus.APPROVED: "approved",
    PlanStatus.IN_HEVY: "in Hevy",
    PlanStatus.ACTIVE: "in Hevy, under way",
}


ASK = "ask for a new one below."
GONE = f"That plan is gone; {ASK}"


class PlanForm(TrainingForm):
    """What a new plan is built for; saved as the lifter's preferences, as /settings would."""

    focus_muscles: list[Literal[FOCUS]] = Field(default_factory=list, max_length=3)  # type: ignore[valid-type]


async def page(asking: Asking, params: Params) -> Context:
    rt, user = asking.runtime, asking.user
    plans = await rt.store.plans.list(user.id)
    live = next((p for p in plans if p.status in LIVE), None)
    # A draft made under settings changed since (say, by the coach) is not offered.
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT and not is_stale(p, user)), None)
    wanted = params.get("plan")
    if wanted:
        shown = next((p for p in plans if p.id == wanted), None)
        if shown is None or shown.status not in (*LIVE, PlanStatus.DRAFT):
            raise NotFound("that plan is gone")
    else:
        shown = live or draft
    context: Context = {
        "form": {
            **TrainingForm.values(user.preferences),
            "focus_muscles": user.preferences.focus_muscles,
        },
        "choices": {"equipment": EQUIPMENT, "injuries": INJURIES, "focus": FOCUS},
        "plan": None,
        "waiting": draft.id if draft and shown is not draft else "",
        "linked": await rt.store.credentials.get(user.id) is not None,
        "live": live is not None,  # Discard then puts its settings back
    }
    if shown is None:
        return context
    training = TrainingPlan.model_validate(shown.body)
    catalogue = await rt.insights.catalogue(user.id)
    numbers = [w.number for w in training.weeks]
    try:
        chosen = int(params.get("week") or shown.week)
    except ValueError:
        chosen = shown.week
    week = next((w for w in training.weeks if w.number == chosen), training.weeks[0])
    notes: list[str] = []
    if shown.status == PlanStatus.DRAFT:
        profile = LoadingProfile.for_units(user.units)
        loads = (await rt.insights.lifter_history(user.id)).loads()  # the lifter's own grid
        found = validate(training, catalogue, user.preferences, profile, loads)
        notes = list(dict.fromkeys(v.message for v in found))
    adherence = None
    if shown.status in LIVE:
        this = await rt.plans.this_week(user.id, utcnow())
        if this is not None and this[0].id == shown.id:
            adherence = {"sessions": this[2].sessions, "sets": this[2].sets, "week": this[1].number}
    context["plan"] = {
        "id": shown.id,
        "title": shown.title or training.title,
        "status": STATUS.get(shown.status, shown.status.value),
        "draft": shown.status == PlanStatus.DRAFT,
        "current_week": shown.week,
        "weeks": numbers,
        "week": week.number,
        "deload": week.deload,
        "days": [
            {
                "name": day.name,
                "when": WEEKDAY.get(day.weekday or 0, ""),
                "minutes": day.estimated_minutes,
                "exercises": [_exercise(ex, catalogue, user.units) for ex in day.exercises],
            }
            for day in week.days
        ],
        "compromises": training.compromises,
        "notes": notes,
        "adherence": adherence,
    }
    return context


def _exercise(ex: PlannedExercise, catalogue, units: Units) -> dict:
    return asdict(prescription(ex, catalogue.get(ex.template_id), units))


async def request(asking: Asking, body: dict) -> Context:
    """Save the form as preferences (it asks what the setup does) and ask for a draft."""
    rt, user = asking.runtime, asking.user
    form = parse_form(PlanForm, body)
    await save_user(
        asking, {"preferences": form.model_dump(), "set_up": True, "updated_at": utcnow()}
    )
    await drop_stale_drafts(asking.application.bot, rt, user.chat_id, user.id)
    try:
        proposal = await rt.plans.propose(user.id)
    except SpotterError as exc:
        raise FormError(getattr(exc, "user_message", None) or str(exc)) from None
    if proposal.refused or proposal.plan is None:
        raise FormError(f"No sound plan fits that: {proposal.refused}")
    return go("plan", "Your new plan: look it over, then approve it.", plan=proposal.plan.id)


async def approve(asking: Asking, body: dict) -> Context:
    """Write the plan into Hevy through the chat button's service (idempotent: a second tap
    updates the same routines)."""
    try:
        written = await asking.runtime.plan_writer.approve(
            asking.user_id, str(body.get("plan", ""))
        )
    except PlanCancelled:
        raise FormError(f"{PlanCancelled.said}; {ASK}") from None
    except PlanNotFound:
        raise FormError(GONE) from None
    except StaleDraft:
        newer = await drop_stale_drafts(
            asking.application.bot, asking.runtime, asking.user.chat_id, asking.user_id
        )
        if newer is None:
            raise FormError(
                "Your settings changed after this plan was made, so nothing went to Hevy: ask "
                "for a new plan below."
            ) from None
        return go("plan", f"{StaleDraft.user_message} Here it is.", plan=newer.id)
    except (HevyError, SpotterError) as exc:
        message = getattr(exc, "user_message", None) or "Writing to Hevy failed."
        raise FormError(f"{message} Try again; nothing is duplicated.") from None
    if written.already:
        return go("plan", "Already approved: it's in your Spotter folder in Hevy.")
    if not written.routines:
        return go("plan", "Approved. With no Hevy link it lives here: Today shows each session.")
    return go("plan", f"Done: {len(written.routines)} routines are in your Spotter folder in Hevy.")


async def discard(asking: Asking, body: dict) -> Context:
    """Drop a proposal. The form that asked for it changed the settings; with a plan in force,
    Discard puts back the settings that plan was made under, so the form's "nothing changes
    until you approve" holds (the settings stay the one truth the chat, the coach and the
    staleness check read)."""
    rt, user = asking.runtime, asking.user
    plan = await _plan(asking, body)
    # From DRAFT only: an Approve that got there first keeps the plan it wrote.
    cancelled = await rt.store.plans.update(
        user.id, plan.id, {PlanStatus.DRAFT}, {"status": PlanStatus.CANCELLED}, utcnow()
    )
    if cancelled is None:
        now = await rt.store.plans.get(user.id, plan.id)
        if now is not None and now.status in LIVE:
            linked = await rt.store.credentials.get(user.id) is not None
            where = where_approved(now, linked)
            return go(
                "plan", f"Too late to discard: that plan is already approved; {where}", plan=plan.id
            )
        return go("plan", "Proposal discarded.")
    live = await rt.plans.current(user.id)
    mine = plan_settings(user)
    # Only the change this proposal was asked under is undone, not a later one from the chat.
    if live is None or not live.settings or live.settings == mine or plan.settings != mine:
        return go("plan", "Proposal discarded.")
    prefs = settings_preferences(live.settings, user.preferences)
    changes = user_changes(user, user.model_copy(update={"preferences": prefs}))
    await save_user(asking, {**changes, "updated_at": utcnow()})
    return go("plan", "Proposal discarded; your settings are back to your current plan's.")


async def _plan(asking: Asking, body: dict) -> Plan:
    plan_id = str(body.get("plan", ""))
    plan = await asking.runtime.store.plans.get(asking.user_id, plan_id) if plan_id else None
    if plan is None or plan.status in (PlanStatus.CANCELLED, PlanStatus.FINISHED):
        raise FormError(GONE)
    return plan
