"""`spotter plan` as a coach or a checker would use it: the real command, JSON out, bad input
named in one line."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.hevy.test_csv_import import export
from tests.test_cli import spotter

PREFS = {"goal": "hypertrophy", "level": "intermediate", "days_per_week": 4,
         "session_minutes": 60, "units": "lb"}  # fmt: skip


def plan(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return spotter("plan", *args, cwd=tmp_path, timeout=60)


def test_a_plan_from_preferences_and_a_real_history_as_json(tmp_path: Path, snapshot: Path) -> None:
    (tmp_path / "prefs.json").write_text(json.dumps(PREFS))
    raw = json.loads((snapshot / "workouts.json").read_text())
    (tmp_path / "export.csv").write_text(export(raw, "lb"))
    # The snapshot's last session is 2026-05-23: a plan two days later, no time off.
    done = plan(
        tmp_path, "--prefs", "prefs.json", "--history", "export.csv", "--today", "2026-05-25",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [w["number"] for w in out["weeks"]] == [1, 2, 3, 4, 5] and out["weeks"][-1]["deload"]
    assert out["started"] == "2026-05-25" and not any("since your last" in n for n in out["notes"])
    day = out["weeks"][0]["days"][0]
    assert day["name"] and day["estimated_minutes"] > 0
    exercise = day["exercises"][0]
    assert {"template_id", "title", "primary_muscle", "secondary_muscles", "sets",
            "rest_seconds", "progression", "reason"} <= set(exercise)  # fmt: skip
    loaded = [s for d in out["weeks"][0]["days"] for e in d["exercises"] for s in e["sets"]
              if s["load_kg"]]  # fmt: skip
    assert loaded, "the lifter's history gives loads"
    assert all(abs(s["load"] - s["load_kg"] * 2.20462) < 0.01 for s in loaded), "lb as shown"
    assert {s["type"] for s in loaded} <= {"warmup", "normal"}
    assert out["violations"] == [] or all(isinstance(v, str) for v in out["violations"])
    assert out["volume"]["chest"] > 0
    # Nothing given up; at most the one sentence saying sessions end early because the muscles
    # they train are full (TRAINING.md: the session table is a cap, not a target to overshoot).
    assert all("end early" in c for c in out["compromises"]), out["compromises"]


def test_a_schedule_too_short_for_everything_gets_a_plan_and_says_what_it_gave_up(
    tmp_path: Path,
) -> None:
    (tmp_path / "prefs.json").write_text(
        json.dumps({**PREFS, "days_per_week": 1, "session_minutes": 20, "equipment": ["dumbbell"]})
    )
    done = plan(tmp_path, "--prefs", "prefs.json", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["violations"] == [] and out["compromises"], out["compromises"]
    assert "big muscles come first" in out["compromises"][0]
    assert any("below" in w for w in out["warnings"])
    assert len(out["warnings"]) == len(set(out["warnings"])), "each once, not once per week"
    minutes = [d["estimated_minutes"] for d in out["weeks"][0]["days"]]
    assert minutes and all(17 <= m <= 23 for m in minutes), minutes


def test_plan_next_prescribes_week_two_from_the_logged_week(tmp_path: Path) -> None:
    (tmp_path / "prefs.json").write_text(json.dumps({**PREFS, "units": "kg"}))
    first = plan(tmp_path, "--prefs", "prefs.json", "--json")
    assert first.returncode == 0, first.stderr
    saved = json.loads(first.stdout)
    started = datetime(2026, 3, 2, tzinfo=UTC)
    saved["started"] = started.date().isoformat()
    (tmp_path / "plan.json").write_text(json.dumps(saved))
    day = saved["weeks"][0]["days"][0]  # logged in full, every set at 60 kg × the range's top
    top = day["exercises"][0]["progression"]["rep_high"]
    session = {
        "title": day["name"], "description": "",
        "start_time": (started + timedelta(days=1, hours=9)).isoformat(),
        "end_time": (started + timedelta(days=1, hours=10)).isoformat(),
        "exercises": [
            {"title": e["title"], "notes": "", "superset_id": None,
             "sets": [{"index": i, "type": "normal", "weight_kg": 60.0, "reps": top,
                       "distance_meters": None, "duration_seconds": None, "rpe": None}
                      for i in range(len([s for s in e["sets"] if s["type"] == "normal"]))]}
            for e in day["exercises"]
        ],
    }  # fmt: skip
    (tmp_path / "log.csv").write_text(export([session], "kg"))

    done = plan(tmp_path, "next", "--plan", "plan.json", "--history", "log.csv", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["week"] == 2 and [w["number"] for w in out["weeks"]] == [2]
    first_exercise = out["weeks"][0]["days"][0]["exercises"][0]
    assert {s["load_kg"] for s in first_exercise["sets"] if s["type"] == "normal"} == {62.5}
    assert any("your first session at 60 kg sets the load" in r for r in out["reasons"])
    assert day["name"] not in out["not_logged"]


def test_bad_input_is_one_line_naming_the_problem(tmp_path: Path) -> None:
    (tmp_path / "prefs.json").write_text(json.dumps({**PREFS, "days_per_weak": 3}))
    typo = plan(tmp_path, "--prefs", "prefs.json")
    assert typo.returncode == 2 and "days_per_weak" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1
    (tmp_path / "prefs.json").write_text(json.dumps({**PREFS, "session_minutes": 5}))
    short = plan(tmp_path, "--prefs", "prefs.json")
    assert short.returncode == 2 and "session_minutes" in short.stderr
    (tmp_path / "prefs.json").write_text(json.dumps(PREFS))
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    broken = plan(tmp_path, "--prefs", "prefs.json", "--history", "bad.csv")
    assert broken.returncode == 2 and "not a Hevy export" in broken.stderr
    missing = plan(tmp_path, "--prefs", "nowhere.json")
    assert missing.returncode == 2 and "nowhere.json" in missing.stderr


def test_plan_next_for_an_lb_lifter_in_round_pounds_and_a_skipped_week_shifts_the_block(
    tmp_path: Path,
) -> None:
    # Issue 23: one week logged in round lb (80 lb = 36.287 kg) made `plan next` exit 1.
    (tmp_path / "prefs.json").write_text(json.dumps(PREFS))
    saved = json.loads(plan(tmp_path, "--prefs", "prefs.json", "--json").stdout)
    started = datetime(2026, 3, 2, tzinfo=UTC)
    saved["started"] = started.date().isoformat()
    (tmp_path / "plan.json").write_text(json.dumps(saved))
    day = saved["weeks"][0]["days"][0]
    session = {
        "title": day["name"], "description": "",
        "start_time": (started + timedelta(days=1, hours=9)).isoformat(),
        "end_time": (started + timedelta(days=1, hours=10)).isoformat(),
        "exercises": [
            {"title": e["title"], "notes": "", "superset_id": None,
             "sets": [{"index": i, "type": "normal", "weight_kg": 80 / 2.20462, "reps": 8,
                       "distance_meters": None, "duration_seconds": None, "rpe": 8}
                      for i in range(3)]}
            for e in day["exercises"]
        ],
    }  # fmt: skip
    (tmp_path / "log.csv").write_text(export([session], "lb"))
    done = plan(tmp_path, "next", "--plan", "plan.json", "--history", "log.csv", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    loads = [s["load"] for d in out["weeks"][0]["days"] for e in d["exercises"]
             for s in e["sets"] if s["load"] and s["type"] == "normal"]  # fmt: skip
    assert loads and all(abs(v / 2.5 - round(v / 2.5)) < 0.01 for v in loads), loads
    assert out["reasons"] and not any(" kg" in r for r in out["reasons"]), out["reasons"]

    # A week with nothing logged moves the block back a week, as the bot's loop does.
    saved["started"] = (started - timedelta(weeks=2)).date().isoformat()
    (tmp_path / "plan.json").write_text(json.dumps(saved))
    skipped = plan(tmp_path, "next", "--plan", "plan.json", "--history", "log.csv", "--json")
    assert skipped.returncode == 0, skipped.stderr
    again = json.loads(skipped.stdout)
    assert (
        again["week"] == 1 and again["started"] == (started - timedelta(weeks=1)).date().isoformat()
    )
    assert "moves back a week" in again["reasons"][0]
