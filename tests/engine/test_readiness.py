"""The readiness check-in fits today's session to today (TRAINING.md: "Building a plan" for the
priorities when time is short, "Load steps" for the lifter's grid, "Injuries" and
"Substitution" for what hurts). Each test names the rule it holds the engine to."""

from __future__ import annotations

import pytest

from core.engine.plan import PlanDay, PlannedExercise
from core.engine.readiness import TIME_SHARE, Answer, adjust_session, tier
from core.engine.steps import Grid
from core.models import ExerciseTemplate, Units


def _t(tid, title, muscle, equipment, secondary=()):
    return ExerciseTemplate(
        id=tid,
        title=title,
        primary_muscle_group=muscle,
        secondary_muscle_groups=list(secondary),
        equipment=equipment,
    )


CATALOGUE = {
    t.id: t
    for t in [
        _t("SQ", "Squat (Barbell)", "quadriceps", "barbell", ["glutes", "hamstrings"]),
        _t("RDL", "Romanian Deadlift (Barbell)", "hamstrings", "barbell", ["glutes"]),
        _t("LP", "Leg Press (Machine)", "quadriceps", "machine", ["glutes", "hamstrings"]),
        _t("LE", "Leg Extension (Machine)", "quadriceps", "machine"),
        _t("LC", "Lying Leg Curl (Machine)", "hamstrings", "machine"),
        _t("CALF", "Standing Calf Raise (Machine)", "calves", "machine"),
        _t("SEATCALF", "Seated Calf Raise", "calves", "machine"),
        _t("CR", "Cable Crunch", "abdominals", "machine"),
        _t("CURL", "Bicep Curl (Dumbbell)", "biceps", "dumbbell"),
    ]
}
KG = Grid(Units.KG, 2.5, 20.0, reps_first=False)
STACK = Grid(Units.KG, 5.0, 5.0)
DUMBBELL = Grid(Units.KG, 2.5, 2.5)
GRIDS = {"SQ": KG, "RDL": KG, "LP": STACK, "LE": STACK, "LC": STACK, "CALF": STACK, "CR": STACK}
GRIDS |= {"CURL": DUMBBELL, "SEATCALF": STACK}


def _ex(tid, sets, reps, load, rest=120, **kw):
    return PlannedExercise(
        template_id=tid, sets=sets, reps=reps, load_kg=load, rest_seconds=rest, **kw
    )


LOWER = PlanDay(
    key="day-1",
    name="Lower A",
    weekday=1,
    exercises=[
        _ex("SQ", 4, 5, 100.0, rest=180, warmup_sets=2, rpe=8, rep_low=4, rep_high=6),
        _ex("RDL", 3, 8, 80.0, rest=150, rep_low=6, rep_high=10),
        _ex("LE", 3, 12, 60.0, rest=90, rep_low=10, rep_high=15),
        _ex("LC", 3, 12, 55.0, rest=90, rep_low=10, rep_high=15),
        _ex("CALF", 3, 12, 60.0, rest=60, superset=1),
        _ex("CR", 3, 15, 60.0, rest=60, superset=1),
    ],
)


def _by_id(day):
    return {ex.template_id: ex for ex in day.exercises}


def test_no_answer_is_the_plan_as_written():
    adjusted = adjust_session(LOWER, Answer(), CATALOGUE, GRIDS)
    assert adjusted.day == LOWER
    assert not adjusted.changed
    assert adjusted.summary() == "as planned"


@pytest.mark.parametrize("time", ["two_thirds", "half"])
def test_short_of_time_the_session_fits_and_the_first_heavy_compound_keeps_its_work(time):
    """Time per set as the plan's time model counts it; the session ends within the share."""
    adjusted = adjust_session(LOWER, Answer(time=time), CATALOGUE, GRIDS)
    assert adjusted.day.estimated_minutes <= LOWER.estimated_minutes * TIME_SHARE[time]
    assert _by_id(adjusted.day)["SQ"] == LOWER.exercises[0]
    assert adjusted.changed


