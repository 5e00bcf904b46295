"""What a plan is built from in a lifter's log: their staple exercises and their working loads.

TRAINING.md, "Building a plan from the lifter": staples are the variations trained most over
the last ~12 weeks; a starting load is the median of recent working sets at a similar rep count
(last 6 weeks), falling back to the e1RM only when no rep-matched work exists, and "no history"
only when the exercise was never logged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from core.engine.e1rm import epley, load_for
from core.engine.records import working
from core.models import SetRow

STAPLE_WINDOW = timedelta(weeks=12)
LOAD_WINDOW = timedelta(weeks=6)
REP_MATCH = 2  # a set "at a similar rep count": within 2 reps of the prescribed range
DETRAINED_AFTER = timedelta(weeks=8)  # an exercise not trained for this long starts at 90 %
DETRAINED_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class WorkingLoad:
    """Where a starting load came from, for the exercise's note."""

    kg: float
    source: str  # "matched": median of rep-matched sets; "e1rm": from the e1RM
    sets: int  # how many sets it rests on
    weeks_since: int  # weeks between the exercise's last session and the log's last


@dataclass(frozen=True, slots=True)
class _Set:
    at: datetime
    weight_kg: float
    reps: int


@dataclass
class LifterHistory:
    """A lifter's log, read for planning. Empty for a new lifter."""

    recent_sets: Counter[str] = field(default_factory=Counter)  # working sets, last 12 weeks
    all_sets: Counter[str] = field(default_factory=Counter)  # working sets, all time
    loaded: dict[str, list[_Set]] = field(default_factory=dict)  # weighted sets, oldest first
    e1rms: dict[str, float] = field(default_factory=dict)  # only where no sets are known
    end: datetime | None = None  # the last session logged

    @classmethod
    def from_rows(cls, rows: Iterable[SetRow]) -> LifterHistory:
        work = sorted(working(rows), key=lambda r: r.start_time)
        if not work:
            return cls()
        end = work[-1].start_time
        history = cls(end=end)
        loaded: dict[str, list[_Set]] = defaultdict(list)
        for row in work:
            history.all_sets[row.template_id] += 1
            if row.start_time >= end - STAPLE_WINDOW:
                history.recent_sets[row.template_id] += 1
            if row.weight_kg and row.weight_kg > 0 and row.reps and row.reps > 0:
                loaded[row.template_id].append(_Set(row.start_time, row.weight_kg, row.reps))
        history.loaded = dict(loaded)
        return history

    @classmethod
    def from_e1rms(cls, e1rms: Mapping[str, float]) -> LifterHistory:
        """A history known only by e1RMs (what a coach tells Spotter, or a test)."""
        return cls(all_sets=Counter(dict.fromkeys(e1rms, 1)), e1rms=dict(e1rms))

    def trained(self, template_id: str) -> bool:
        return self.all_sets[template_id] > 0

    def favourites(self, among: set[str], count: int = 6) -> set[str]:
        """The `count` exercises of `among` with the most working sets in the last 12 weeks."""
        ranked = [tid for tid, _ in self.recent_sets.most_common() if tid in among]
        return set(ranked[:count])

    def staple_rank(self, template_id: str) -> tuple[int, int]:
        """Higher is more of a staple: sets in the last 12 weeks, then sets ever."""
        return self.recent_sets[template_id], self.all_sets[template_id]

    def working_load(
        self, template_id: str, rep_low: int, rep_high: int, rpe: float
    ) -> WorkingLoad | None:
        """The load for `rep_low`–`rep_high` reps from the lifter's recent work, or None."""
        sets = self.loaded.get(template_id)
        if not sets:
            e1rm = self.e1rms.get(template_id)
            return None if e1rm is None else WorkingLoad(load_for(e1rm, rep_low, rpe), "e1rm", 0, 0)
        assert self.end is not None
        last = sets[-1].at
        # The log's last 6 weeks; for an exercise not trained in them, its own last 6 weeks.
        window = [s for s in sets if s.at >= self.end - LOAD_WINDOW] or [
            s for s in sets if s.at >= last - LOAD_WINDOW
        ]
        weeks_since = (self.end - last) // timedelta(weeks=1)
        share = DETRAINED_SHARE if self.end - last > DETRAINED_AFTER else 1.0
        matched = [
            s.weight_kg for s in window if rep_low - REP_MATCH <= s.reps <= rep_high + REP_MATCH
        ]
        if matched:
            return WorkingLoad(median(matched) * share, "matched", len(matched), weeks_since)
        e1rm = max(epley(s.weight_kg, s.reps) for s in window)
        return WorkingLoad(load_for(e1rm, rep_low, rpe) * share, "e1rm", len(window), weeks_since)
