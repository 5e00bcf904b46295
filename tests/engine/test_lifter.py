"""What plans read from a log: staples by recent sets, starting loads from rep-matched work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.engine.e1rm import epley, load_for
from core.engine.lifter import LifterHistory, Planned
from core.engine.loads import LoadingProfile
from core.engine.prescription import starting_load
from core.engine.steps import Grid
from core.models import SetRow, SetType, Units

END = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def row(tid: str, weeks_ago: float, kg: float, reps: int, kind=SetType.NORMAL) -> SetRow:
    at = END - timedelta(weeks=weeks_ago)
    return SetRow(
        workout_id=f"{tid}-{weeks_ago}", start_time=at, exercise_index=0, template_id=tid,
        set_index=0, type=kind, weight_kg=kg, reps=reps,
    )  # fmt: skip


def test_a_new_block_starts_from_the_last_hard_week_not_a_six_week_median() -> None:
    """TRAINING.md, "From one block to the next": the best working sets of the last hard week,
    in the new range; a six-week median (82.5 here) threw each block's progress away."""
    history = LifterHistory.from_rows(
        [
            row("BENCH", 5, 80.0, 8),
            row("BENCH", 3, 82.5, 9),
            row("BENCH", 1, 85.0, 10),
            row("BENCH", 1, 100.0, 3),  # a heavy triple, far from 8–12
            row("BENCH", 0, 60.0, 10, SetType.WARMUP),
        ]
    )
    start = history.working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.source == "last"
    assert start.kg == 85.0 and start.reps == 11 and not start.heavier  # the climb goes on


def test_a_load_that_made_the_top_of_the_range_starts_one_step_heavier() -> None:
    history = LifterHistory.from_rows([row("BENCH", 0, 80.0, r) for r in (11, 11, 12)])
    start = history.working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.heavier and start.kg == 80.0


def test_a_deload_week_gives_way_to_the_hard_week_before_it() -> None:
    hard = [row("BENCH", 1, 80.0, 11) for _ in range(3)]
    deload = [row("BENCH", 0, 72.5, 8) for _ in range(1)]
    start = LifterHistory.from_rows(hard + deload).working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.kg == 80.0 and start.heavier


def test_a_load_cut_after_misses_carries_over_as_cut() -> None:
    missed = [row("BENCH", w, 80.0, 6) for w in (4, 3, 2) for _ in range(3)]
    cut = [row("BENCH", 1, 70.0, 8) for _ in range(3)]
    start = LifterHistory.from_rows(missed + cut).working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.kg == 70.0 and start.reps == 9


def test_misses_in_the_last_hard_week_start_from_that_weeks_e1rm() -> None:
    missed = [row("BENCH", 0, 80.0, 5) for _ in range(3)]
    start = LifterHistory.from_rows(missed).working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.source == "e1rm"
    assert start.kg == pytest.approx(load_for(epley(80.0, 5), 8, 8.0)) and start.kg < 80


def test_a_top_set_starts_from_the_current_e1rm() -> None:
    # One estimator for the series, as the weekly advance reads a top set: the RTS chart, at
    # the target RPE when none was logged (Epley here then the chart lost ~6 % every block).
    history = LifterHistory.from_rows([row("SQUAT", 0, 100.0, 5) for _ in range(3)])
    start = history.working_load("SQUAT", 3, 5, 8.0, top_set=True)
    assert start is not None and start.source == "e1rm"
    assert start.kg == pytest.approx(load_for(100.0 / 0.811, 3, 8.0))


def test_the_same_top_set_starts_the_next_block_at_its_own_load() -> None:
    history = LifterHistory.from_rows([row("SQUAT", 0, 140.0, 3)])
    start = history.working_load("SQUAT", 3, 5, 7.5, top_set=True)
    assert start is not None and start.kg == pytest.approx(140.0)


def test_sets_above_twelve_reps_still_give_a_load() -> None:
    history = LifterHistory.from_rows([row("RAISE", w, 8.0, 18) for w in (1, 2, 3)])
    start = history.working_load("RAISE", 12, 16, 8.0)
    assert start is not None and start.kg == 8.0 and start.heavier  # past the top of 12–16
    far = history.working_load("RAISE", 3, 5, 8.0)
    assert far is not None and far.source == "e1rm"
    assert far.kg == pytest.approx(load_for(epley(8.0, 18), 3, 8.0))


