"""Exercise names matched forgivingly, and ambiguity offered as a choice."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from core.engine.names import Trained, find_exercises, query_words, resolve_exercise


def test_bench_means_the_bench_press_the_lifter_trains(catalogue) -> None:
    trained = {"79D0BB3A": Trained(100, datetime(2026, 5, 1, tzinfo=UTC))}
    found, choices = resolve_exercise("bench", catalogue.values(), trained)
    assert found is not None and found.title == "Bench Press (Barbell)" and choices == []


def test_typos_and_abbreviations(catalogue) -> None:
    assert find_exercises("sqaut", catalogue.values())[0].template.title.startswith("Squat")
    assert find_exercises("rdl", catalogue.values())[0].template.title.startswith(
        "Romanian Deadlift"
    )
    assert find_exercises("ohp", catalogue.values())[0].template.title == "Overhead Press (Barbell)"
    assert find_exercises("db row", catalogue.values())[0].template.title == "Dumbbell Row"


def test_a_4kb_name_is_cut_to_a_name_and_matched_in_milliseconds(catalogue) -> None:
    started = time.perf_counter()
    for query in ("bench press incline " * 200, "x" * 4096, "é" * 4000, "squat " * 700):
        resolve_exercise(query, catalogue.values())
    # 17 s for one such query before matching was bounded; now a few milliseconds each.
    assert time.perf_counter() - started < 1.0
    assert query_words("bench press incline " * 200) == [
        "bench", "press", "incline", "bench", "press", "incline"
    ]  # fmt: skip


def test_ambiguous_names_offer_a_choice_and_nonsense_finds_nothing(catalogue) -> None:
    found, choices = resolve_exercise("curl", catalogue.values())
    assert found is None and len(choices) >= 3
    assert all("Curl" in t.title for t in choices)
    assert resolve_exercise("zzzz qqq", catalogue.values()) == (None, [])
    assert resolve_exercise("79D0BB3A", catalogue.values())[0].id == "79D0BB3A"
