"""Finding exercises by what a lifter types: "bench" is their Bench Press (Barbell)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.models import ExerciseTemplate

_ALIASES = {
    "ohp": "overhead press",
    "rdl": "romanian deadlift",
    "bb": "barbell",
    "db": "dumbbell",
    "dl": "deadlift",
    "bp": "bench press",
    "pullup": "pull up",
    "pullups": "pull up",
    "chinup": "chin up",
    "chinups": "chin up",
    "squats": "squat",
    "curls": "curl",
    "rows": "row",
    "lunges": "lunge",
}


def _words(text: str) -> list[str]:
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()
    return " ".join(_ALIASES.get(w, w) for w in words).split()


@dataclass(frozen=True, slots=True)
class Match:
    template: ExerciseTemplate
    score: float


def find_exercises(
    query: str,
    catalogue: Iterable[ExerciseTemplate],
    usage: Mapping[str, int] | None = None,
    limit: int = 5,
) -> list[Match]:
    """Catalogue exercises matching `query`, best first.

    Every word typed must start a word of the title (typos forgiven by similarity); among
    equals, the exercises the lifter actually trains (`usage`: sets per template) come first.
    """
    usage = usage or {}
    wanted = _words(query)
    if not wanted:
        return []
    scored = []
    for template in catalogue:
        title = _words(template.title)
        if not title:
            continue
        per_word = []
        for word in wanted:
            best = max(
                1.0 if t.startswith(word) else difflib.SequenceMatcher(None, word, t).ratio()
                for t in title
            )
            per_word.append(best)
        coverage = min(per_word)
        if coverage < 0.75:
            continue
        exact = 1.0 if " ".join(wanted) == " ".join(title) else 0.0
        brevity = len(wanted) / len(title)
        habit = min(usage.get(template.id, 0), 200) / 400
        first = title[0].startswith(wanted[0]) or (
            difflib.SequenceMatcher(None, wanted[0], title[0]).ratio() >= 0.75
        )
        score = coverage * 2 + exact + brevity * 0.3 + habit + (0.5 if first else 0.0)
        scored.append(Match(template, score))
    scored.sort(key=lambda m: (-m.score, m.template.title))
    return scored[:limit]


def resolve_exercise(
    query: str, catalogue: Iterable[ExerciseTemplate], usage: Mapping[str, int] | None = None
) -> tuple[ExerciseTemplate | None, list[ExerciseTemplate]]:
    """The one exercise `query` means, or None and the candidates to choose from."""
    catalogue = list(catalogue)
    by_id = {t.id: t for t in catalogue}
    if query in by_id:
        return by_id[query], []
    matches = find_exercises(query, catalogue, usage, limit=6)
    if not matches:
        return None, []
    top = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if top.score - runner_up >= 0.25 or len(matches) == 1:
        return top.template, []
    return None, [m.template for m in matches]