def test_a_load_the_last_plan_held_after_misses_is_not_stepped_over() -> None:
    history = LifterHistory.from_rows([row("BENCH", 0, 80.0, r) for r in (12, 12, 12)])
    history.planned["BENCH"] = Planned(kg=77.5, reps=8, misses=1)
    start = history.working_load("BENCH", 8, 12, 8.0)
    assert start is not None and start.kg == 77.5 and not start.heavier and start.held


def test_time_off_counts_from_today_not_from_the_last_session() -> None:
    rows = [row("SQUAT", 0, 100.0, 5), row("ROW", 20, 70.0, 10)]
    history = LifterHistory.from_rows(rows, today=END + timedelta(weeks=34))
    back = history.comeback()
    assert (back.weeks_off, back.first_share, back.full_by) == (34, 0.7, 4)
    assert history.working_load("SQUAT", 3, 5, 8.0).comeback == back  # type: ignore[union-attr]
    # As of the last session there is no break at all.
    assert not LifterHistory.from_rows(rows).comeback("SQUAT").lighter


def test_an_exercise_rested_for_months_while_others_went_on_has_its_own_clock() -> None:
    history = LifterHistory.from_rows(
        [row("SQUAT", 0, 100.0, 5), row("ROW", 216, 70.0, 10), row("CURL", 3, 20.0, 10)],
        today=END + timedelta(days=2),
    )
    start = history.working_load("ROW", 8, 12, 8.0)
    assert start is not None and start.kg == 70.0  # the full load; the plan's weeks ramp it
    assert (start.comeback.weeks_off, start.comeback.first_share) == (216, 0.7)
    assert not history.comeback("CURL").lighter  # three weeks off one lift is rotation
    assert not history.comeback().lighter


def test_staples_rank_by_the_last_twelve_weeks_then_all_time() -> None:
    history = LifterHistory.from_rows(
        [row("OLD", 30, 50.0, 10)] * 40
        + [row("NEW", 2, 50.0, 10)] * 5
        + [row("BW", 1, 0.0, 12)] * 3  # bodyweight sets count as training, give no load
    )
    assert history.staple_rank("NEW") > history.staple_rank("OLD") > history.staple_rank("X")
    assert history.favourites({"OLD", "NEW", "BW"}, count=2) == {"NEW", "BW"}
    assert history.trained("BW") and history.working_load("BW", 8, 12, 8.0) is None
    assert LifterHistory().working_load("NEW", 8, 12, 8.0) is None


def rpe_row(tid: str, weeks_ago: float, kg: float, reps: int, rpe: float) -> SetRow:
    return row(tid, weeks_ago, kg, reps).model_copy(update={"rpe": rpe})


def test_a_top_set_starts_from_the_last_successful_exposure_not_a_failed_single() -> None:
    """TRAINING.md, "Misses": re-estimating the e1RM from a bad day and also cutting is a
    stacked reduction. Three weeks of 92.5 × 1 @ RPE 10 (against 3 @ 7.5) after 82.5 × 3 made
    at target: the next block starts from that triple (82.5), not the single's e1RM (~77)."""
    made = [rpe_row("SQUAT", 4, 82.5, 3, 7.5)]
    failed = [rpe_row("SQUAT", w, 92.5, 1, 10.0) for w in (3, 2, 1)]
    start = LifterHistory.from_rows(made + failed).working_load("SQUAT", 3, 5, 7.5, top_set=True)
    assert start is not None and start.kg == pytest.approx(82.5)
    assert start.exposure is not None and (start.exposure.kg, start.exposure.reps) == (82.5, 3)


