"""Tools that know the lifter and change their plan: profile, current plan, proposals,
preferences and remembered notes."""

from __future__ import annotations

from typing import Any

from core.coach.tools.common import ToolError, ToolsBase
from core.coach.tools.inputs import NoInput, NoteInput, PreferencesInput, ProposeInput
from core.engine.plan import TrainingPlan
from core.models import Units, time_zone, utcnow

GONE = "The lifter's data was deleted meanwhile, so nothing was saved."


class CoachingTools(ToolsBase):
    async def _profile(self, _: NoInput) -> dict[str, Any]:
        user = await self._me()
        credential = await self._store.credentials.get(self.user_id)
        sync = await self._store.sync_state.get(self.user_id)
        return {
            "name": user.name,
            "units": user.units.value,
            "timezone": user.timezone,
            "preferences": user.preferences.model_dump(mode="json"),
            "coaching_notes": user.coaching_notes,
            "hevy_linked": credential is not None,
            "hevy_name": credential.hevy_name if credential else None,
            "last_sync": sync.last_synced_at,
            "workouts_logged": await self._store.workouts.count(self.user_id),
        }

    async def _current_plan(self, _: NoInput) -> dict[str, Any]:
        found = await self._plans.this_week(self.user_id, utcnow(), include_drafts=True)
        if found is None:
            return {"plan": None, "hint": "No plan yet: propose_plan makes one."}
        plan, week, report = found
        user = await self._me()
        training = TrainingPlan.model_validate(plan.body)
        return {
            "id": plan.id,
            "status": plan.status.value,
            "title": plan.title,
            "week": plan.week,
            "weeks": len(training.weeks),
            "days": [
                {
                    "key": d.key,
                    "name": d.name,
                    "weekday": d.weekday,
                    "exercises": [
                        [
                            await self._title(e.template_id),
                            e.sets,
                            f"{e.rep_low or e.reps}-{e.rep_high or e.reps}",
                            await self._load(e.load_kg),
                            e.rpe,
                        ]
                        for e in d.exercises
                    ],
                }
                for d in week.days
            ],
            "exercise_format": "[exercise, sets, reps, load, rpe]",
            "units": user.units.value,
            "this_week": {
                "sessions_done": report.sessions[0],
                "sessions_planned": report.sessions[1],
                "sets_done": report.sets[0],
                "sets_planned": report.sets[1],
            },
        }

    async def _propose(self, args: ProposeInput) -> dict[str, Any]:
        if args.changes:
            proposal = await self._plans.revise(self.user_id, args.changes)
        else:
            proposal = await self._plans.propose(self.user_id, args.request)
        if proposal.refused:
            return {"ok": False, "refused": proposal.refused}
        return {
            "ok": proposal.ok,
            "plan_id": proposal.plan.id,
            "preview": proposal.preview,
            "violations": list(
                {
                    (v.severity, v.code, v.message): {
                        "severity": v.severity,
                        "rule": v.code,
                        "message": v.message,
                    }
                    for v in proposal.violations
                }.values()
            ),  # each once, not once per week
            "next": (
                "The chat shows this draft's preview with an Approve button under your reply: "
                "explain it briefly, do not repeat it."
            ),
        }

    async def _update_preferences(self, args: PreferencesInput) -> dict[str, Any]:
        changes = args.model_dump(exclude_none=True)
        units = changes.pop("units", None)
        timezone = changes.pop("timezone", None)
        if timezone is not None:
            try:
                time_zone(timezone)
            except ValueError as exc:
                raise ToolError(str(exc)) from None
        # Only what the lifter asked to change: a save elsewhere of another field keeps its value.
        asked = {"preferences": changes, "updated_at": utcnow()}
        asked |= ({"units": Units(units)} if units else {}) | (
            {"timezone": timezone} if timezone else {}
        )
        updated = await self._store.users.update(self.user_id, asked)
        if updated is None:
            raise ToolError(GONE)
        self._user = updated
        return {
            "saved": True,
            "preferences": updated.preferences.model_dump(mode="json"),
            "units": updated.units.value,
            "timezone": updated.timezone,
        }

    async def _remember(self, args: NoteInput) -> dict[str, Any]:
        user = await self._me()
        notes = [*user.coaching_notes, args.note.strip()][-30:]
        updated = await self._store.users.update(
            self.user_id, {"coaching_notes": notes, "updated_at": utcnow()}
        )
        if updated is None:
            raise ToolError(GONE)
        self._user = updated
        return {"remembered": args.note.strip(), "notes": len(notes)}
