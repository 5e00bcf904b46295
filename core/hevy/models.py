"""Hevy payloads: tolerant read shapes, strict write shapes, and the mapping to domain models.

Spelling differences live here and nowhere else: reads say `supersets_id` (the spec) or
`superset_id` (what the API returns), writes take `superset_id`; template equipment comes as
`equipment_category` (the spec) or `equipment`; routine `rest_seconds` is a number or a string.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from core.models import (
    ExerciseSet,
    ExerciseTemplate,
    SetType,
    Workout,
    WorkoutExercise,
)

_SET_TYPES = {t.value for t in SetType}


def hevy_time(value: datetime) -> str:
    """A timestamp as Hevy takes it: UTC, `YYYY-MM-DDTHH:MM:SSZ`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class HevySet(_Read):
    index: int = 0
    type: str = "normal"
    weight_kg: float | None = None
    reps: int | None = None
    distance_meters: float | None = None
    duration_seconds: float | None = None
    rpe: float | None = None
    custom_metric: float | None = None

    @field_validator("reps", mode="before")
    @classmethod
    def _whole_reps(cls, value: Any) -> Any:
        return round(value) if isinstance(value, float) else value

    def to_domain(self) -> ExerciseSet:
        return ExerciseSet(
            index=self.index,
            type=SetType(self.type) if self.type in _SET_TYPES else SetType.NORMAL,
            weight_kg=self.weight_kg,
            reps=self.reps,
            distance_m=self.distance_meters,
            duration_s=None if self.duration_seconds is None else round(self.duration_seconds),
            rpe=self.rpe,
        )


class HevyExercise(_Read):
    index: int = 0
    title: str = ""
    notes: str | None = ""
    exercise_template_id: str
    superset_id: int | None = Field(
        default=None, validation_alias=AliasChoices("superset_id", "supersets_id")
    )
    rest_seconds: int | None = None
    sets: list[HevySet] = Field(default_factory=list)

    @field_validator("rest_seconds", mode="before")
    @classmethod
    def _rest(cls, value: Any) -> Any:
        if isinstance(value, str):
            return int(float(value)) if value.strip() else None
        return value

    def to_domain(self) -> WorkoutExercise:
        return WorkoutExercise(
            index=self.index,
            template_id=self.exercise_template_id,
            title=self.title,
            notes=self.notes or "",
            superset_id=self.superset_id,
            sets=[s.to_domain() for s in self.sets],
        )


class HevyWorkout(_Read):
    id: str
    title: str = ""
    description: str | None = ""
    routine_id: str | None = None
    start_time: datetime
    end_time: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    exercises: list[HevyExercise] = Field(default_factory=list)

    def to_domain(self) -> Workout:
        return Workout(
            id=self.id,
            title=self.title,
            description=self.description or "",
            routine_id=self.routine_id or None,
            start_time=self.start_time,
            end_time=self.end_time,
            created_at=self.created_at,
            updated_at=self.updated_at,
            exercises=[e.to_domain() for e in self.exercises],
        )


class HevyTemplate(_Read):
    id: str
    title: str
    type: str = "weight_reps"
    primary_muscle_group: str | None = "other"
    secondary_muscle_groups: list[str] | None = Field(default_factory=list)
    equipment: str | None = Field(
        default="none", validation_alias=AliasChoices("equipment_category", "equipment")
    )
    is_custom: bool = False

    def to_domain(self) -> ExerciseTemplate:
        return ExerciseTemplate(
            id=self.id,
            title=self.title,
            type=self.type,
            primary_muscle_group=self.primary_muscle_group or "other",
            secondary_muscle_groups=list(self.secondary_muscle_groups or []),
            equipment=self.equipment or "none",
            is_custom=self.is_custom,
        )


class HevyRoutine(_Read):
    id: str
    title: str = ""
    folder_id: int | None = None
    notes: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    exercises: list[HevyExercise] = Field(default_factory=list)


class HevyFolder(_Read):
    id: int
    index: int | None = None
    title: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


class HevyUser(_Read):
    id: str
    name: str = ""
    url: str | None = None


class WorkoutEvent(_Read):
    type: Literal["updated", "deleted"]
    workout: HevyWorkout | None = None
    id: str | None = None
    deleted_at: datetime | None = None

    @property
    def workout_id(self) -> str:
        return self.workout.id if self.workout is not None else str(self.id)

    @property
    def at(self) -> datetime | None:
        """When the event happened, as Hevy reports it."""
        if self.type == "deleted":
            return self.deleted_at
        return self.workout.updated_at if self.workout else None


class HistoryEntry(_Read):
    workout_id: str
    workout_title: str = ""
    workout_start_time: datetime
    workout_end_time: datetime | None = None
    exercise_template_id: str
    weight_kg: float | None = None
    reps: int | None = None
    distance_meters: float | None = None
    duration_seconds: float | None = None
    rpe: float | None = None
    set_type: str = "normal"


class Page[T](BaseModel):
    """One page of a paged listing."""

    page: int
    page_count: int
    items: list[T]


# --- writes ------------------------------------------------------------------------------------


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _safe_notes(value: str | None) -> str | None:
    # One report: an "@" in notes makes Hevy answer 400 with an HTML page.
    return None if value is None else value.replace("@", " at ").replace("  ", " ")


class RepRange(_Write):
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class RoutineSetWrite(_Write):
    """A routine set; routine sets carry no RPE (targets go into the exercise notes)."""

    type: SetType = SetType.NORMAL
    weight_kg: float | None = None
    reps: int | None = None
    distance_meters: int | None = None
    duration_seconds: int | None = None
    custom_metric: float | None = None
    rep_range: RepRange | None = None


class RoutineExerciseWrite(_Write):
    exercise_template_id: str
    superset_id: int | None = None
    rest_seconds: int | None = None
    notes: str | None = None
    sets: list[RoutineSetWrite]

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: str | None) -> str | None:
        return _safe_notes(value)


class RoutineWrite(_Write):
    """What Spotter sends to create or replace a routine."""

    title: str = Field(min_length=1)
    folder_id: int | None = None
    notes: str | None = None
    exercises: list[RoutineExerciseWrite]

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: str | None) -> str | None:
        return _safe_notes(value)

    def post_body(self) -> dict[str, Any]:
        """The POST body: wrapped, with the folder, without null rep ranges."""
        return {"routine": self._dump(include_folder=True)}

    def put_body(self) -> dict[str, Any]:
        """The PUT body: wrapped, no folder (several clients get 400), no null rep ranges."""
        return {"routine": self._dump(include_folder=False)}

    def _dump(self, *, include_folder: bool) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude={"folder_id"} if not include_folder else None)
        for exercise in body["exercises"]:
            for s in exercise["sets"]:
                if s.get("rep_range") is None:
                    s.pop("rep_range", None)  # `rep_range: null` is a 400 on PUT
        return body