def test_a_light_cable_that_reached_the_extended_range_starts_the_block_a_step_heavier() -> None:
    """TRAINING.md, "Load steps": take the step when the extended range is done. 3 × 18 at 40 lb
    on a 10–15 fly (a 20 lb step is 50 %) starts the next block at 60 lb × 10, not 40 × 15;
    3 × 16 there goes on at 40 lb for 17, not back to 15."""
    grid = Grid.learned([18.144, 27.216], Units.LB, "cable", LoadingProfile.for_units(Units.LB))
    done = LifterHistory.from_rows([row("FLY", 0, 18.144, 18) for _ in range(3)])
    start = done.working_load("FLY", 10, 15, 8.0)
    assert start is not None
    assert starting_load(start, 10, 15, grid) == (pytest.approx(27.216, abs=0.01), 10)
    on_the_way = LifterHistory.from_rows([row("FLY", 0, 18.144, 16) for _ in range(3)])
    start = on_the_way.working_load("FLY", 10, 15, 8.0)
    assert start is not None
    assert starting_load(start, 10, 15, grid) == (pytest.approx(18.144, abs=0.01), 17)


def note_for(history: LifterHistory, tid: str, low: int, high: int, grid: Grid) -> tuple:
    """Week 1's load, reps and note for `tid` as a new block starts it (kg)."""
    from core.engine.prescription import load_note

    start = history.working_load(tid, low, high, 8.0)
    assert start is not None
    load, reps = starting_load(start, low, high, grid)
    note = load_note(start, low, high, load, reps, LoadingProfile(), history.comeback())
    return load, reps, note


def test_a_start_rounded_up_onto_the_grid_is_the_progress_not_a_rep_more_as_well() -> None:
    """3 × 9 at 29.5 kg on dumbbells of 2 kg steps: 30 kg × 9 (it was 30 × 10: two increases
    at once), and the note names 30 kg instead of "same load"."""
    grid = Grid.learned([26.0, 28.0], Units.KG, "dumbbell")
    history = LifterHistory.from_rows([row("DB", 0, 29.5, 9) for _ in range(3)])
    load, reps, note = note_for(history, "DB", 8, 12, grid)
    assert (load, reps) == (30.0, 9)
    assert note == "Your last hard week: 3×9 at 29.5 kg: 30 kg, 9 reps again."


def test_a_start_rounded_down_says_the_load_it_gives_not_same_load() -> None:
    grid = Grid.learned([26.0, 28.0], Units.KG, "dumbbell")
    history = LifterHistory.from_rows([row("DB", 0, 28.5, 9) for _ in range(3)])
    load, reps, note = note_for(history, "DB", 8, 12, grid)
    assert (load, reps) == (28.0, 10)
    assert note == "Your last hard week: 3×9 at 28.5 kg: 28 kg, aim for 10."


def test_hard_reps_above_the_range_hold_the_load_and_say_the_reps_asked() -> None:
    """3 × 16 at RPE 9.5 on a 10–15 range (target 8): the same load at 15 reps, said as "15
    reps", not "aim for 15" after 16 were made."""
    grid = Grid.learned([], Units.KG, "machine")
    history = LifterHistory.from_rows([rpe_row("PUSH", 0, 30.0, 16, 9.5) for _ in range(3)])
    load, reps, note = note_for(history, "PUSH", 10, 15, grid)
    assert (load, reps) == (30.0, 15)
    assert note == "Your last hard week: 3×16 at 30 kg: same load, 15 reps."


def test_from_the_log_alone_three_missed_weeks_start_the_block_at_one_cut_not_their_e1rm() -> None:
    """`spotter plan --history` knows no previous plan: 60 lb pushdowns made 12 reps, then
    missed 10–15 three weeks running (8 reps), then a deload. The next block starts one cut
    lower (55 lb on the stack) with the run counted, not at 50 lb from the bad weeks' e1RM
    (−17 %, a cut stacked on a cut); after one missed week it holds 60 lb."""
    lb = 1 / 2.20462262185
    stack = [55 * lb, 60 * lb]  # a 5 lb stack (the default 10 lb one has no cut within 15 %)
    grid = Grid.learned(stack, Units.LB, "machine", LoadingProfile.for_units(Units.LB))
    made = [row("PUSH", 5, 60 * lb, 12) for _ in range(3)]
    missed = [row("PUSH", w, 60 * lb, 8) for w in (4, 3, 2) for _ in range(3)]
    deload = [row("PUSH", 1, 55 * lb, 10)]
    start = LifterHistory.from_rows(made + missed + deload).working_load("PUSH", 10, 15, 8.0)
    assert start is not None
    load, reps = starting_load(start, 10, 15, grid)
    assert (round(load / lb, 1), reps) == (55.0, 10)  # it was 50 lb
    assert (start.misses, start.cut) == (3, True)
    assert start.held_text == "Missed 3 sessions in a row: one cut of ~10 %, it starts there."
    once = LifterHistory.from_rows([*made, *missed[:3]]).working_load("PUSH", 10, 15, 8.0)
    assert once is not None and (round(once.kg / lb, 1), once.misses, once.cut) == (60, 1, False)


