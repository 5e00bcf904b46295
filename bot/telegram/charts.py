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
# Telegram shows a photo about 360 pt wide on a phone: a figure 5 in (360 pt) wide keeps every
# font size what it says on the phone's screen, and 216 dpi keeps it sharp on a 3x display.
_WIDTH = 5.0
_DPI = 216
_TEXT = 11  # ticks, labels, values
_TITLE = 12.5

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def _plain(ax: Axes) -> None:
    """Phone-sized tick labels and no box on top and right."""
    ax.tick_params(labelsize=_TEXT)
    ax.spines[["top", "right"]].set_visible(False)


def progress_chart(title: str, series: list[Exposure], units: Units) -> bytes:
    """e1RM per session over time, each new best marked (never the first session), the line
    broken where training paused for more than 8 weeks; months ticked "Jul 25"."""
    from matplotlib.dates import AutoDateLocator, DateFormatter

    fig = _figure(_WIDTH, 3.6)
    ax = fig.subplots()
    for run in runs(series):
        ax.plot([e.at for e in run], [to_user_units(e.e1rm, units) for e in run],
                color="#3b6ea5", linewidth=2, marker="o", markersize=3.5)  # fmt: skip
    bests = [e for e, best in zip(series, new_bests(series), strict=True) if best]
    ax.scatter([e.at for e in bests], [to_user_units(e.e1rm, units) for e in bests],
               color="#d1495b", zorder=3, s=34, label="new best")  # fmt: skip
    ax.set_title(f"{title}: estimated 1RM", fontsize=_TITLE, loc="left")
    ax.set_ylabel(units.value, fontsize=_TEXT)
    locator = AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter("%b %y"))
    _plain(ax)
    ax.grid(alpha=0.3)
    if bests:
        ax.legend(loc="lower right", fontsize=_TEXT - 1, frameon=False)
    return _png(fig)


def week_chart(rows: list[MuscleVolume], label: str) -> bytes:
    """Hard sets per muscle as one row each (names read across, as on a phone), each bar
    labelled with its value over its band, a legend for the colours, and, while the week is in
    progress, "so far" and a tick where each should be."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    banded = [r for r in rows if r.low is not None]
    fig = _figure(_WIDTH, 1.7 + 0.36 * len(banded))
    ax = fig.subplots()
    y = list(range(len(banded)))
    for i, r in zip(y, banded, strict=True):
        ax.add_patch(Rectangle((r.low, i - 0.4), r.high - r.low, 0.8, color=_BAND, zorder=0))
    colours = [_COLOURS[r.status] for r in banded]
    bars = ax.barh(y, [r.sets for r in banded], color=colours, height=0.55, zorder=2)
    ax.bar_label(bars, labels=[f"{r.sets:g}" for r in banded], fontsize=_TEXT, padding=3)
    ax.set_yticks(y, [r.muscle for r in banded])
    ax.invert_yaxis()  # the first muscle on top, as the caption lists them
    due = [(i, r.expected) for i, r in zip(y, banded, strict=True) if r.expected]
    if due:  # a week in progress: a tick where each muscle should be by now
        ax.vlines([d for _, d in due], [i - 0.35 for i, _ in due], [i + 0.35 for i, _ in due],
                  colors="#1b1b1b", linewidth=2.2, zorder=3)  # fmt: skip
    in_progress = any(r.expected is not None for r in banded)
    shown = {r.status for r in banded}
    legend = [Patch(color=_BAND, label="band")]
    legend += [
        Patch(color=_COLOURS[status], label=text)
        for status, text in (("in", "in band"), ("on track", "on track"), ("below", "off band"))
        if status in shown or (status == "below" and "above" in shown)
    ]
    if due:
        legend.append(Line2D([], [], color="#1b1b1b", linewidth=2, label="due now"))
    ax.legend(handles=legend, fontsize=_TEXT - 1, loc="lower center", ncols=min(len(legend), 3),
              frameon=False, bbox_to_anchor=(0.4, 1.0))  # fmt: skip
    top = max([r.high or 0 for r in banded] + [r.sets for r in banded] + [1])
    ax.set_xlim(0, top * 1.12)
    ax.set_xlabel("hard sets", fontsize=_TEXT)
    so_far = " (so far)" if in_progress else ""
    fig.suptitle(f"Week of {label}{so_far}", fontsize=_TITLE, x=0.03, ha="left")
    _plain(ax)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)
