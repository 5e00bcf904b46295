"""The plan model: a block of weeks × training days × exercises, as data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.engine.loads import LoadingProfile, round_load
from core.engine.progression import Progression, RpeTopSet, backoff_load
from core.engine.session_time import Work, session_minutes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlannedExercise(_Model):
    """One exercise on one day: its prescription, and the model that moves it forward."""

    template_id: str
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=50)  # this week's target
    rep_low: int | None = Field(default=None, ge=1)
    rep_high: int | None = Field(default=None, ge=1)
    load_kg: float | None = Field(default=None, ge=0)
    rpe: float | None = Field(default=None, ge=6, le=10)
    rest_seconds: int = Field(default=120, ge=0, le=600)
    warmup_sets: int = Field(default=0, ge=0, le=4)
    superset: int | None = None
    notes: str = ""
    progression: Progression | None = None
    misses: int = 0
    # Back from time off: the share of full loads the plan gave this week when it was made
    # (TRAINING.md, "Return from a break"); None: full loads, or a plan stored before the field.
    ramp_share: float | None = Field(default=None, gt=0, le=1)


def timed(ex: PlannedExercise) -> Work:
    """The exercise as the session clock counts it (`session_time`)."""
    return Work(
        sets=ex.sets,
        reps=ex.reps,
        rest=ex.rest_seconds,
        warmups=ex.warmup_sets,
        superset=ex.superset,
        top_set=isinstance(ex.progression, RpeTopSet),
    )


class PlanDay(_Model):
    key: str  # stable slot id, e.g. "day-1": one Hevy routine per key
    name: str
    weekday: int | None = Field(default=None, ge=1, le=7)  # ISO, 1 = Monday
    exercises: list[PlannedExercise]

    @property
    def estimated_minutes(self) -> int:
        """How long the session takes, by the one time model (`session_time`)."""
        return session_minutes(timed(ex) for ex in self.exercises)


class PlanWeek(_Model):
    number: int = Field(ge=1)
    deload: bool = False
    days: list[PlanDay]


class TrainingPlan(_Model):
    """A block of training the engine built or checked."""

    title: str
    split: str
    goal: str = "general"
    level: str = "intermediate"
    session_minutes: int = 60
    weeks: list[PlanWeek]
    notes: list[str] = Field(default_factory=list)
    compromises: list[str] = Field(default_factory=list)  # what the schedule could not serve

    @property
    def training_weeks(self) -> list[PlanWeek]:
        return [w for w in self.weeks if not w.deload]


def set_loads(ex: PlannedExercise, equipment: str, profile: LoadingProfile) -> list[float | None]:
    """Each working set's load as planned: a top set and its back-offs (at the model's share,
    rounded to the lifter's plates) for an RPE top-set exercise, else the same load for all."""
    if isinstance(ex.progression, RpeTopSet) and ex.load_kg is not None:
        backoff = backoff_load(
            ex.progression, ex.load_kg, lambda kg: round_load(kg, equipment, profile)
        )
        return [ex.load_kg] + [backoff] * (ex.sets - 1)
    return [ex.load_kg] * ex.sets
