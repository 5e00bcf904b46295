"""A benchmark row and the markdown table they make."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class Row:
    name: str
    figure: str
    baseline: str
    ratio: str
    notes: str = ""


def ratio(value: float, baseline: float, better: str = "lower") -> str:
    """`value` against `baseline`, phrased so that more × is better."""
    if not baseline or not value:
        return "n/a"
    factor = baseline / value if better == "lower" else value / baseline
    return f"{factor:.1f}× better" if factor >= 1 else f"{1 / factor:.1f}× worse"


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(rows: list[Row], mode: str) -> str:
    header = (
        f"# Spotter benchmarks ({mode})\n\n"
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {commit()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()}\n\n"
        "| benchmark | Spotter | baseline | ratio | notes |\n|---|---|---|---|---|\n"
    )
    body = "\n".join(
        f"| {r.name} | {r.figure} | {r.baseline} | {r.ratio} | {r.notes} |" for r in rows
    )
    return header + body + "\n"
