"""Sixteen analytics questions about the real snapshot, answered through the real tools by a
scripted policy (`bench/analytics.py`) in at most three calls and 10k tokens of tool output,
each checked against an independent computation from the raw Hevy JSON."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bench.analytics import QUESTIONS, ask
from core.coach.tools import ToolBox
from core.services.insights import Insights
from core.services.plans import PlanService
from tests.coach.conftest import LIFTER


@pytest.fixture
def raw(snapshot: Path) -> list[dict]:
    """Every set of the snapshot, flattened from the raw JSON (the lifter's zone is UTC)."""
    templates = {t["id"]: t for t in json.loads((snapshot / "exercise_templates.json").read_text())}
    out = []
    for w in json.loads((snapshot / "workouts.json").read_text()):
        start = datetime.fromisoformat(w["start_time"])
        for ei, e in enumerate(w["exercises"]):
            for si, s in enumerate(e["sets"]):
                out.append(
                    {
                        "workout": w["id"], "start": start, "day": start.date(),
                        "end": datetime.fromisoformat(w["end_time"]),
                        "exercise": e["title"], "tid": e["exercise_template_id"],
                        "muscle": templates[e["exercise_template_id"]]["primary_muscle_group"],
                        "order": (start, ei, si), "type": s["type"],
                        "kg": s.get("weight_kg"), "reps": s.get("reps"),
                    }
                )  # fmt: skip
    return out


def working(raw: list[dict]) -> list[dict]:
    return [s for s in raw if s["type"] != "warmup"]


def sessions(raw: list[dict]) -> dict[str, dict]:
    return {s["workout"]: s for s in raw}


def rep_prs(raw: list[dict], exercise: str, warmups: bool) -> int:
    best: dict[int, float] = {}
    count = 0
    for s in sorted(raw, key=lambda s: s["order"]):
        if s["exercise"] != exercise or not s["kg"] or not s["reps"]:
            continue
        if s["type"] == "warmup" and not warmups:
            continue
        held = best.get(s["reps"])
        if (
            held is not None
            and s["kg"] > held
            and date(2026, 1, 1) <= s["day"] <= date(2026, 5, 31)
        ):
            count += 1
        best[s["reps"]] = max(held or 0.0, s["kg"])
    return count


def reference(key: str, raw: list[dict]):
    work = working(raw)
    if key == "heaviest_rdl_on_a_day":
        return max(s["kg"] for s in work
                   if s["exercise"] == "Romanian Deadlift (Barbell)"
                   and s["day"] == date(2026, 5, 3))  # fmt: skip
    if key == "second_set_reps":
        day = [
            s
            for s in raw
            if s["exercise"] == "Lat Pulldown (Cable)" and s["day"] == date(2026, 5, 9)
        ]
        return sorted(day, key=lambda s: s["order"])[1]["reps"]
    if key == "incline_e1rm_by_month_2025":
        months: dict[str, float] = {}
        for s in work:
            incline = s["exercise"] == "Incline Bench Press (Barbell)" and s["day"].year == 2025
            if incline and s["kg"] and s["reps"] and 1 <= s["reps"] <= 12:
                e1rm = s["kg"] * (1 + s["reps"] / 30) if s["reps"] > 1 else s["kg"]
                m = s["day"].isoformat()[:7]
                months[m] = max(months.get(m, 0.0), e1rm)
        return months
    if key == "sessions_per_month_2025":
        return dict(sorted(Counter(
            w["day"].isoformat()[:7] for w in sessions(raw).values() if w["day"].year == 2025
        ).items()))  # fmt: skip
    if key == "most_improved_q1":

        def quarter(s):
            if date(2025, 1, 1) <= s["day"] <= date(2025, 3, 31):
                return "a"
            if date(2026, 1, 1) <= s["day"] <= date(2026, 3, 31):
                return "b"
            return None

        top: dict = defaultdict(float)
        seen: dict = defaultdict(set)
        for s in work:
            if q := quarter(s):
                top[(s["exercise"], q)] = max(top[(s["exercise"], q)], s["kg"] or 0.0)
                seen[(s["exercise"], q)].add(s["workout"])
        gains = [(round(top[(e, "b")] - top[(e, "a")], 2), e) for e in {e for e, _ in top}
                 if len(seen[(e, "a")]) >= 3 and len(seen[(e, "b")]) >= 3]  # fmt: skip
        return [e for _, e in sorted(gains, key=lambda g: (-g[0], g[1]))[:3]]
    if key == "rdl_partner":
        with_rdl = {s["workout"] for s in raw if s["exercise"] == "Romanian Deadlift (Barbell)"}
        together = Counter()
        for workout in with_rdl:
            together.update({s["exercise"] for s in raw if s["workout"] == workout}
                            - {"Romanian Deadlift (Barbell)"})  # fmt: skip
        return min(together.items(), key=lambda kv: (-kv[1], kv[0]))
    if key == "tonnage_by_muscle_march_2026":
        tonnage: dict[str, float] = defaultdict(float)
        for s in work:
            if s["day"].isoformat().startswith("2026-03") and s["kg"] and s["reps"]:
                tonnage[s["muscle"]] += s["kg"] * s["reps"]
        return {m: round(t, 1) for m, t in sorted(tonnage.items())}
    if key == "leg_extension_rep_prs_no_warmups":
        return rep_prs(raw, "Leg Extension (Machine)", warmups=False)
    if key == "leg_extension_rep_prs_with_warmups":
        return rep_prs(raw, "Leg Extension (Machine)", warmups=True)
    if key == "weeks_with_three_sessions_2025":
        mondays = Counter(w["day"] - timedelta(days=w["day"].weekday())
                          for w in sessions(raw).values())  # fmt: skip
        return sum(1 for monday, n in mondays.items() if monday.year == 2025 and n >= 3)
    if key == "longest_break":
        days = sorted(w["start"] for w in sessions(raw).values())
        return max((b.date() - a.date()).days for a, b in pairwise(days))
    if key == "average_duration_2026":
        durations = [(w["end"] - w["start"]).total_seconds() / 60
                     for w in sessions(raw).values() if w["day"].year == 2026]  # fmt: skip
        return round(sum(durations) / len(durations), 1)
    if key == "top_five_last_12_weeks":
        last = max(s["day"] for s in raw)
        counts = Counter(s["exercise"] for s in work if s["day"] > last - timedelta(days=84))
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    if key == "distinct_exercises":
        return len({s["tid"] for s in raw})
    if key == "biggest_day":
        tonnage = defaultdict(float)
        for s in work:
            if s["kg"] and s["reps"]:
                tonnage[s["day"]] += s["kg"] * s["reps"]
        day, t = max(tonnage.items(), key=lambda kv: kv[1])
        return (day.isoformat(), round(t, 1))
    if key == "dumbbell_bench_ten_plus":
        dumbbell = [s for s in work if s["exercise"] == "Bench Press (Dumbbell)"]
        return max(s["kg"] for s in dumbbell if (s["reps"] or 0) >= 10)
    raise KeyError(key)


def same(got, want) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and abs(got - want) <= 0.01 * max(1.0, abs(want) / 100)
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list | tuple):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    return got == want


async def test_sixteen_questions_answered_exactly_in_three_calls(coach_store, raw) -> None:
    insights = Insights(coach_store)
    box = ToolBox(LIFTER, coach_store, insights, PlanService(coach_store, insights))
    assert len(QUESTIONS) >= 15
    for question in QUESTIONS:
        answered = await ask(box, question)
        want = reference(question.key, raw)
        assert answered.errors == 0, question.key
        assert answered.calls <= 3 and answered.tokens <= 10_000, (question.key, answered.tokens)
        assert same(answered.value, want), (question.key, answered.value, want)