def test_short_of_time_small_muscles_give_way_before_big_ones():
    """TRAINING.md: when not everything fits, the small muscles (calves, abs) go first, then
    arms; the big muscles' work is trimmed last."""
    adjusted = adjust_session(LOWER, Answer(time="two_thirds"), CATALOGUE, GRIDS)
    kept = _by_id(adjusted.day)
    assert "CALF" not in kept and "CR" not in kept
    assert set(kept) >= {"SQ", "RDL"}
    gone_tiers = [tier(CATALOGUE[t]) for t in ("CALF", "CR")]
    assert max(gone_tiers) < min(tier(CATALOGUE[t]) for t in kept)
    half = _by_id(adjust_session(LOWER, Answer(time="half"), CATALOGUE, GRIDS).day)
    assert set(half) <= set(kept)  # less time takes more away, never something else


def test_half_time_says_how_many_lifts_are_left():
    adjusted = adjust_session(LOWER, Answer(time="half"), CATALOGUE, GRIDS)
    assert adjusted.summary().startswith(f"{len(adjusted.day.exercises)} of 6 lifts")


def test_tired_loads_are_5_to_10_percent_lighter_on_the_lifters_grid():
    adjusted = adjust_session(LOWER, Answer(feel="tired"), CATALOGUE, GRIDS)
    for planned, today in zip(LOWER.exercises, adjusted.day.exercises, strict=True):
        assert 0.90 - 1e-9 <= today.load_kg / planned.load_kg <= 0.95 + 1e-9
        grid = GRIDS[planned.template_id]
        assert grid.round(today.load_kg) == pytest.approx(today.load_kg)
        assert (today.sets, today.reps) == (planned.sets, planned.reps)
    assert _by_id(adjusted.day)["SQ"].load_kg == 92.5  # ~7.5 % on 2.5 kg steps


def test_tired_on_an_lb_grid_stays_on_round_pounds():
    lb = Grid(Units.LB, 5.0, 45.0, reps_first=False)
    day = LOWER.model_copy(update={"exercises": [_ex("SQ", 3, 5, 225 * 0.45359237)]})
    today = adjust_session(day, Answer(feel="tired"), CATALOGUE, {"SQ": lb}).day.exercises[0]
    pounds = today.load_kg / 0.45359237
    assert pounds == pytest.approx(round(pounds / 5) * 5, abs=0.01)
    assert 0.90 <= pounds / 225 <= 0.95


def test_tired_where_the_grid_has_no_lighter_step_keeps_the_load_one_more_rep_in_reserve():
    """A 10 kg dumbbell's next step down is 25 %: not ~5–10 %, so the load stays and the set
    stops a rep earlier (one rep fewer, RPE target a point lower)."""
    day = LOWER.model_copy(
        update={"exercises": [_ex("CURL", 3, 10, 10.0, rpe=8, rep_low=8, rep_high=12)]}
    )
    adjusted = adjust_session(day, Answer(feel="tired"), CATALOGUE, GRIDS)
    today = adjusted.day.exercises[0]
    assert (today.load_kg, today.reps, today.rpe) == (10.0, 9, 7.0)
    assert adjusted.eased == ("Bicep Curl (Dumbbell)",)
    assert "one more rep in reserve" in adjusted.summary()


def test_knee_pain_swaps_the_squat_for_a_movement_that_spares_it_and_keeps_the_slot():
    """TRAINING.md, "Injuries": the replacement keeps the slot's intent (a squat stays a
    knee-dominant leg lift); the one the lifter has loads for is picked, at that load."""
    adjusted = adjust_session(
        LOWER,
        Answer(feel="hurts", area="knee"),
        CATALOGUE,
        GRIDS,
        equipment=["barbell", "machine", "dumbbell"],
        recent_loads={"LP": 140.0},
    )
    first = adjusted.day.exercises[0]
    assert first.template_id == "LP" and first.load_kg == 140.0
    assert first.sets == 4 and first.reps == 5
    assert ("Squat (Barbell)", "Leg Press (Machine)") in adjusted.swaps
    # The leg extension is ruled out too and no other quad lift is left: out for today.
    assert "LE" not in _by_id(adjusted.day)
    assert "Leg Extension (Machine)" in adjusted.dropped


