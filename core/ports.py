"""The repository ports the services need; `storage/` implements them (SQLite and MongoDB).

Every method that touches a user's data takes that user's id first: scoping is part of the
signature, never a filter a caller may forget. Methods that depend on the time take `now`, so
tests and several processes agree on it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from core.models import (
    ChatMessage,
    Conversation,
    ExerciseTemplate,
    HevyCredential,
    LoggedSet,
    LoginToken,
    OutboxMessage,
    Plan,
    PlanChanges,
    PlanStatus,
    RoutineLink,
    SetRow,
    SyncState,
    TokenPurpose,
    Usage,
    User,
    UserChanges,
    UserStatus,
    Workout,
    WorkoutHead,
)


class UserRepo(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def put(self, user: User) -> None:
        """Store a user whole (creating them): for a new user; a change to one uses `update`."""
        ...

    async def update(self, user_id: int, changes: UserChanges) -> User | None:
        """Change only the named fields of an existing user (`core.models.changed_user`), in
        one atomic write; returns the user as stored, or None when there is no such user. It
        never creates one: a save racing an erasure leaves the user erased, and a concurrent
        change of another field keeps its value."""
        ...

    async def list(self, status: UserStatus | None = None) -> list[User]: ...
    async def count(self) -> int: ...


class CredentialRepo(Protocol):
    async def get(self, user_id: int) -> HevyCredential | None: ...
    async def put(self, credential: HevyCredential) -> None: ...
    async def delete(self, user_id: int) -> None: ...
    async def user_ids(self) -> set[int]:
        """Every user with a Hevy key (one query, whatever the number of users)."""
        ...


class WorkoutRepo(Protocol):
    async def upsert(self, user_id: int, workouts: Sequence[Workout]) -> None:
        """Insert or replace workouts by id; idempotent, so a failed batch is safe to retry."""
        ...

    async def delete(self, user_id: int, workout_id: str) -> bool: ...
    async def get(self, user_id: int, workout_id: str) -> Workout | None: ...

    async def list(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Workout]:
        """Workouts with `start <= start_time < end`, oldest first."""
        ...

    async def recent(
        self,
        user_id: int,
        before: datetime | None = None,
        limit: int = 20,
        template_id: str | None = None,
    ) -> list[Workout]:
        """Up to `limit` workouts started before `before` (optionally only those that trained
        `template_id`), newest first: a page of the history."""
        ...

    async def start_times(
        self, user_id: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[datetime]:
        """When each workout with `start <= start_time < end` started, oldest first: the days
        trained, without reading the workouts."""
        ...

    async def sets(
        self,
        user_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        template_id: str | None = None,
    ) -> list[SetRow]:
        """Sets of workouts in the window (optionally one exercise), in training order."""
        ...

    async def logged_sets(self, user_id: int) -> list[LoggedSet]:
        """Every set of the user's log in the order `sets` gives, with the same values, read
        without validation: for derivations over the whole log."""
        ...

    async def heads(self, user_id: int) -> list[WorkoutHead]:
        """Every workout's id, title and times, oldest first, as `list` gives them, read without
        its sets and without validation: with `logged_sets`, the whole log, lean."""
        ...

    async def count(self, user_id: int) -> int: ...

    async def version(self, user_id: int) -> int:
        """A number that grows with every change to the user's log (0 before any)."""
        ...

    async def working_set_counts(self, user_id: int) -> dict[str, int]:
        """Working sets (warm-ups excluded) logged per exercise: what the lifter trains."""
        ...


class TemplateRepo(Protocol):
    async def replace_all(self, user_id: int, templates: Sequence[ExerciseTemplate]) -> None: ...
    async def list(self, user_id: int) -> list[ExerciseTemplate]: ...
    async def get(self, user_id: int, template_id: str) -> ExerciseTemplate | None: ...


