"""Charts as PNG bytes (matplotlib's object API, no pyplot state: each chart is its own
Figure, so charts render in worker threads, off the event loop)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from core.engine.loads import to_user_units
from core.engine.patterns import Exposure
from core.engine.volume import MuscleVolume
from core.models import Units

# In band blue, on track mid-week light blue, below or above the band red.
_COLOURS = {"in": "#3b6ea5", "on track": "#7fa7cf", "below": "#d1495b", "above": "#d1495b"}


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def progress_chart(title: str, series: list[Exposure], units: Units) -> bytes:
    """e1RM per session over time, with each new best marked."""
    fig = Figure(figsize=(7, 3.6))
    ax = fig.subplots()
    days = [e.at for e in series]
    values = [to_user_units(e.e1rm, units) for e in series]
    ax.plot(days, values, color="#3b6ea5", linewidth=1.6, marker="o", markersize=2.5)
    best, pr_days, pr_values = 0.0, [], []
    for day, value in zip(days, values, strict=True):
        if value > best:
            best = value
            pr_days.append(day)
            pr_values.append(value)
    ax.scatter(pr_days, pr_values, color="#d1495b", zorder=3, s=22, label="new best")
    ax.set_title(f"{title}: estimated 1RM")
    ax.set_ylabel(units.value)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.autofmt_xdate()
    return _png(fig)


def week_chart(rows: list[MuscleVolume], label: str) -> bytes:
    """Hard sets per muscle, with each band drawn behind its bar."""
    banded = [r for r in rows if r.low is not None]
    fig = Figure(figsize=(7, 3.8))
    ax = fig.subplots()
    names = [r.muscle for r in banded]
    for i, r in enumerate(banded):
        ax.add_patch(Rectangle((i - 0.4, r.low), 0.8, r.high - r.low, color="#cfe3cf", zorder=0))
    colours = [_COLOURS[r.status] for r in banded]
    ax.bar(names, [r.sets for r in banded], color=colours, width=0.5, zorder=2)
    due = [(i, r.expected) for i, r in enumerate(banded) if r.expected]
    if due:  # a week in progress: a tick where each muscle should be by now
        ax.hlines([d for _, d in due], [i - 0.35 for i, _ in due], [i + 0.35 for i, _ in due],
                  colors="#1b1b1b", linewidth=2, zorder=3)  # fmt: skip
    in_progress = any(r.expected is not None for r in banded)
    key = "green: target band" + ("; tick: due by now" if in_progress else "")
    so_far = " so far" if in_progress else ""
    ax.set_title(f"Hard sets per muscle, week of {label}{so_far}\n({key})", fontsize=10)
    ax.tick_params(axis="x", rotation=40)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)
