"""Domain models shared by every layer: users, training log, plans, messages and bookkeeping.

Timestamps are timezone-aware UTC. Loads are kilograms, as Hevy stores them; conversion to the
user's units happens once, at display or input.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field


def to_utc_ms(value: datetime) -> datetime:
    """`value` in UTC at millisecond precision: what every store keeps exactly (BSON dates)."""
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, millisecond precision."""
    return to_utc_ms(datetime.now(UTC))


# Every stored timestamp: timezone-aware, normalized to UTC milliseconds on the way in.
Timestamp = Annotated[AwareDatetime, AfterValidator(to_utc_ms)]

MAX_TIME_ZONE_CHARS = 64  # the longest IANA name is 32


def time_zone(name: str) -> str:
    """`name` when it is an IANA time zone name this machine knows; ValueError otherwise."""
    if not name or len(name) > MAX_TIME_ZONE_CHARS:
        raise ValueError(f"{name[:40]!r} is not a time zone name like Europe/Berlin")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise ValueError(f"{name[:40]!r} is not a time zone name like Europe/Berlin") from None
    return name


TimeZoneName = Annotated[str, AfterValidator(time_zone)]


class Model(BaseModel):
    """Base for domain models: unknown fields are an error, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --- users -------------------------------------------------------------------------------------


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # blocked the bot, or left; nothing is sent to them


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Units(StrEnum):
    KG = "kg"
    LB = "lb"


class Preferences(Model):
    """What the user told us about how they train."""

    goal: Literal["strength", "hypertrophy", "general"] = "general"
    level: Literal["beginner", "intermediate", "advanced"] = "intermediate"
    days_per_week: int = Field(default=3, ge=1, le=7)
    session_minutes: int = Field(default=60, ge=20, le=180)
    equipment: list[str] = Field(default_factory=lambda: ["barbell", "dumbbell", "machine"])
    injuries: list[str] = Field(default_factory=list)
    focus_muscles: list[str] = Field(default_factory=list)
    training_days: list[int] = Field(default_factory=list)  # ISO weekdays, 1 = Monday
    reminder_time: time | None = None


class User(Model):
    """A Telegram user known to Spotter; `id` is their Telegram user id."""

    id: int
    chat_id: int | None = None
    name: str = ""
    status: UserStatus = UserStatus.ACTIVE
    role: Role = Role.USER
    units: Units = Units.KG
    timezone: TimeZoneName = "UTC"
    preferences: Preferences = Field(default_factory=Preferences)
    set_up: bool = False  # went through (or skipped) the guided setup: plans need not guess
    browser_timezone: str = ""  # what the Mini App's browser reported: the setup offers it first
    coaching_notes: list[str] = Field(default_factory=list)
    created_at: Timestamp = Field(default_factory=utcnow)
    updated_at: Timestamp = Field(default_factory=utcnow)


# A change to a stored user: top-level field names with their new values; `preferences` maps
# to only the preference fields that change (the others keep what is stored).
UserChanges = dict[str, Any]


def user_changes(before: User, after: User) -> UserChanges:
    """What `after` changes of `before`, field by field (preferences one by one): what a save
    writes, so a concurrent save of another field keeps its value."""
    changes: UserChanges = {
        name: getattr(after, name)
        for name in User.model_fields
        if name not in ("id", "preferences") and getattr(after, name) != getattr(before, name)
    }
    prefs = {
        name: getattr(after.preferences, name)
        for name in Preferences.model_fields
        if getattr(after.preferences, name) != getattr(before.preferences, name)
    }
    if prefs:
        changes["preferences"] = prefs
    return changes


def changed_user(user: User, changes: UserChanges) -> User:
    """`user` with `changes` applied and validated (ValueError for a field or value it cannot
    take); the one rule both stores apply, so they agree on what a change means."""
    if "id" in changes:
        raise ValueError("a user's id never changes")
    prefs = changes.get("preferences", {})
    merged = {**user.model_dump(), **changes}  # an unknown field fails validation (extra=forbid)
    merged["preferences"] = {**user.preferences.model_dump(), **prefs}
    return User.model_validate(merged)


class HevyCredential(Model):
    """A user's Hevy API key, sealed by the key vault; the plaintext is never stored."""

    user_id: int
    ciphertext: str
    hevy_user_id: str | None = None
    hevy_name: str = ""
    linked_at: Timestamp = Field(default_factory=utcnow)


# --- training log ------------------------------------------------------------------------------


class SetType(StrEnum):
    WARMUP = "warmup"
    NORMAL = "normal"
    FAILURE = "failure"
    DROPSET = "dropset"


