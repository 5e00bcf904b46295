"""What every Mini App page and action shares: who is asking, and the errors a page can answer
with. Pages return their template's context; actions return where the app goes next."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telegram.ext import Application

from bot.process.runtime import Runtime
from bot.telegram.handlers.settings import EQUIPMENT, INJURIES
from core.engine.names import most_trained
from core.engine.periods import local
from core.errors import SpotterError
from core.models import Preferences, User, UserChanges


@dataclass(frozen=True)
class Asking:
    """One request's lifter (already authenticated and admitted) and the process's services."""

    runtime: Runtime
    application: Application
    user: User

    @property
    def user_id(self) -> int:
        return self.user.id


class FormError(SpotterError):
    """Input a form sent that cannot be used: one sentence, shown beside the `field` it is
    about (by its name in the form), or with the form when it is about no one field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


USER_GONE = "Your data was deleted, so nothing was saved: send /start to Spotter to come back."


async def save_user(asking: Asking, changes: UserChanges) -> User:
    """Store only `changes` of the lifter's settings (a concurrent save of another field keeps
    its value); FormError when their data was deleted meanwhile: nothing brings it back."""
    user = await asking.runtime.store.users.update(asking.user_id, changes)
    if user is None:
        raise FormError(USER_GONE)
    return user


class NotFound(SpotterError):
    """A page about something the lifter does not have (another user's workout, say)."""


Params = Mapping[str, str]
Context = dict[str, Any]


def go(page: str, notice: str = "", **params: str) -> Context:
    """An action's answer: show `page` with `params`, and a one-line notice above it."""
    return {"page": page, "params": params, "notice": notice}


def day_label(moment: datetime, tz: str) -> str:
    """`Mon 3 Nov 2025`, in the lifter's time zone."""
    at = local(moment, tz)
    return f"{at:%a} {at.day} {at:%b %Y}"


async def trained_exercises(asking: Asking) -> list[dict]:
    """The exercises the lifter has logged, most trained first (sessions, recent ones weighing
    more: the order names resolve in): the pickers' choices."""
    rt = asking.runtime
    trained = await rt.insights.trained(asking.user_id)
    catalogue = await rt.insights.catalogue(asking.user_id)
    return [
        {
            "id": tid,
            "title": catalogue[tid].title if tid in catalogue else tid,
            "sessions": trained[tid].sessions,
        }
        for tid in most_trained(trained)
    ]


class TrainingForm(BaseModel):
    """The training fields the Plan and Profile forms share (saved as preferences)."""

    model_config = ConfigDict(extra="forbid")

    goal: Literal["strength", "hypertrophy", "general"]
    level: Literal["beginner", "intermediate", "advanced"]
    days_per_week: int = Field(ge=1, le=7)
    session_minutes: int = Field(ge=20, le=180)
    equipment: list[Literal[EQUIPMENT]] = Field(default_factory=list)  # type: ignore[valid-type]
    injuries: list[Literal[INJURIES]] = Field(default_factory=list)  # type: ignore[valid-type]

    @staticmethod
    def values(prefs: Preferences) -> dict:
        """The form's fields prefilled from the lifter's preferences."""
        return prefs.model_dump(include=set(TrainingForm.model_fields))


def parse_form[F: BaseModel](model: type[F], body: dict) -> F:
    """`body` as the form `model`, or a FormError naming the first problem and its field."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise FormError(first_problem(exc), field) from None


LOADED = "loaded"  # a form's hidden field: the values it was shown with (JSON)


def loaded(values: Mapping[str, Any]) -> str:
    """`values` as a form's hidden `loaded` field, so a save can tell what was changed on it."""
    return json.dumps(values, sort_keys=True)


def parse_edit[F: BaseModel](model: type[F], body: dict) -> tuple[F, set[str]]:
    """`body` as the form `model`, with the names of the fields the lifter changed on this form:
    those whose value differs from the one it was shown with (its `loaded` field). A save writes
    only those, so a setting changed elsewhere since the form loaded keeps its new value unless
    it was changed here too. A form without `loaded` counts every field as changed."""
    body = dict(body)
    shown = body.pop(LOADED, None)
    form = parse_form(model, body)
    try:
        was = model.model_validate(json.loads(shown)).model_dump()
    except (TypeError, ValueError):  # none, or not what a page sends: every field counts
        return form, set(model.model_fields)
    now = form.model_dump()
    return form, {name for name in now if _as_set(now[name]) != _as_set(was[name])}


def _as_set(value: Any) -> Any:
    """A list of choices compares regardless of order (checkboxes in any order)."""
    return frozenset(value) if isinstance(value, list) else value


def first_problem(exc: ValidationError) -> str:
    """The first thing wrong with a form, as one sentence: a validator's own words as they are
    (pydantic's "Value error, " dropped), pydantic's with the field's name before them."""
    error = exc.errors()[0]
    if error["type"] == "value_error":
        text = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    else:
        where = str(error["loc"][0]).replace("_", " ") if error["loc"] else "the form"
        text = f"{where}: {error['msg'][:1].lower()}{error['msg'][1:]}"
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."
