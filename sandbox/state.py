"""The sandbox's accounts and what they hold, plus the faults a test can inject.

Everything is kept in Hevy's read shapes (plain dicts), as the API would return them.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sandbox.catalogue import built_in_templates

Clock = Callable[[], datetime]
CreateShape = Literal["bare", "wrapped", "wrapped_list", "empty"]


def iso_ms(value: datetime) -> str:
    """Hevy's created/updated style: `2026-05-23T10:32:01.168Z`."""
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


def iso_offset(value: datetime) -> str:
    """Hevy's start/end style: `2026-05-23T09:54:50+00:00`."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


@dataclass
class Rule:
    """Answer the next `times` matching requests with `status` instead of serving them."""

    status: int
    method: str | None = None
    path: str | None = None  # a regular expression matched against the path
    times: int = 1
    retry_after: float | None = None
    body: str | None = None
    query: dict[str, str] | None = None

    def matches(self, method: str, path: str, query: dict[str, str]) -> bool:
        if self.method and self.method != method:
            return False
        if self.path and not re.search(self.path, path):
            return False
        return all(query.get(k) == v for k, v in (self.query or {}).items())


@dataclass
class Faults:
    """What the sandbox does wrong on purpose."""

    rules: list[Rule] = field(default_factory=list)
    latency: float = 0.0  # seconds before every answer
    delay_after_write: float = 0.0  # a create lands, then the answer is this late
    create_shape: CreateShape | Literal["rotate"] = "bare"
    _rotation: int = 0

    def inject(self, status: int, **kwargs: Any) -> Rule:
        rule = Rule(status=status, **kwargs)
        self.rules.append(rule)
        return rule

    def take(self, method: str, path: str, query: dict[str, str]) -> Rule | None:
        for rule in self.rules:
            if rule.times > 0 and rule.matches(method, path, query):
                rule.times -= 1
                return rule
        return None

    def next_create_shape(self) -> CreateShape:
        if self.create_shape != "rotate":
            return self.create_shape
        shapes: list[CreateShape] = ["bare", "wrapped", "wrapped_list", "empty"]
        shape = shapes[self._rotation % len(shapes)]
        self._rotation += 1
        return shape

    def clear(self) -> None:
        self.rules.clear()
        self.latency = self.delay_after_write = 0.0
        self.create_shape = "bare"


@dataclass(frozen=True)
class Seen:
    """One request the sandbox received (the body parsed when it was JSON)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None
    api_key: str | None = None  # whose account it was for
    at: float = field(default_factory=time.time)


@dataclass
class Event:
    type: Literal["updated", "deleted"]
    workout_id: str
    at: datetime


@dataclass
class Account:
    """One Hevy account, reached by its API key."""

    api_key: str
    user: dict[str, Any]
    clock: Clock
    templates: list[dict[str, Any]] = field(default_factory=built_in_templates)
    workouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    routines: dict[str, dict[str, Any]] = field(default_factory=dict)
    folders: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    routine_limit: int | None = None

    # --- workouts --------------------------------------------------------------------------

    def workouts_by_creation(self) -> list[dict[str, Any]]:
        """Newest created first, as Hevy lists them (not by start time)."""
        return sorted(self.workouts.values(), key=lambda w: w["created_at"], reverse=True)

    def put_workout(self, workout: dict[str, Any], *, as_given: bool = False) -> dict[str, Any]:
        """Store a workout in read shape (logged or edited in the app) and record the event.

        `as_given` keeps the workout's own timestamps (loading a snapshot); otherwise it is
        stamped now, keeping the creation time of the workout it replaces.
        """
        stored = copy.deepcopy(workout)
        stored.setdefault("id", str(uuid.uuid4()))
        if not as_given:
            now = iso_ms(self.clock())
            previous = self.workouts.get(stored["id"])
            stored["created_at"] = previous["created_at"] if previous else now
            stored["updated_at"] = now
        self.workouts[stored["id"]] = stored
        self.events.append(Event("updated", stored["id"], parse_time(stored["updated_at"])))
        return stored

    def delete_workout(self, workout_id: str) -> bool:
        """Delete as the app would (the API itself has no DELETE)."""
        if self.workouts.pop(workout_id, None) is None:
            return False
        self.events.append(Event("deleted", workout_id, self.clock()))
        return True

    def events_since(self, since: datetime) -> list[dict[str, Any]]:
        """The latest event per workout after `since`, newest first."""
        latest: dict[str, Event] = {}
        for event in self.events:
            if event.at > since and (
                event.workout_id not in latest or event.at >= latest[event.workout_id].at
            ):
                latest[event.workout_id] = event
        ordered = sorted(latest.values(), key=lambda e: e.at, reverse=True)
        out = []
        for event in ordered:
            if event.type == "deleted":
                out.append(
                    {"type": "deleted", "id": event.workout_id, "deleted_at": iso_ms(event.at)}
                )
            elif event.workout_id in self.workouts:
                out.append({"type": "updated", "workout": self.workouts[event.workout_id]})
        return out

    # --- catalogue ---------------------------------------------------------------------------

    def template(self, template_id: str) -> dict[str, Any] | None:
        return next((t for t in self.templates if t["id"] == template_id), None)

    # --- folders and routines ----------------------------------------------------------------

    def create_folder(self, title: str) -> dict[str, Any]:
        now = iso_ms(self.clock())
        folder_id = max((f["id"] for f in self.folders), default=600000) + 1
        folder = {
            "id": folder_id,
            "index": len(self.folders),
            "title": title,
            "created_at": now,
            "updated_at": now,
        }
        self.folders.append(folder)
        return folder

    def routines_in_order(self) -> list[dict[str, Any]]:
        return sorted(self.routines.values(), key=lambda r: r["created_at"], reverse=True)


@dataclass
class SandboxState:
    """Every account the sandbox serves, the faults in force, and a log of what it was asked."""

    clock: Clock = field(default=lambda: datetime.now(UTC))
    accounts: dict[str, Account] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    requests: list[Seen] = field(default_factory=list)

    def add_account(self, name: str = "Lifter", api_key: str | None = None) -> Account:
        key = api_key or str(uuid.uuid4())
        account = Account(
            api_key=key,
            user={
                "id": str(uuid.uuid4()),
                "name": name,
                "url": f"https://hevy.com/user/{name.lower()}",
            },
            clock=self.clock,
        )
        self.accounts[key] = account
        return account

    def requests_to(self, path_prefix: str, method: str = "GET") -> int:
        """How many requests the sandbox received for paths starting with `path_prefix`."""
        return sum(
            1 for r in self.requests if r.method == method and r.path.startswith(path_prefix)
        )

    def bodies(self, method: str, path_prefix: str) -> list[Any]:
        """The JSON bodies of the `method` requests to paths starting with `path_prefix`."""
        return [
            r.body for r in self.requests if r.method == method and r.path.startswith(path_prefix)
        ]
