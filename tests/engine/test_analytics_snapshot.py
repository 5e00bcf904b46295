"""Analytics on the real lifter's snapshot, each checked against a value derived here, from the
raw JSON, without the engine."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path

import pytest

from core.engine.patterns import co_occurrence, detect_stall, exposures
from core.engine.records import all_time_prs, best_e1rm_by_period, rep_prs
from core.engine.volume import hard_sets, sessions_per_muscle, tonnage, weekly_hard_sets
from core.hevy.models import HevyTemplate, HevyWorkout
from core.models import SetRow

INCLINE = "50DFDFAB"  # Incline Bench Press (Barbell)
RDL = "2B4B7310"  # Romanian Deadlift (Barbell)


@pytest.fixture(scope="module")
def raw(request) -> list[dict]:
    shared = Path(__file__).resolve().parents[3] / "shared"
    if not shared.is_dir():
        pytest.skip(f"{shared} is absent: it holds the real lifter snapshot")
    return json.loads((shared / "hevy" / "fixtures" / "workouts.json").read_text())


@pytest.fixture(scope="module")
def raw_templates(raw) -> dict[str, dict]:
    shared = Path(__file__).resolve().parents[3] / "shared"
    rows = json.loads((shared / "hevy" / "fixtures" / "exercise_templates.json").read_text())
    return {t["id"]: t for t in rows}


@pytest.fixture(scope="module")
def rows(raw) -> list[SetRow]:
    return [r for w in raw for r in HevyWorkout.model_validate(w).to_domain().set_rows()]


@pytest.fixture(scope="module")
def templates(raw_templates):
    return {tid: HevyTemplate.model_validate(t).to_domain() for tid, t in raw_templates.items()}


def raw_sets(raw):
    """(workout, exercise, set) for every working set, in training order."""
    for w in sorted(raw, key=lambda w: w["start_time"]):
        for e in w["exercises"]:
            for s in e["sets"]:
                if s["type"] != "warmup":
                    yield w, e, s


def test_best_e1rm_by_month(raw, rows) -> None:
    expected: dict[str, float] = {}
    for w, e, s in raw_sets(raw):
        if e["exercise_template_id"] != INCLINE or not s["weight_kg"] or not s["reps"]:
            continue
        if s["reps"] > 12:
            continue
        value = s["weight_kg"] * (1 + s["reps"] / 30) if s["reps"] > 1 else s["weight_kg"]
        month = w["start_time"][:7]
        expected[month] = max(expected.get(month, 0), value)
    got = best_e1rm_by_period(rows, INCLINE, "month")
    assert len(got) >= 6
    assert {m: b.estimate.value for m, b in got.items()} == pytest.approx(expected)


def test_all_time_pr_by_load_with_its_date(raw, rows) -> None:
    best, when = 0.0, None
    for w, e, s in raw_sets(raw):
        if e["exercise_template_id"] == RDL and s["reps"] and (s["weight_kg"] or 0) > best:
            best, when = s["weight_kg"], w["start_time"]
    pr = all_time_prs(rows)[RDL].heaviest
    assert pr.weight_kg == best
    assert pr.at == datetime.fromisoformat(when)


def test_best_e1rm_all_time_per_exercise(raw, rows) -> None:
    expected: dict[str, float] = {}
    for _w, e, s in raw_sets(raw):
        if s["weight_kg"] and s["reps"] and s["reps"] <= 12:
            r = s["reps"]
            v = s["weight_kg"] * (1 + r / 30) if r > 1 else s["weight_kg"]
            tid = e["exercise_template_id"]
            expected[tid] = max(expected.get(tid, 0), v)
    got = {
        tid: pr.best_e1rm.estimate.value for tid, pr in all_time_prs(rows).items() if pr.best_e1rm
    }
    assert got == pytest.approx(expected)


def test_rep_prs_set_in_one_week(raw, rows) -> None:
    # A new best: heavier than every earlier set of the exercise with as many reps or more.
    done: dict[str, list[tuple[int, float]]] = defaultdict(list)
    by_week: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for w, e, s in raw_sets(raw):
        if not s["weight_kg"] or not s["reps"]:
            continue
        tid, reps, kg = e["exercise_template_id"], s["reps"], s["weight_kg"]
        if all(kg > held for n, held in done[tid] if n >= reps):
            year, week, _ = datetime.fromisoformat(w["start_time"]).isocalendar()
            by_week[f"{year}-W{week:02d}"].append((tid, reps, kg))
        done[tid].append((reps, kg))
    # A week late in the log, when rep-PRs are rarer than in the first weeks.
    week = sorted(by_week)[-5]
    found = [
        (p.template_id, p.reps, p.weight_kg)
        for p in rep_prs(rows)
        if "{}-W{:02d}".format(*p.at.isocalendar()[:2]) == week
    ]
    assert found == by_week[week] and found


def test_one_muscles_tonnage_in_one_month_by_primary_muscle(
    raw, rows, raw_templates, templates
) -> None:
    month = "2025-10"
    expected = 0.0
    for w, e, s in raw_sets(raw):
        primary = raw_templates[e["exercise_template_id"]]["primary_muscle_group"]
        if w["start_time"].startswith(month) and primary == "quadriceps":
            expected += (s["weight_kg"] or 0) * (s["reps"] or 0)
    in_month = [r for r in rows if r.start_time.strftime("%Y-%m") == month]
    assert tonnage(in_month, "muscle", templates)["quadriceps"] == pytest.approx(expected)
    assert expected > 0


def test_most_frequent_exercise_pairs(raw, rows) -> None:
    pairs: Counter = Counter()
    for w in raw:
        ids = sorted({e["exercise_template_id"] for e in w["exercises"]})
        pairs.update(combinations(ids, 2))
    expected = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert co_occurrence(rows, top=5) == expected


def test_weekly_hard_sets_per_muscle_with_fractional_counting(
    raw, rows, raw_templates, templates
) -> None:
    group = {"lats": "back", "upper_back": "back", "quadriceps": "quads", "abdominals": "abs"}
    expected_by_week: dict[str, Counter] = defaultdict(Counter)
    for w, e, _s in raw_sets(raw):
        t = raw_templates[e["exercise_template_id"]]
        share: dict[str, float] = {}
        for m in t["secondary_muscle_groups"]:
            if m != "forearms":
                share[group.get(m, m)] = max(share.get(group.get(m, m), 0), 0.5)
        share[group.get(t["primary_muscle_group"], t["primary_muscle_group"])] = 1.0
        year, week, _ = datetime.fromisoformat(w["start_time"]).isocalendar()
        expected_by_week[f"{year}-W{week:02d}"].update(share)
    got = weekly_hard_sets(rows, templates)
    busiest = max(expected_by_week, key=lambda k: sum(expected_by_week[k].values()))
    monday = next(m for m in got if "{}-W{:02d}".format(*m.isocalendar()[:2]) == busiest)
    assert got[monday] == pytest.approx(dict(expected_by_week[busiest]))
    assert hard_sets(rows, templates)["back"] == pytest.approx(
        sum(c["back"] for c in expected_by_week.values())
    )


def test_sessions_per_muscle_in_a_month(raw, rows, raw_templates, templates) -> None:
    month = "2026-01"
    expected: Counter = Counter()
    for w in raw:
        if not w["start_time"].startswith(month):
            continue
        per_muscle: Counter = Counter()
        for e in w["exercises"]:
            t = raw_templates[e["exercise_template_id"]]
            n = sum(1 for s in e["sets"] if s["type"] != "warmup")
            primary = {"lats": "back", "upper_back": "back", "quadriceps": "quads"}.get(
                t["primary_muscle_group"], t["primary_muscle_group"]
            )
            per_muscle[primary] += n
        expected.update({m for m, n in per_muscle.items() if n >= 1})
    got = sessions_per_muscle(
        [r for r in rows if r.start_time.strftime("%Y-%m") == month], templates
    )
    for muscle in ("chest", "back", "quads", "hamstrings", "biceps", "triceps"):
        assert got.get(muscle, 0) >= expected.get(muscle, 0)
    assert got["hamstrings"] == expected["hamstrings"] > 0


def test_weekly_tonnage_and_stall_detection(raw, rows) -> None:
    week_tonnage: Counter = Counter()
    for w, _e, s in raw_sets(raw):
        year, week, _ = datetime.fromisoformat(w["start_time"]).isocalendar()
        week_tonnage[f"{year}-W{week:02d}"] += (s["weight_kg"] or 0) * (s["reps"] or 0)
    assert tonnage(rows, "period", bucket="week") == pytest.approx(
        {k: v for k, v in week_tonnage.items() if v > 0}
    )
    series = exposures(rows, INCLINE)
    # A stall is reported exactly when the last three weeks' best is no better than before.
    now = series[-1].at
    recent = [e.e1rm for e in series if (now - e.at).days < 21]
    before = [e.e1rm for e in series if (now - e.at).days >= 21][-6:]
    stall = detect_stall(rows, INCLINE, now)
    expected_stall = len(recent) >= 3 and max(recent) <= max(before) * 1.005
    assert (stall is not None) == expected_stall
