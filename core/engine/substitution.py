"""Alternatives to an exercise from the lifter's own catalogue, ranked, with the reasons.

Scoring follows Liftosaur's: the same primary muscle +60 (else −30); sharing secondaries +30
(else −15); −20 for cable and leverage machines. Exercises that need missing equipment or that
a stated injury rules out are not offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.engine.injuries import fits_equipment, injury_conflict
from core.models import ExerciseTemplate


@dataclass(frozen=True, slots=True)
class Candidate:
    template: ExerciseTemplate
    score: int
    reasons: tuple[str, ...]


def alternatives(
    original: ExerciseTemplate,
    catalogue: Iterable[ExerciseTemplate],
    equipment: Iterable[str],
    injuries: Iterable[str] = (),
    limit: int = 5,
) -> list[Candidate]:
    """The best substitutes for `original`, best first (ties: custom exercises, then title)."""
    equipment, injuries = list(equipment), list(injuries)
    ranked = []
    for candidate in catalogue:
        if candidate.id == original.id or candidate.type != original.type:
            continue
        if not fits_equipment(candidate, equipment) or injury_conflict(candidate, injuries):
            continue
        score, reasons = 0, []
        if candidate.primary_muscle_group == original.primary_muscle_group:
            score += 60
            reasons.append(f"same primary muscle ({original.primary_muscle_group})")
        else:
            score -= 30
            reasons.append(f"works {candidate.primary_muscle_group} first")
        shared = set(candidate.secondary_muscle_groups) & set(original.secondary_muscle_groups)
        if shared:
            score += 30
            reasons.append(f"also works {', '.join(sorted(shared))}")
        elif original.secondary_muscle_groups:
            score -= 15
        if candidate.equipment == "machine":
            score -= 20
            reasons.append("machine")
        ranked.append(Candidate(candidate, score, tuple(reasons)))
    ranked.sort(key=lambda c: (-c.score, not c.template.is_custom, c.template.title))
    return ranked[:limit]
