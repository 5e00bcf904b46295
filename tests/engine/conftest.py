"""The catalogue the engine tests plan from: Hevy's built-ins as the sandbox serves them."""

from __future__ import annotations

import pytest

from core.hevy.models import HevyTemplate
from core.models import ExerciseTemplate
from sandbox.catalogue import built_in_templates


def catalogue_map() -> dict[str, ExerciseTemplate]:
    return {t["id"]: HevyTemplate.model_validate(t).to_domain() for t in built_in_templates()}


@pytest.fixture
def catalogue() -> dict[str, ExerciseTemplate]:
    return catalogue_map()