class SetValues(Model):
    """What was done in one set."""

    type: SetType = SetType.NORMAL
    weight_kg: float | None = None
    reps: int | None = None
    distance_m: float | None = None
    duration_s: int | None = None
    rpe: float | None = None


class ExerciseSet(SetValues):
    index: int


class WorkoutExercise(Model):
    index: int
    template_id: str
    title: str = ""
    notes: str = ""
    superset_id: int | None = None
    sets: list[ExerciseSet] = Field(default_factory=list)


class Workout(Model):
    """One completed session, normalized from Hevy (or a CSV import)."""

    id: str
    title: str = ""
    description: str = ""
    routine_id: str | None = None
    start_time: Timestamp
    end_time: Timestamp | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    exercises: list[WorkoutExercise] = Field(default_factory=list)

    @property
    def head(self) -> WorkoutHead:
        return WorkoutHead(self.id, self.title, self.start_time, self.end_time)

    def set_rows(self) -> list[SetRow]:
        """The workout's sets flattened into rows, in exercise then set order."""
        return [
            SetRow(
                workout_id=self.id,
                start_time=self.start_time,
                exercise_index=exercise.index,
                template_id=exercise.template_id,
                title=exercise.title,
                **s.model_dump(exclude={"index"}),
                set_index=s.index,
            )
            for exercise in self.exercises
            for s in exercise.sets
        ]


class SetRow(SetValues):
    """One set with the context analytics need; what the hot queries return."""

    workout_id: str
    start_time: Timestamp
    exercise_index: int
    template_id: str
    title: str = ""
    set_index: int


class LoggedSet(NamedTuple):
    """A SetRow's fields as the store wrote them, read back without validating them again: what
    derivations over a whole log read (tens of thousands of sets after every sync, where
    validating each row cost more than the derivation itself). Same values as the store's
    SetRows, in the same order; read-only, and fields only, no model behaviour."""

    workout_id: str
    start_time: datetime
    exercise_index: int
    set_index: int
    template_id: str
    title: str
    type: SetType
    weight_kg: float | None
    reps: int | None
    distance_m: float | None
    duration_s: int | None
    rpe: float | None


class WorkoutHead(NamedTuple):
    """A workout without its sets (id, title, times), read back unvalidated as LoggedSet is:
    with `logged_sets`, a whole log for a derivation without building each Workout."""

    id: str
    title: str
    start_time: datetime
    end_time: datetime | None


class ExerciseTemplate(Model):
    """An exercise from the user's Hevy catalogue (built-in or custom)."""

    id: str
    title: str
    type: str = "weight_reps"
    primary_muscle_group: str = "other"
    secondary_muscle_groups: list[str] = Field(default_factory=list)
    equipment: str = "none"
    is_custom: bool = False


# --- plans -------------------------------------------------------------------------------------


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    IN_HEVY = "in_hevy"
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"


def plan_settings(user: User) -> str:
    """The settings a plan is built for, as one comparable string: a draft made under other
    units, days, minutes, equipment, injuries (or goal, level, focus, weekdays) is stale."""
    p = user.preferences
    return "|".join(
        [
            user.units.value,
            p.goal,
            p.level,
            str(p.days_per_week),
            str(p.session_minutes),
            ",".join(sorted(p.equipment)),
            ",".join(sorted(p.injuries)),
            ",".join(sorted(p.focus_muscles)),
            ",".join(map(str, sorted(p.training_days))),
        ]
    )


def settings_preferences(settings: str, prefs: Preferences) -> Preferences:
    """`prefs` with the plan settings `settings` (a `plan_settings` string) put back: what
    undoing a form's change to them needs. Units stay the user's."""
    parts = settings.split("|")
    if len(parts) != 9:
        return prefs

    def names(text: str) -> list[str]:
        return [n for n in text.split(",") if n]

    _units, goal, level, days, minutes, equipment, injuries, focus, weekdays = parts
    return prefs.model_validate(
        {
            **prefs.model_dump(),
            "goal": goal,
            "level": level,
            "days_per_week": int(days),
            "session_minutes": int(minutes),
            "equipment": names(equipment),
            "injuries": names(injuries),
            "focus_muscles": names(focus),
            "training_days": [int(d) for d in names(weekdays)],
        }
    )


class TodaySession(Model):
    """One training day's session as the readiness check-in fitted it (the plan's week stays
    as written): what Hevy got and /today shows that day, and what progression reads that
    day's log against."""

    on: date
    week: int
    day_key: str
    answer: str  # "half,tired" / "all,hurts:knee": the taps, for the chat and the logs
    summary: str  # "4 of 6 lifts, ~8 % lighter" (the engine's words)
    day: dict[str, Any]  # the fitted PlanDay
    created_at: Timestamp = Field(default_factory=utcnow)


