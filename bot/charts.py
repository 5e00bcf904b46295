"""Charts as PNG bytes (matplotlib's object API, no pyplot state: each chart is its own
Figure, so charts render in worker threads, off the event loop).

matplotlib (~0.6 s and ~40 MB) is imported by the first chart, not when the bot starts: most
processes draw none for a long while, and some (the web app's tests, `spotter plan`) never do.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from core.engine.loads import to_user_units
from core.engine.patterns import Exposure, new_bests, runs
from core.engine.volume import MuscleVolume
from core.models import Units

# In band blue, on track mid-week light blue, below or above the band red.
_COLOURS = {"in": "#3b6ea5", "on track": "#7fa7cf", "below": "#d1495b", "above": "#d1495b"}
_BAND = "#cfe3cf"

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def progress_chart(title: str, series: list[Exposure], units: Units) -> bytes:
    """e1RM per session over time, each new best marked (never the first session), the line
    broken where training paused for more than 8 weeks."""
    fig = _figure(7, 3.6)
    ax = fig.subplots()
    for run in runs(series):
        ax.plot([e.at for e in run], [to_user_units(e.e1rm, units) for e in run],
                color="#3b6ea5", linewidth=1.6, marker="o", markersize=2.5)  # fmt: skip
    bests = [e for e, best in zip(series, new_bests(series), strict=True) if best]
    ax.scatter([e.at for e in bests], [to_user_units(e.e1rm, units) for e in bests],
               color="#d1495b", zorder=3, s=22, label="new best")  # fmt: skip
    ax.set_title(f"{title}: estimated 1RM")
    ax.set_ylabel(units.value)
    ax.grid(alpha=0.3)
    if bests:
        ax.legend(loc="lower right", fontsize=8)
    fig.autofmt_xdate()
    return _png(fig)


def week_chart(rows: list[MuscleVolume], label: str) -> bytes:
    """Hard sets per muscle, each bar labelled with its value over its band, a legend for the
    colours, and, while the week is in progress, "so far" and a tick where each should be."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    banded = [r for r in rows if r.low is not None]
    fig = _figure(7, 4.4)
    ax = fig.subplots()
    names = [r.muscle for r in banded]
    for i, r in enumerate(banded):
        ax.add_patch(Rectangle((i - 0.4, r.low), 0.8, r.high - r.low, color=_BAND, zorder=0))
    colours = [_COLOURS[r.status] for r in banded]
    bars = ax.bar(names, [r.sets for r in banded], color=colours, width=0.5, zorder=2)
    ax.bar_label(bars, labels=[f"{r.sets:g}" for r in banded], fontsize=8, padding=2)
    due = [(i, r.expected) for i, r in enumerate(banded) if r.expected]
    if due:  # a week in progress: a tick where each muscle should be by now
        ax.hlines([d for _, d in due], [i - 0.35 for i, _ in due], [i + 0.35 for i, _ in due],
                  colors="#1b1b1b", linewidth=2, zorder=3)  # fmt: skip
    in_progress = any(r.expected is not None for r in banded)
    shown = {r.status for r in banded}
    legend = [Patch(color=_BAND, label="target band")]
    legend += [
        Patch(color=_COLOURS[status], label=text)
        for status, text in (("in", "in band"), ("on track", "on track"), ("below", "off band"))
        if status in shown or (status == "below" and "above" in shown)
    ]
    if due:
        legend.append(Line2D([], [], color="#1b1b1b", linewidth=2, label="due by now"))
    ax.legend(handles=legend, fontsize=8, loc="upper center", ncols=len(legend), frameon=False,
              bbox_to_anchor=(0.5, -0.3))  # fmt: skip
    top = max([r.high or 0 for r in banded] + [r.sets for r in banded] + [1])
    ax.set_ylim(0, top * 1.15)
    so_far = " (so far)" if in_progress else ""
    ax.set_title(f"Hard sets per muscle, week of {label}{so_far}", fontsize=10)
    ax.tick_params(axis="x", rotation=40)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)
