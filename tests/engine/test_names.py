"""Exercise names matched forgivingly, and ambiguity offered as a choice."""

from __future__ import annotations

from core.engine.names import find_exercises, resolve_exercise


def test_bench_means_the_bench_press_the_lifter_trains(catalogue) -> None:
    usage = {"79D0BB3A": 300}
    found, choices = resolve_exercise("bench", catalogue.values(), usage)
    assert found is not None and found.title == "Bench Press (Barbell)" and choices == []


def test_typos_and_abbreviations(catalogue) -> None:
    assert find_exercises("sqaut", catalogue.values())[0].template.title.startswith("Squat")
    assert find_exercises("rdl", catalogue.values())[0].template.title.startswith(
        "Romanian Deadlift"
    )
    assert find_exercises("ohp", catalogue.values())[0].template.title == "Overhead Press (Barbell)"
    assert find_exercises("db row", catalogue.values())[0].template.title == "Dumbbell Row"


def test_ambiguous_names_offer_a_choice_and_nonsense_finds_nothing(catalogue) -> None:
    found, choices = resolve_exercise("curl", catalogue.values())
    assert found is None and len(choices) >= 3
    assert all("Curl" in t.title for t in choices)
    assert resolve_exercise("zzzz qqq", catalogue.values()) == (None, [])
    assert resolve_exercise("79D0BB3A", catalogue.values())[0].id == "79D0BB3A"
