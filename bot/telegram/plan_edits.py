"""Plan changes the engine makes on its own, without Claude: “days 3”, “minutes 45”, “swap bench
for dumbbell press”. The demo's /change and the bot (when it has no Claude key) read them the
same way; with Claude, the coach understands any wording and uses the same services."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.handlers.settings import GONE, changed
from core.engine.plan import TrainingPlan
from core.models import user_changes, utcnow
from core.ports import Store
from core.services.insights import Insights, UnknownExercise
from core.services.plans import PlanChange, PlanService, Proposal

EXAMPLES = "“days 3”, “minutes 45” or “swap bench for dumbbell press”"
_SETTING = re.compile(r"(days|minutes)\s+(\d{1,3})", re.IGNORECASE)
_SWAP = re.compile(r"swap\s+(.+?)\s+(?:for|with|to)\s+(.+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Edit:
    kind: str  # "days", "minutes" or "swap"
    value: str = ""  # the new number of days or minutes
    old: str = ""  # the exercise to replace, as the lifter named it
    new: str = ""  # what replaces it


def parse_edit(text: str) -> Edit | None:
    """The edit `text` asks for, or None when it is not one of the engine's."""
    text = text.strip().rstrip(".!")
    if setting := _SETTING.fullmatch(text):
        return Edit(setting[1].lower(), value=setting[2])
    if swap := _SWAP.fullmatch(text):
        return Edit("swap", old=swap[1], new=swap[2])
    return None


async def apply_edit(
    store: Store, insights: Insights, plans: PlanService, user_id: int, edit: Edit
) -> Proposal | str:
    """A new draft with the edit (validated like every draft), or why there is none."""
    if edit.kind in ("days", "minutes"):
        before = await insights.user(user_id)
        try:
            user = changed(before, edit.kind, edit.value)
        except ValueError:
            return f"{edit.value} is not a number of {edit.kind} I can plan for."
        changes = {**user_changes(before, user), "set_up": True, "updated_at": utcnow()}
        if await store.users.update(user_id, changes) is None:
            return GONE
        proposal = await plans.propose(user_id)
        return f"No plan: {proposal.refused}" if proposal.refused else proposal
    current = await plans.current(user_id, include_drafts=True)
    if current is None:
        return "No plan yet: send /plan first."
    first = TrainingPlan.model_validate(current.body).weeks[0]
    catalogue = await insights.catalogue(user_id)
    planned = {e.template_id for d in first.days for e in d.exercises if e.template_id in catalogue}
    # The one to replace is looked for among the plan's exercises ("squat" is the squat in the
    # plan, not one of six squats in the catalogue); its replacement in the whole catalogue.
    # Both resolve as every name does: the lifter's logged exercises first.
    try:
        old = await insights.resolve(user_id, edit.old, among=planned)
    except UnknownExercise as exc:
        if exc.choices:
            return "Which one? " + "; ".join(t.title for t in exc.choices)
        return f"Nothing called “{edit.old}” is in the plan."
    try:
        new = await insights.resolve(user_id, edit.new)
    except UnknownExercise as exc:
        if exc.choices:
            return "Which one? " + "; ".join(t.title for t in exc.choices)
        return str(exc)
    days = [d.key for d in first.days if any(e.template_id == old.id for e in d.exercises)]
    edits = [PlanChange(day=d, exercise_id=old.id, replace_with=new.id) for d in days]
    proposal = await plans.revise(user_id, edits)
    return f"No change: {proposal.refused}" if proposal.refused else proposal
