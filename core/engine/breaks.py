"""Coming back after time off (TRAINING.md, "Return from a break"): how light the first week
starts, by which week loads are back to full, and how much volume the block asks for.

Time off is counted from today, not from the last session: a log that ends 34 weeks ago is a
34-week break even if its last weeks were regular. An exercise not done for a long time while
others were trained follows the same table on its own clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Volume = Literal["planned", "lower_half", "floor"]


@dataclass(frozen=True, slots=True)
class Comeback:
    """One row of the table: week 1 at `first_share` of the full loads, full by `full_by`."""

    weeks_off: int
    first_share: float
    full_by: int  # the plan week whose loads are back to 100 % (1: no ramp)
    volume: Volume

    def share(self, week: int) -> float:
        """The share of full loads in plan week `week`: a straight ramp to 100 % by `full_by`."""
        if week >= self.full_by:
            return 1.0
        return self.first_share + (1.0 - self.first_share) * (week - 1) / (self.full_by - 1)

    @property
    def lighter(self) -> bool:
        return self.first_share < 1.0

    def deloads(self, weeks: int) -> bool:
        """Whether a block of `weeks` made now ends in a deload week. The ramp's light weeks
        are the rest a deload would give: a deload comes only after `FULL_BEFORE_DELOAD` weeks
        at full loads, counted from the ramp's end (TRAINING.md, "Deloads": every 4–6 weeks),
        so a block that is mostly the ramp back ends on a hard week and the next block deloads.
        """
        return weeks - self.full_by >= FULL_BEFORE_DELOAD

    def sentence(self, what: str = "your last session") -> str:
        """The plan's one sentence about it ("34 weeks since your last session: week 1 at ~70 %,
        back to full by week 4")."""
        return (
            f"{_span(self.weeks_off)} since {what}: week 1 at ~{round(self.first_share * 100)} %, "
            f"back to full by week {self.full_by}"
        )


# (shorter than, in weeks) → first week's share, full by week, volume. "1–3 months" is 4–13
# weeks, "3–6 months" 13–26; the midpoint of each range the table gives.
_TABLE: tuple[tuple[float, float, int, Volume], ...] = (
    (2, 1.0, 1, "planned"),
    (4, 0.925, 2, "planned"),
    (13, 0.85, 3, "lower_half"),
    (26, 0.775, 4, "floor"),
    (float("inf"), 0.7, 4, "floor"),
)
FULL = Comeback(0, 1.0, 1, "planned")
FULL_BEFORE_DELOAD = 3  # hard weeks at full loads a deload week follows (2–4 weeks off: 3)


def comeback(last: datetime | None, today: datetime) -> Comeback:
    """The table's row for a last session at `last` (None: never trained, nothing to return to)."""
    if last is None:
        return FULL
    off = max(timedelta(0), today - last)
    weeks = off / timedelta(weeks=1)
    for shorter_than, share, full_by, volume in _TABLE:
        if weeks < shorter_than:
            return Comeback(int(weeks), share, full_by, volume)
    raise AssertionError("the table ends at infinity")  # pragma: no cover


def bands_for(
    bands: dict[str, tuple[float, float]], volume: Volume
) -> dict[str, tuple[float, float]]:
    """Weekly set bands for the volume the break allows: as planned, the lower half, the floor."""
    if volume == "planned":
        return dict(bands)
    if volume == "lower_half":
        return {m: (low, (low + high) / 2) for m, (low, high) in bands.items()}
    return {m: (low, low) for m, (low, _high) in bands.items()}


def _span(weeks: int) -> str:
    return f"{weeks} week{'s' if weeks != 1 else ''}"
