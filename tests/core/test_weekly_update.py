"""The weekly update fits a phone: every change with its reason when they fit in 8 lines, else
the first ones in short and /changes for the rest."""

from __future__ import annotations

from core.services.plan_loop import UPDATE_LINES, Change, weekly_update


def change(n: int) -> Change:
    title = f"Lift {n}"
    return Change(f"{title}: 3×8/8/8 reached the top of 6–8 → 3×6 at {80 + n} kg next week",
                  f"{title} → 3×6 at {80 + n} kg")  # fmt: skip


def test_a_few_changes_come_with_their_reasons() -> None:
    text = weekly_update("Week 2 of 5: it's in Hevy now.", [], [change(1), change(2)])
    assert text.splitlines() == [
        "Week 2 of 5: it's in Hevy now.",
        "• Lift 1: 3×8/8/8 reached the top of 6–8 → 3×6 at 81 kg next week",
        "• Lift 2: 3×8/8/8 reached the top of 6–8 → 3×6 at 82 kg next week",
    ]


def test_many_changes_are_summed_up_in_eight_lines_with_the_rest_on_demand() -> None:
    text = weekly_update(
        "Week 3 of 5: it's in Hevy now.", ["Lower B"], [change(n) for n in range(20)]
    )
    lines = text.splitlines()
    assert len(lines) == UPDATE_LINES == 8
    assert lines[1] == "Not logged last week: Lower B (same targets again)."
    assert lines[2] == "• Lift 0 → 3×6 at 80 kg", "short form"
    assert lines[-1] == "…and 15 more. Every change with its reason: /changes"
