"""`spotter demo` as a newcomer runs it: no accounts, piped input, a real process."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

from tests.fakes.claude import FakeClaude, Reply, text, tool_use
from tests.test_cli import clean_env

SPOTTER = Path(sys.executable).with_name("spotter")


def demo(folder: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    """`spotter demo` as a newcomer pipes into it, with no keys set."""
    return subprocess.run(
        [str(SPOTTER), "demo"],
        input="\n".join(lines) + "\n",
        cwd=folder,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_answers_a_plan_request_offline_with_no_keys(tmp_path: Path) -> None:
    lines = ["/plan", "/today", "/progress squat", "/week", "/prs", "how's my squat going?"]
    result = demo(tmp_path, [*lines, "/nope", "/quit"])
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Synced" in out and "workouts." in out
    assert "Upper/lower, 4 days" in out and "Weekly hard sets:" in out
    assert "Next session:" in out
    assert "Squat (Barbell): best e1RM by month" in out
    assert "Hard sets per muscle" in out and "Your main lifts" in out
    assert "set ANTHROPIC_API_KEY" in out
    assert "Unknown command /nope" in out
    assert out.rstrip().endswith("Bye.")
    assert "Traceback" not in result.stderr


async def test_demo_uses_claude_when_a_key_is_set(tmp_path: Path) -> None:
    from sandbox.server import serve_asgi

    fake = FakeClaude(
        [
            Reply([tool_use("exercise_progress", {"exercise": "squat"})]),
            Reply([tool_use("query_training_log", {"sql": "SELECT count(*) FROM workouts"})]),
            Reply([text("Your squat is climbing steadily.")]),
        ]
    )
    async with serve_asgi(fake.app) as url:
        process = await asyncio.create_subprocess_exec(
            str(SPOTTER),
            "demo",
            cwd=tmp_path,
            env=clean_env(ANTHROPIC_API_KEY="sk-test", ANTHROPIC_BASE_URL=url),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(b"how is my squat?\n"), 180)
    assert process.returncode == 0, err.decode()
    assert "Your squat is climbing steadily." in out.decode()
    assert fake.requests[0]["messages"][0]["content"] == "how is my squat?"
    assert (
        '"exercise":"Squat (Barbell)"' in fake.requests[1]["messages"][-1]["content"][0]["content"]
    )
    synced = int(re.search(r"Synced (\d+) workouts", out.decode()).group(1))
    answer = json.loads(fake.requests[2]["messages"][-1]["content"][0]["content"])
    assert answer["rows"] == [[synced]] and answer["truncated"] is False


def test_a_new_user_walk_setup_import_plan_change_settings(tmp_path: Path, shared: Path) -> None:
    """The first hour from a fresh clone: `spotter demo`, the setup, a Hevy export imported as a
    lifter without Hevy Pro sends it, a plan, an engine-only change, the settings, a typo."""
    from tests.hevy.test_csv_import import export

    workouts = json.loads((shared / "hevy" / "fixtures" / "workouts.json").read_text())
    csv_file = tmp_path / "workouts.csv"
    csv_file.write_text(export(workouts, "lb"))
    answers = [
        "/setup", "1", "", "3", "4", "1 2 3", "2", "", "", "",  # strength, 3 × 75 min, knee
        f"/import {csv_file}", "/plan", "/change minutes 45",
        "/change swap lying leg curl for seated leg curl",
        "/settings units lb", "/settings", "/plna", "/export", "/quit",
    ]  # fmt: skip
    result = demo(tmp_path, answers)
    out = result.stdout
    (tmp_path / "transcript.txt").write_text(out)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "What do you train for?\n  (1) strength (2) hypertrophy (3) general" in out
    assert "(1) kg (your log) (2) lb" in out, "the generated lifter loads in kg"
    assert "• 3 days a week · 75 min sessions\n• goal strength" in out
    assert "• injuries: knee" in out and "All set; /plan builds your plan." in out
    assert "Imported 169 workouts (3089 sets, lb file)." in out
    assert "new exercise of yours: weighted decline pushups → chest (like Decline Push Up)" in out
    assert "Your file is in lb: /settings units lb to match." in out
    assert "Full body, 3 days · intermediate · strength · 75 min" in out
    assert "Full body, 3 days · intermediate · strength · 45 min" in out, "/change minutes 45"
    assert out.count("Weekly hard sets") >= 3, "the plan, then each change, re-validated"
    last = out[out.rindex("Full body, 3 days") :]
    assert "Lying Leg Curl" not in last and "Seated Leg Curl (Machine)" in last, "swapped"
    assert "• units lb · time zone UTC" in out
    assert "Unknown command /plna. Did you mean /plan?" in out
    (exported,) = tmp_path.glob("spotter-export-*.json")
    assert json.loads(exported.read_text())["workouts"], "the export holds the log"
