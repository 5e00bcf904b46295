"""The exercises a lifter has: Hevy's built-in catalogue (bundled, so a lifter without a Hevy link
has it too), their synced Hevy catalogue, and the exercises of their own that a CSV import made
from titles no catalogue knows (muscles guessed, correctable)."""

from __future__ import annotations

from collections.abc import Sequence

from core.engine.catalogue import MUSCLES, builtin_catalogue, is_local
from core.errors import SpotterError
from core.models import ExerciseTemplate
from core.ports import Store
from core.services.user_lease import keep_unless_erased


class NotYourExercise(SpotterError):
    user_message = "That exercise is not one Spotter made for you; change it in Hevy."


async def user_catalogue(store: Store, user_id: int) -> dict[str, ExerciseTemplate]:
    """Every exercise the lifter can log, plan or ask about, by id (theirs win over built-ins)."""
    return builtin_catalogue() | {t.id: t for t in await store.templates.list(user_id)}


async def add_own(store: Store, user_id: int, templates: Sequence[ExerciseTemplate]) -> None:
    """Keep the lifter's new own exercises (a title already kept keeps its corrected muscles)."""
    stored = await store.templates.list(user_id)
    known = {t.id for t in stored}
    new = [t for t in templates if t.id not in known]
    if new:
        await store.templates.replace_all(user_id, [*stored, *new])


async def set_muscle(store: Store, user_id: int, template_id: str, muscle: str) -> ExerciseTemplate:
    """Correct the guessed primary muscle of one of the lifter's own exercises."""
    if muscle not in MUSCLES:
        raise ValueError(f"unknown muscle {muscle!r}")
    stored = await store.templates.list(user_id)
    mine = next((t for t in stored if t.id == template_id and is_local(t.id)), None)
    if mine is None:
        raise NotYourExercise(f"user {user_id} has no own exercise {template_id}")
    fixed = mine.model_copy(
        update={
            "primary_muscle_group": muscle,
            "secondary_muscle_groups": [m for m in mine.secondary_muscle_groups if m != muscle],
        }
    )
    await store.templates.replace_all(
        user_id, [fixed if t.id == template_id else t for t in stored]
    )
    await keep_unless_erased(store, user_id)  # a /delete between the read and the write
    return fixed


def own_exercises(templates: Sequence[ExerciseTemplate]) -> list[ExerciseTemplate]:
    """The exercises Spotter made for the lifter (kept when Hevy's catalogue is re-synced)."""
    return [t for t in templates if is_local(t.id)]
