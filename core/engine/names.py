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


MAX_QUERY_CHARS = 80  # an exercise name is short; longer input is cut before any matching
MAX_QUERY_WORDS = 6
SIMILAR = 0.75  # a typed word this similar to a title word counts as that word


def _words(text: str) -> list[str]:
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()
    return " ".join(_ALIASES.get(w, w) for w in words).split()


def query_words(query: str) -> list[str]:
    """The words of what was typed, bounded: matching costs the same for any input."""
    return _words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]


def _likeness(word: str, candidate: str) -> float:
    """1 when `candidate` starts with `word`, else their similarity (0 below SIMILAR)."""
    if candidate.startswith(word):
        return 1.0
    matcher = difflib.SequenceMatcher(None, word, candidate)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0  # the cheap upper bounds already rule it out
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILAR else 0.0


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
    Each typed word is compared once with each distinct title word of the catalogue (a few
    hundred), not once per title, so a lookup takes milliseconds whatever is typed.
    """
    usage = usage or {}
    wanted = query_words(query)
    if not wanted:
        return []
    titled = [(template, _words(template.title)) for template in catalogue]
    vocabulary = {word for _, title in titled for word in title}
    likeness = {w: {v: _likeness(w, v) for v in vocabulary} for w in set(wanted)}
    joined = " ".join(wanted)
    scored = []
    for template, title in titled:
        if not title:
            continue
        coverage = min(max(likeness[w][t] for t in title) for w in wanted)
        if coverage < SIMILAR:
            continue
        exact = 1.0 if joined == " ".join(title) else 0.0
        brevity = len(wanted) / len(title)
        habit = min(usage.get(template.id, 0), 200) / 400
        first = likeness[wanted[0]][title[0]] >= SIMILAR
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
    if len(query) <= MAX_QUERY_CHARS and query in by_id:
        return by_id[query], []
    matches = find_exercises(query, catalogue, usage, limit=6)
    if not matches:
        return None, []
    top = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if top.score - runner_up >= 0.25 or len(matches) == 1:
        return top.template, []
    return None, [m.template for m in matches]
