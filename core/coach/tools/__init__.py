"""The coach's tools: strict schemas, validated inputs, compact outputs, one user each.

A ToolBox is built for one user; every handler reads that user's id from the box, never from
the model's input, so no argument can reach another user's data. Numbers come from the engine
(via Insights and PlanService); outputs are compact JSON rows, paged beyond a size cap.

By subject: `history` reads the log, `coaching` knows the lifter and changes plans; `inputs`
holds every tool's schema and description, `common` what they share.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from core.coach.tools.coaching import CoachingTools
from core.coach.tools.common import MAX_OUTPUT_CHARS, Tool, dump
from core.coach.tools.history import HistoryTools
from core.coach.tools.inputs import (
    DESCRIPTIONS,
    Handler,
    NoInput,
    NoteInput,
    Paged,
    PreferencesInput,
    ProgressInput,
    ProposeInput,
    QueryInput,
    RecordsInput,
    SearchInput,
    ToolInput,
    WeekInput,
    Window,
    WorkoutInput,
)
from core.errors import SpotterError
from core.services.insights import UnknownExercise
from core.services.user_lease import UserGone

log = logging.getLogger(__name__)


class ToolBox(HistoryTools, CoachingTools):
    """The tools for one user. The user id is bound here, in code."""

    @cached_property
    def tools(self) -> dict[str, Tool]:
        """Every tool by name, bound to this box's user."""
        handlers: dict[str, tuple[type[ToolInput], Handler]] = {
            "get_profile": (NoInput, self._profile),
            "training_summary": (Window, self._summary),
            "exercise_progress": (ProgressInput, self._progress),
            "personal_records": (RecordsInput, self._records),
            "volume_by_muscle": (WeekInput, self._volume),
            "list_workouts": (Paged, self._workouts),
            "get_workout": (WorkoutInput, self._workout),
            "search_exercises": (SearchInput, self._search),
            "current_plan": (NoInput, self._current_plan),
            "propose_plan": (ProposeInput, self._propose),
            "update_preferences": (PreferencesInput, self._update_preferences),
            "remember_note": (NoteInput, self._remember),
            "query_training_log": (QueryInput, self._query),
        }
        return {
            name: Tool(name, DESCRIPTIONS[name], model, handler)
            for name, (model, handler) in handlers.items()
        }

    def definitions(self) -> list[dict[str, Any]]:
        return [t.definition() for t in self.tools.values()]

    async def run(self, name: str, raw: Any) -> tuple[str, bool]:
        """The tool's output, and whether it is an error the model should act on."""
        tool = self.tools.get(name)
        if tool is None:
            return f"Unknown tool {name!r}. Available: {', '.join(self.tools)}.", True
        try:
            args = tool.input_model.model_validate(raw if isinstance(raw, dict) else {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()
            )
            return f"Invalid input for {name}: {problems}", True
        try:
            result = await tool.handler(args)
        except UnknownExercise as exc:
            choices = [{"id": t.id, "title": t.title} for t in exc.choices]
            return dump({"error": str(exc), "choices": choices}), True
        except UserGone:
            raise  # /delete meanwhile: the turn stops here, and keeps nothing
        except SpotterError as exc:
            return getattr(exc, "user_message", None) or str(exc), True
        text = result if isinstance(result, str) else dump(result)
        if len(text) > MAX_OUTPUT_CHARS:  # a guard: tools page their rows well before this
            log.warning("tool output too large", extra={"tool": name, "chars": len(text)})
            return (
                f"The answer is {len(text)} characters, over the {MAX_OUTPUT_CHARS} a tool may "
                "return: ask for a narrower window or a later page, or aggregate with "
                "query_training_log."
            ), True
        return text, False


__all__ = ["MAX_OUTPUT_CHARS", "ToolBox"]
