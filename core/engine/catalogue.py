"""Hevy's built-in exercise catalogue, bundled with Spotter (derived from Hevy's own templates by
`scripts/derive-catalogue`), and a catalogue read from a Hevy `exercise_templates` JSON array."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources

from core.engine.names import ExerciseIndex, normalize_title
from core.hevy.models import HevyTemplate
from core.models import ExerciseTemplate


@cache
def builtin_catalogue() -> dict[str, ExerciseTemplate]:
    """The 433 built-in Hevy exercises, by id."""
    text = resources.files("core.engine").joinpath("data/hevy_catalogue.json").read_text()
    return {t["id"]: ExerciseTemplate.model_validate(t) for t in json.loads(text)}


def catalogue_from_json(text: str) -> dict[str, ExerciseTemplate]:
    """A catalogue from Hevy's `exercise_templates` JSON (an array, or the paged wrapper)."""
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("exercise_templates", [])
    if not isinstance(data, list):
        raise ValueError("expected a JSON array of Hevy exercise templates")
    return {t.id: t for t in (HevyTemplate.model_validate(item).to_domain() for item in data)}


# A lifter's own exercise that Spotter created (from a CSV title no catalogue knows), as opposed to
# Hevy's ids: stable per title, short enough for a Telegram button's callback data.
LOCAL_PREFIX = "custom-"
# The words of a title a guess reads: a lookup reads six, and leaving one out of each of eight
# covers every title a lifter would write, at a cost that is the same for any title.
GUESS_WORDS = 8
MUSCLES: tuple[str, ...] = (
    "chest", "shoulders", "triceps", "biceps", "forearms", "lats", "upper_back", "traps",
    "lower_back", "abdominals", "quadriceps", "hamstrings", "glutes", "calves", "adductors",
    "abductors", "neck", "full_body", "cardio", "other",
)  # fmt: skip
_EQUIPMENT_WORDS = {
    "barbell": "barbell",
    "dumbbell": "dumbbell",
    "machine": "machine",
    "cable": "machine",
    "smith": "machine",
    "kettlebell": "kettlebell",
    "band": "resistance_band",
    "plate": "plate",
}


def local_id(title: str) -> str:
    """The id of the lifter's own exercise called `title` (the same for the same title)."""
    digest = hashlib.sha256(normalize_title(title).encode()).hexdigest()[:12]
    return LOCAL_PREFIX + digest


def is_local(template_id: str) -> bool:
    return template_id.startswith(LOCAL_PREFIX)


def guess_template(title: str, kind: str) -> tuple[ExerciseTemplate, ExerciseTemplate | None]:
    """The lifter's own exercise for a title no catalogue knows, with muscles guessed from the
    closest built-in exercise (returned too, so the guess can be explained), or "other".

    `kind` is how it was logged (weight_reps, reps_only, duration …), which the lifter's data
    says better than any look-alike does."""
    base = re.sub(r"\(.*?\)", " ", title)
    text = re.sub(r"\b(push|pull|chin|sit)ups?\b", r"\1 up", normalize_title(base))
    words = [w for w in text.split() if w not in ("weighted", "my", "custom")]
    like = _closest(words[:GUESS_WORDS])
    equipment = next(
        (e for word, e in _EQUIPMENT_WORDS.items() if word in title.casefold()),
        like.equipment if like else "other",
    )
    template = ExerciseTemplate(
        id=local_id(title),
        title=title,
        type=kind,
        primary_muscle_group=like.primary_muscle_group if like else "other",
        secondary_muscle_groups=list(like.secondary_muscle_groups) if like else [],
        equipment=equipment,
        is_custom=True,
    )
    return template, like


@cache
def _builtin_index() -> ExerciseIndex:
    return ExerciseIndex(builtin_catalogue().values())


def _closest(words: list[str]) -> ExerciseTemplate | None:
    """The built-in exercise whose title covers all `words`, else (for three words or more) all
    but one of them; a single remaining word is too little to go on."""
    tries = [words]
    if len(words) >= 3:
        tries += [words[:i] + words[i + 1 :] for i in range(len(words))]
    index = _builtin_index()
    found = [m for attempt in tries for m in index.find(" ".join(attempt), limit=1)]
    return max(found, key=lambda m: m.score).template if found else None