def test_a_top_set_starts_from_the_weeks_heaviest_success_not_its_lighter_last_day() -> None:
    """Squat 84 kg × 3 @ 7.5 on Monday, 75 kg × 5 @ 8 on a lighter Friday: the next block's
    3 @ 7.5 top set is 84 kg again (from Friday's e1RM it was 80: a drop for a good week)."""
    monday = [rpe_row("SQUAT", 0.0, 84.0, 3, 7.5)]
    friday = [rpe_row("SQUAT", -4 / 7, 75.0, 5, 8.0) for _ in range(2)]
    start = LifterHistory.from_rows(monday + friday).working_load("SQUAT", 3, 5, 7.5, top_set=True)
    assert start is not None and start.kg == pytest.approx(84.0, abs=0.01)


def test_from_the_log_alone_a_last_set_short_of_the_range_is_a_missed_session() -> None:
    """real-lb's overhead press: 3 × 12 at 45 lb, then 8/8/6 at 50 lb three weeks running (an
    8–12 range: the 6 is a rep miss) and a deload. The block after starts at the one cut (45 lb),
    not back at 50 lb "same load" as if 8/8/6 had made the range (the cut was lost)."""
    lb = 1 / 2.20462262185
    made = [row("OHP", 5, 45 * lb, 12) for _ in range(3)]
    missed = [row("OHP", w, 50 * lb, r) for w in (4, 3, 2) for r in (8, 8, 6)]
    deload = [row("OHP", 1, 45 * lb, 8)]
    start = LifterHistory.from_rows(made + missed + deload).working_load("OHP", 8, 12, 8.0)
    assert start is not None and (start.misses, start.cut_due) == (3, True)
    grid = Grid.learned([45 * lb, 50 * lb], Units.LB, "barbell", LoadingProfile.for_units(Units.LB))
    load, _reps = starting_load(start, 8, 12, grid)
    assert round(load / lb) == 45


def test_from_the_log_alone_misses_count_per_session_not_per_week() -> None:
    """The beginner's squat, twice a week: 55 made, then four failed sessions at 60 kg in two
    weeks — past the 3 in a row that bring the cut (they were counted as 2 weeks: held)."""
    made = [row("SQ", 3, 55.0, 5), row("SQ", 2.9, 55.0, 5)]
    missed = [row("SQ", w, 60.0, r) for w in (2, 1.9, 1, 0.9) for r in (5, 3)]
    start = LifterHistory.from_rows(made + missed).working_load("SQ", 5, 5, 8.0)
    assert start is not None and (start.misses, start.cut_due) == (4, True), start


def test_from_the_log_alone_a_session_written_a_step_ahead_is_not_a_cut() -> None:
    """A linear lift's week is written a step a session: 60 then 65 kg, both missed, then 60
    twice more. Nothing was cut (the run began at 60 and ends there): the next block takes the
    one cut (55), not "the same load again" for ever at 60."""
    made = [row("SQ", 3, 55.0, 5), row("SQ", 2.9, 55.0, 5)]
    missed = [row("SQ", w, kg, r) for w, kg in ((2, 60.0), (1.9, 65.0), (1, 60.0), (0.9, 60.0))
              for r in (5, 3)]  # fmt: skip
    start = LifterHistory.from_rows(made + missed).working_load("SQ", 5, 5, 8.0)
    assert start is not None and (start.kg, start.misses, start.cut_due) == (60.0, 4, True)
    missed_then_cut = [row("SQ", w, kg, r) for w, kg in ((2, 60.0), (1.9, 60.0), (1, 55.0))
                       for r in (5, 3)]  # fmt: skip
    held = LifterHistory.from_rows(made + missed_then_cut).working_load("SQ", 5, 5, 8.0)
    assert held is not None and (held.kg, held.cut_due) == (55.0, False)  # cut once, it stands
