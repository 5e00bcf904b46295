"""The benchmarks keep working: a tiny run of every row (figures are reported, never judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_cli import clean_env

REPO = Path(__file__).resolve().parents[1]


def test_every_benchmark_row_runs_at_smoke_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")][2:]
    assert len(table) >= 10
    assert not any("failed:" in line for line in table)
    assert not (REPO / "bench" / "results" / "smoke.md").exists()
