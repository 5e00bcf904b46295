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


def test_demo_answers_a_plan_request_offline_with_no_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(SPOTTER), "demo"],
        input="/plan\n/today\n/progress squat\n/week\n/prs\nhow's my squat going?\n/nope\n/quit\n",
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
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
