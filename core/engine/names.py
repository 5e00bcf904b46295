"""Finding exercises by what a lifter types: "bench" is their Bench Press (Barbell).

Names resolve among the exercises the lifter has logged first (ranked by sessions, recent ones
weighing more), then the catalogue: "chin up" is the Chin Up (Weighted) they did 58 times, not
the built-in Chin Up they never did. Every caller (the chat, the coach's tools, the Mini App,
plan edits) goes through `find_exercises` / `resolve_exercise`, fed with `Trained` figures."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

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


_ASCII_GAPS = re.compile(r"[^0-9a-z]+")
# The marks Latin, Greek and Cyrillic letters carry, and those that only dress a symbol (emoji
# variation selectors, the keycap).
_NOT_SPELLING = re.compile("[\u0300-\u036f\u20e3\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def title_words(text: str) -> list[str]:
    """The words of an exercise title, in any script: case, accents, punctuation, symbols and
    spacing ignored ("Développé couché" is "developpe couche", "Жим лёжа" is "жим лежа").

    ASCII text keeps the words it always had (own exercises' ids are made from them); other
    text is decomposed (NFKD), loses the accents of Latin, Greek and Cyrillic letters, but keeps
    the marks other scripts spell with (Japanese dakuten, Devanagari vowel signs)."""
    folded = text.casefold()
    if folded.isascii():
        return _ASCII_GAPS.sub(" ", folded).split()
    plain = unicodedata.normalize(
        "NFC", _NOT_SPELLING.sub("", unicodedata.normalize("NFKD", folded)).casefold()
    )
    kept: list[str] = []
    for c in plain:
        spelled = c.isalnum() or (
            unicodedata.category(c).startswith("M") and kept and kept[-1] != " "
        )
        kept.append(c if spelled else " ")
    return "".join(kept).split()


def normalize_title(title: str) -> str:
    """A forgiving form of an exercise title, the same for titles a lifter would call the same;
    a title with no words at all (emoji only) is its own, spacing and case ignored."""
    return " ".join(title_words(title)) or " ".join(title.casefold().split())


def _words(text: str) -> list[str]:
    return " ".join(_ALIASES.get(w, w) for w in title_words(text)).split()


def query_words(query: str) -> list[str]:
    """The words of what was typed, bounded: matching costs the same for any input."""
    return _words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]


def _likeness(word: str, candidate: str, shared: int) -> float:
    """1 when `candidate` starts with `word`, else their similarity (0 below SIMILAR).

    `shared` is how many letters the two have in common (counted with repeats), which the
    index counts for every candidate at once, so difflib's cheap upper bounds cost nothing."""
    if candidate.startswith(word):
        return 1.0
    total = len(word) + len(candidate)
    if 2 * min(len(word), len(candidate)) < SIMILAR * total or 2 * shared < SIMILAR * total:
        return 0.0  # difflib's real_quick_ratio and quick_ratio
    ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
    return ratio if ratio >= SIMILAR else 0.0


EXACT, LEADING, CONTAINED = 3, 2, 1  # the same words; the first one first; somewhere
HALF_LIFE_DAYS = 180  # a session this much older than the lifter's latest counts half


@dataclass(frozen=True, slots=True)
class Match:
    template: ExerciseTemplate
    score: float  # how well the title fits what was typed
    fit: int = CONTAINED
    as_typed: bool = True  # every word as typed (False: some only alike, a typo)


@dataclass(frozen=True, slots=True)
class Trained:
    """How much and how lately the lifter has done one exercise (working sets)."""

    sessions: int
    last: datetime


def habit(trained: Mapping[str, Trained]) -> dict[str, float]:
    """Each logged exercise's weight: its sessions, halved for every HALF_LIFE_DAYS its last one
    lies before the lifter's latest (so a lift dropped a year ago yields to today's)."""
    if not trained:
        return {}
    latest = max(t.last for t in trained.values())
    return {
        tid: t.sessions * 0.5 ** ((latest - t.last).total_seconds() / 86400 / HALF_LIFE_DAYS)
        for tid, t in trained.items()
    }


def most_trained(trained: Mapping[str, Trained]) -> list[str]:
    """The logged exercises' ids, the most trained (by `habit`) first."""
    weight = habit(trained)
    return sorted(weight, key=lambda tid: (-weight[tid], tid))


class ExerciseIndex:
    """A catalogue prepared once for any number of lookups: each title's words, and which
    titles hold each distinct word, so a lookup compares what was typed with the few hundred
    distinct words and scores only the titles holding a word like each typed one."""

    CACHED_WORDS = 4096  # typed words whose likeness is remembered (bounded: input is anything)

    def __init__(self, catalogue: Iterable[ExerciseTemplate]) -> None:
        self._titled = [(template, _words(template.title)) for template in catalogue]
        self._holding: dict[str, list[int]] = {}
        for i, (_, title) in enumerate(self._titled):
            for word in dict.fromkeys(title):
                self._holding.setdefault(word, []).append(i)
        # letter → the catalogue's words with it, and how often: the words sharing no letter
        # with a typed one (most of them; all, for a word in another script) are never visited.
        self._with_letter: dict[str, list[tuple[str, int]]] = {}
        for word in self._holding:
            for letter, n in Counter(word).items():
                self._with_letter.setdefault(letter, []).append((word, n))
        self._alike: dict[str, dict[str, float]] = {}

    def _like(self, word: str) -> dict[str, float]:
        """The catalogue's words like `word`, with how alike (SIMILAR or more)."""
        alike = self._alike.get(word)
        if alike is None:
            if len(self._alike) >= self.CACHED_WORDS:
                self._alike.clear()
            shared: dict[str, int] = {}
            for letter, n in Counter(word).items():
                for v, k in self._with_letter.get(letter, ()):
                    shared[v] = shared.get(v, 0) + min(n, k)
            alike = {v: s for v, m in shared.items() if (s := _likeness(word, v, m))}
            self._alike[word] = alike
        return alike

    def find(self, query: str, limit: int | None = 5) -> list[Match]:
        """Catalogue exercises matching `query`, by how well their titles fit it."""
        wanted = query_words(query)
        if not wanted:
            return []
        likeness = {w: self._like(w) for w in wanted}
        candidates: set[int] | None = None
        for alike in likeness.values():
            holding = {i for v in alike for i in self._holding[v]}
            candidates = holding if candidates is None else candidates & holding
            if not candidates:
                return []
        joined = " ".join(wanted)
        scored = []
        for i in sorted(candidates or ()):
            template, title = self._titled[i]
            coverage = min(max(likeness[w].get(t, 0.0) for t in title) for w in wanted)
            exact = joined == " ".join(title)
            brevity = len(wanted) / len(title)
            first = likeness[wanted[0]].get(title[0], 0.0) >= SIMILAR
            score = coverage * 2 + exact + brevity * 0.3 + (0.5 if first else 0.0)
            fit = EXACT if exact else LEADING if first else CONTAINED
            scored.append(Match(template, score, fit, coverage == 1))
        scored.sort(key=lambda m: (-m.score, m.template.title))
        return scored[:limit]


def find_exercises(
    query: str,
    catalogue: Iterable[ExerciseTemplate],
    trained: Mapping[str, Trained] | None = None,
    limit: int = 5,
) -> list[Match]:
    """Exercises matching `query`: the lifter's logged ones first, most trained first (see
    `habit`), then the rest of the catalogue, best fitting title first.

    Every word typed must start a word of the title (typos forgiven by similarity). Each typed
    word is compared once with each distinct title word of the catalogue (a few hundred), not
    once per title, so a lookup takes milliseconds whatever is typed."""
    trained = trained or {}
    weight = habit(trained)
    matches = ExerciseIndex(catalogue).find(query, limit=None)
    if any(m.as_typed for m in matches):  # a typo is forgiven only when nothing else fits:
        matches = [m for m in matches if m.as_typed]  # "pulldown" is no "pushdown" then
    own = sorted(
        (m for m in matches if m.template.id in weight),
        key=lambda m: (-weight[m.template.id], -m.score, m.template.title),
    )
    return [*own, *(m for m in matches if m.template.id not in weight)][:limit]


def resolve_exercise(
    query: str, catalogue: Iterable[ExerciseTemplate], trained: Mapping[str, Trained] | None = None
) -> tuple[ExerciseTemplate | None, list[ExerciseTemplate]]:
    """The one exercise `query` means, or None and the candidates to choose from.

    When it matches exercises the lifter has logged, it means one of those: the one they
    named exactly, or the one that beats each other one (fits the words as well and is trained
    DOMINANT times as much, or fits better and is trained at least 1/DOMINANT as much: "bench"
    is the Bench Press (Barbell) beside an Incline Bench trained about as often); else they
    choose, most trained first. Only when nothing logged matches does the catalogue
    answer, by the best fitting title."""
    catalogue = list(catalogue)
    trained = trained or {}
    by_id = {t.id: t for t in catalogue}
    if len(query) <= MAX_QUERY_CHARS and query in by_id:
        return by_id[query], []
    matches = find_exercises(query, catalogue, trained, limit=len(catalogue))
    own = [m for m in matches if m.template.id in trained]
    if own:
        return _among_own(own, habit(trained))
    if not matches:
        if len(query) > MAX_QUERY_CHARS:
            return None, []
        # A title without words (emoji only) is found by itself, written the same.
        key = normalize_title(query)
        named = [t for t in catalogue if normalize_title(t.title) == key]
        return (named[0], []) if len(named) == 1 else (None, named[:CHOICES])
    top = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if top.score - runner_up >= 0.25 or len(matches) == 1:
        return top.template, []
    return None, [m.template for m in matches[:CHOICES]]


CHOICES = 6  # candidates offered when a name is unclear (one button each)
DOMINANT = 2.5  # how much more trained a logged exercise must be to be meant by a shared name


def _among_own(
    own: list[Match], weight: Mapping[str, float]
) -> tuple[ExerciseTemplate | None, list[ExerciseTemplate]]:
    """Which of the logged exercises matching a name it means (`own`: most trained first)."""
    exact = [m for m in own if m.fit == EXACT]
    if len(exact) == 1:
        return exact[0].template, []

    def beats(one: Match, other: Match) -> bool:
        mine, theirs = weight[one.template.id], weight[other.template.id]
        if one.fit == other.fit:
            return mine >= DOMINANT * theirs
        return one.fit > other.fit and DOMINANT * mine >= theirs

    for one in own:
        if all(beats(one, other) for other in own if other is not one):
            return one.template, []
    return None, [m.template for m in own[:CHOICES]]
