"""Hevy's built-in exercise catalogue, bundled with Spotter (derived from Hevy's own templates by
`scripts/derive-catalogue`), and a catalogue read from a Hevy `exercise_templates` JSON array."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

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