class PlanRepo(Protocol):
    async def put(self, plan: Plan) -> None: ...
    async def get(self, user_id: int, plan_id: str) -> Plan | None: ...
    async def update(
        self,
        user_id: int,
        plan_id: str,
        expected: Collection[PlanStatus],
        changes: PlanChanges,
        now: datetime,
    ) -> Plan | None:
        """Change only the named fields of the plan (`core.models.changed_plan`; `updated_at`
        becomes `now`) only while its status is one of `expected`, atomically: a compare-and-set
        (a Cancel and an Approve at once, only one wins; a write racing a status change or an
        erasure changes nothing). The plan as stored, or None when it is absent or in another
        status (nothing changed). Every other field keeps what is stored."""
        ...

    async def list(self, user_id: int) -> list[Plan]:
        """The user's plans, newest first."""
        ...

    async def put_link(self, user_id: int, link: RoutineLink) -> None: ...
    async def get_link(self, user_id: int, key: str) -> RoutineLink | None: ...
    async def list_links(self, user_id: int) -> list[RoutineLink]: ...


class ConversationRepo(Protocol):
    async def load(self, user_id: int) -> Conversation: ...
    async def append(self, user_id: int, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        """Store messages after the last one; returns them with their sequence numbers."""
        ...

    async def compact(self, user_id: int, summary: str, through_seq: int) -> None:
        """Replace the messages up to `through_seq` with `summary`."""
        ...


class OutboxRepo(Protocol):
    async def enqueue(self, message: OutboxMessage) -> bool:
        """Store a message; False when one with the same dedupe key exists (nothing stored)."""
        ...

    async def claim_due(
        self, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[OutboxMessage]:
        """Claim up to `limit` pending messages due by `now` that no live claim holds."""
        ...

    async def mark_sent(self, message_id: str, now: datetime, maybe: str | None = None) -> bool:
        """Mark sent (with `maybe`: perhaps sent, for that reason; never sent again either way);
        False when it was no longer pending."""
        ...

    async def renew_claim(self, message_id: str, owner: str, until: datetime) -> bool:
        """Extend `owner`'s claim on a pending message; False when the claim is not theirs."""
        ...

    async def retry_later(self, message_id: str, next_attempt_at: datetime, error: str) -> None: ...
    async def drop(self, message_id: str, reason: str) -> None: ...
    async def get(self, message_id: str) -> OutboxMessage | None: ...
    async def pending_count(self) -> int: ...


class SyncStateRepo(Protocol):
    async def get(self, user_id: int) -> SyncState:
        """The user's sync state (a fresh one when never synced)."""
        ...

    async def put(self, state: SyncState) -> None: ...
    async def last_synced(self) -> dict[int, datetime | None]:
        """Each user's last completed sync (one query)."""
        ...


class LoginTokenRepo(Protocol):
    async def create(self, token: LoginToken) -> None: ...
    async def get(self, token_hash: str) -> LoginToken | None: ...
    async def consume(self, token_hash: str, now: datetime, used_by: int) -> LoginToken | None:
        """Atomically mark an unused, unexpired token used; None when it is not (any more)."""
        ...

    async def purge_expired(self, now: datetime) -> int: ...
    async def revoke(self, purpose: TokenPurpose, user_id: int | None = None) -> int:
        """Delete every token of `purpose` (only `user_id`'s when given), used or not; returns
        how many."""
        ...


class UsageRepo(Protocol):
    async def add(self, user_id: int, day: date, usage: Usage) -> Usage:
        """Add to the user's total for `day`; returns the new total."""
        ...

    async def get(self, user_id: int, day: date) -> Usage: ...


class LeaseRepo(Protocol):
    async def claim(self, name: str, owner: str, ttl_seconds: float, now: datetime) -> bool:
        """Take or renew lease `name` for `owner` unless another owner holds it unexpired."""
        ...

    async def release(self, name: str, owner: str) -> None: ...


class Store(Protocol):
    """Everything Spotter keeps, behind one handle the composition root opens and closes."""

    backend: str
    users: UserRepo
    credentials: CredentialRepo
    workouts: WorkoutRepo
    templates: TemplateRepo
    plans: PlanRepo
    conversations: ConversationRepo
    outbox: OutboxRepo
    sync_state: SyncStateRepo
    login_tokens: LoginTokenRepo
    usage: UsageRepo
    leases: LeaseRepo

    async def schema_version(self) -> int: ...

    async def erase_user(self, user_id: int) -> None:
        """Delete everything stored about a user, their Hevy key included."""
        ...

    async def close(self) -> None: ...