def test_a_swap_without_history_is_your_pick_with_no_warm_up_from_nothing():
    adjusted = adjust_session(
        LOWER, Answer(feel="hurts", area="knee"), CATALOGUE, GRIDS, equipment=["machine"]
    )
    first = adjusted.day.exercises[0]
    assert first.template_id == "LP" and first.load_kg is None and first.warmup_sets == 0


def test_ankle_pain_leaves_out_what_has_no_sparing_substitute_and_frees_its_partner():
    """Every calf raise loads the ankle: the calf raise is out today (TRAINING.md: when no
    replacement fits, the slot goes and the lifter is told), and the crunch it was
    supersetted with becomes a straight set."""
    adjusted = adjust_session(
        LOWER, Answer(feel="hurts", area="ankle"), CATALOGUE, GRIDS, equipment=["machine"]
    )
    kept = _by_id(adjusted.day)
    assert "CALF" not in kept and "SEATCALF" not in kept
    assert "Standing Calf Raise (Machine)" in adjusted.dropped
    assert kept["CR"].superset is None
    assert kept["LP"].sets == 4  # the squat's slot kept by the leg press


def test_a_superset_whose_partner_is_left_out_becomes_a_straight_set():
    day = LOWER.model_copy(
        update={
            "exercises": [
                _ex("SQ", 3, 5, 100.0),
                _ex("CURL", 3, 10, 12.5, superset=2),
                _ex("CR", 3, 15, 30.0, superset=2),
            ]
        }
    )
    adjusted = adjust_session(day, Answer(time="half"), CATALOGUE, GRIDS)
    assert all(ex.superset is None for ex in adjusted.day.exercises)


def test_an_area_with_nothing_it_rules_out_changes_nothing():
    adjusted = adjust_session(LOWER, Answer(feel="hurts", area="elbow"), CATALOGUE, GRIDS)
    assert adjusted.day == LOWER


def test_the_summary_names_the_lift_when_one_is_lighter():
    day = LOWER.model_copy(update={"exercises": [_ex("SQ", 3, 5, 100.0)]})
    adjusted = adjust_session(day, Answer(feel="tired"), CATALOGUE, GRIDS)
    assert adjusted.summary() == "~8 % lighter on Squat (Barbell)"


def test_a_sore_shoulder_keeps_the_bench_only_with_its_caution_pain_free_and_rpe_capped():
    """TRAINING.md, "Injuries": a horizontal press stays for a sore shoulder, pain-free and
    stopped short (RPE ≤ 7); the check-in says so instead of leaving RPE 8 as written."""
    catalogue = CATALOGUE | {
        "BP": _t("BP", "Bench Press (Barbell)", "chest", "barbell", ["triceps"]),
        "ROW": _t("ROW", "Bent Over Row (Barbell)", "upper_back", "barbell"),
    }
    day = PlanDay(
        key="day-2",
        name="Upper",
        weekday=2,
        exercises=[
            _ex("BP", 4, 6, 80.0, rest=180, rpe=8, rep_low=6, rep_high=8),
            _ex("ROW", 3, 8, 70.0, rpe=8, rep_low=8, rep_high=12),
        ],
    )
    adjusted = adjust_session(day, Answer(feel="hurts", area="shoulder"), catalogue, GRIDS)
    bench, row = adjusted.day.exercises
    assert (bench.load_kg, bench.rpe) == (80.0, 7.0)
    assert "pain-free" in bench.notes
    assert row == day.exercises[1]  # a row asks nothing of a sore shoulder
    assert adjusted.summary() == "pain-free range on Bench Press (Barbell)"