class Plan(Model):
    """A block of training; `body` is the engine's plan document.

    `week` is the week the lifter is on; `hevy_week` and `notified_week` say how far Hevy and the
    lifter have caught up with it. Advancing writes `week` first, then the catch-up steps run
    (each idempotent) until both match, so a crash anywhere resumes where it stopped.
    """

    id: str
    user_id: int
    status: PlanStatus = PlanStatus.DRAFT
    title: str = ""
    week: int = Field(default=1, ge=1)
    body: dict[str, Any] = Field(default_factory=dict)
    started_at: Timestamp | None = None
    hevy_week: int = 0
    notified_week: int = 0
    last_change: str = ""  # the week's update as the chat gets it (at most 8 lines)
    last_change_details: list[str] = Field(default_factory=list)  # every change, with its reason
    skipped_weeks: int = 0  # whole weeks with nothing logged: the block moved on by as many
    settings: str = ""  # the lifter's settings a draft was made under (`plan_settings`)
    preview_message_id: int | None = None  # the chat message with the draft's buttons
    today: list[TodaySession] = Field(default_factory=list)  # this week's check-in sessions
    created_at: Timestamp = Field(default_factory=utcnow)
    updated_at: Timestamp = Field(default_factory=utcnow)


# A change to a stored plan: field names with their new values (`changed_plan`).
PlanChanges = dict[str, Any]


def changed_plan(plan: Plan, changes: PlanChanges) -> Plan:
    """`plan` with `changes` applied and validated (ValueError for a field or value it cannot
    take); the one rule both stores apply, so they agree on what a change means."""
    if {"id", "user_id"} & changes.keys():
        raise ValueError("a plan's id and owner never change")
    return Plan.model_validate({**plan.model_dump(), **changes})


class RoutineLink(Model):
    """Maps one of a user's Spotter slots (`folder`, `day-1`, …) to the Hevy object behind it.

    Written as `pending` before the create call and completed with the Hevy id after it, so a
    retry after a crash looks for the object instead of creating a second one.
    """

    key: str
    title: str
    hevy_id: str | None = None
    status: Literal["pending", "created"] = "pending"
    updated_at: Timestamp = Field(default_factory=utcnow)


# --- conversation ------------------------------------------------------------------------------


class ChatMessage(Model):
    """One message of a user's conversation with the coach, content as the Messages API has it."""

    seq: int = 0
    role: Literal["user", "assistant"]
    content: str | list[dict[str, Any]]
    created_at: Timestamp = Field(default_factory=utcnow)


class Conversation(Model):
    """What the coach remembers: a summary of compacted turns, then the turns kept verbatim."""

    summary: str = ""
    messages: list[ChatMessage] = Field(default_factory=list)


# --- delivery, sync and bookkeeping ------------------------------------------------------------


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    MAYBE_SENT = "maybe_sent"  # Telegram got the request but its answer never came: not resent
    DROPPED = "dropped"


class OutboxMessage(Model):
    """A message to deliver to a chat; stored before sending, marked sent exactly once."""

    id: str
    user_id: int
    chat_id: int
    text: str
    parse_mode: Literal["HTML"] | None = "HTML"
    dedupe_key: str
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: Timestamp = Field(default_factory=utcnow)
    created_at: Timestamp = Field(default_factory=utcnow)
    sent_at: Timestamp | None = None
    last_error: str | None = None


class SyncState(Model):
    """Where a user's sync stands; saved after every page so a crash resumes."""

    user_id: int
    backfill_complete: bool = False
    backfill_next_page: int = Field(default=1, ge=1)
    events_since: Timestamp | None = None
    last_synced_at: Timestamp | None = None
    templates_refreshed_at: Timestamp | None = None
    last_error: str | None = None


class TokenPurpose(StrEnum):
    LINK = "link"  # a login link: connect a Hevy key to the bound Telegram user
    INVITE = "invite"  # an invite link: admits one new user
    ADMIN_CLAIM = "admin_claim"  # the first-start link that makes its redeemer an admin
    WEB = "web"  # a /web link: opens the Mini App's pages in a browser as the bound user


class LoginToken(Model):
    """A single-use, expiring token; only its SHA-256 is stored."""

    token_hash: str
    purpose: TokenPurpose
    user_id: int | None = None  # who it is bound to, when it is bound
    expires_at: Timestamp
    created_at: Timestamp = Field(default_factory=utcnow)
    used_at: Timestamp | None = None
    used_by: int | None = None


class Usage(Model):
    """Claude tokens used, as the API reports them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def total(self) -> int:
        """Tokens that count against the daily budget."""
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
        )
