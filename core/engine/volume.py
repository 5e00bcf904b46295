"""Training volume: tonnage, weekly hard sets per muscle against target bands, frequency.

Hard sets are counted fractionally (Pelland et al. 2024): a working set counts 1 for the
exercise's primary muscle and 0.5 for each secondary. Hevy's muscle groups fold into the band
groups below (lats and upper back are "back"); a set counts at most once per band group.

One exception: Hevy lists forearms as a secondary muscle of nearly every pull, and the forearm
band (0–4) is about direct work, so gripping a row does not count as forearm training: forearms
count only where they are the primary muscle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from core.engine.periods import Bucket, bucket_of, local, week_start
from core.engine.records import working
from core.models import ExerciseTemplate, SetRow

Level = Literal["beginner", "intermediate", "advanced"]

# Hevy muscle group → band group (groups without a band are still counted, under their name).
BAND_GROUP: dict[str, str] = {
    "chest": "chest",
    "lats": "back",
    "upper_back": "back",
    "quadriceps": "quads",
    "hamstrings": "hamstrings",
    "glutes": "glutes",
    "shoulders": "shoulders",
    "triceps": "triceps",
    "biceps": "biceps",
    "calves": "calves",
    "abdominals": "abs",
    "forearms": "forearms",
}

# Weekly hard sets (Liftosaur program_design.md, in line with RP's MEV–MAV ranges).
BANDS: dict[str, dict[str, tuple[float, float]]] = {
    "intermediate": {
        "chest": (10, 20),
        "back": (10, 22),
        "quads": (8, 18),
        "hamstrings": (6, 14),
        "glutes": (6, 16),
        "shoulders": (8, 18),
        "triceps": (6, 14),
        "biceps": (6, 14),
        "calves": (6, 12),
        "abs": (4, 10),
        "forearms": (0, 4),
    },
    "beginner": {
        "chest": (8, 12),
        "back": (8, 14),
        "quads": (6, 12),
        "hamstrings": (4, 10),
        "glutes": (4, 10),
        "shoulders": (6, 12),
        "triceps": (4, 10),
        "biceps": (4, 10),
        "calves": (0, 6),
        "abs": (0, 6),
        "forearms": (0, 4),
    },
}
BANDS["advanced"] = BANDS["intermediate"]
_DIRECT_ONLY = {"forearms"}


def band_for(muscle: str, level: Level) -> tuple[float, float] | None:
    return BANDS[level].get(muscle)


def set_contribution(template: ExerciseTemplate | None) -> dict[str, float]:
    """What one working set of `template` counts for, per band group (primary 1, secondary ½)."""
    if template is None:
        return {}
    share: dict[str, float] = {}
    for muscle in template.secondary_muscle_groups:
        if muscle in _DIRECT_ONLY:
            continue
        group = BAND_GROUP.get(muscle, muscle)
        share[group] = max(share.get(group, 0.0), 0.5)
    group = BAND_GROUP.get(template.primary_muscle_group, template.primary_muscle_group)
    share[group] = 1.0
    return share


def hard_sets(
    rows: Iterable[SetRow], templates: Mapping[str, ExerciseTemplate]
) -> dict[str, float]:
    """Fractional working sets per band group in `rows`."""
    totals: dict[str, float] = defaultdict(float)
    for row in working(rows):
        for group, share in set_contribution(templates.get(row.template_id)).items():
            totals[group] += share
    return dict(totals)


@dataclass(frozen=True, slots=True)
class MuscleVolume:
    """A muscle's hard sets in a week against its weekly band. While the week is in progress,
    `expected` is what should be done by now (the sets planned on the days already due, or the
    band's floor pro rata without a plan): a Wednesday isn't "below" for Friday's muscles."""

    muscle: str
    sets: float
    low: float | None
    high: float | None
    expected: float | None = None  # None: a finished week, judged on the whole band

    @property
    def status(self) -> Literal["below", "on track", "in", "above", "no band"]:
        if self.low is None or self.high is None:
            return "no band"
        if self.sets > self.high:
            return "above"
        if self.sets >= self.low:
            return "in"
        if self.expected is not None and self.sets >= self.expected - 0.5:
            return "on track"
        return "below"


def against_bands(
    sets: Mapping[str, float], level: Level, expected: Mapping[str, float] | None = None
) -> list[MuscleVolume]:
    """Every banded muscle (trained or not) and every other trained one, next to its band;
    with `expected` (a week in progress), each judged against what is due by now."""
    rows = []
    for muscle in sorted(set(BANDS[level]) | {m for m, s in sets.items() if s > 0}):
        band = band_for(muscle, level)
        low, high = band if band else (None, None)
        due = None if expected is None else round(expected.get(muscle, 0.0), 1)
        rows.append(MuscleVolume(muscle, sets.get(muscle, 0.0), low, high, due))
    return rows


def weekly_hard_sets(
    rows: Iterable[SetRow], templates: Mapping[str, ExerciseTemplate], tz: str = "UTC"
) -> dict[date, dict[str, float]]:
    """Fractional hard sets per band group for each local ISO week (keyed by its Monday)."""
    weeks: dict[date, list[SetRow]] = defaultdict(list)
    for row in rows:
        weeks[week_start(local(row.start_time, tz).date())].append(row)
    return {monday: hard_sets(week, templates) for monday, week in sorted(weeks.items())}


def sessions_per_muscle(
    rows: Iterable[SetRow], templates: Mapping[str, ExerciseTemplate]
) -> dict[str, int]:
    """In how many sessions each band group got at least one full set's worth of work."""
    by_workout: dict[str, list[SetRow]] = defaultdict(list)
    for row in rows:
        by_workout[row.workout_id].append(row)
    counts: dict[str, int] = defaultdict(int)
    for session in by_workout.values():
        for muscle, sets in hard_sets(session, templates).items():
            if sets >= 1.0:
                counts[muscle] += 1
    return dict(counts)


Dimension = Literal["exercise", "muscle", "period"]


def tonnage(
    rows: Iterable[SetRow],
    by: Dimension,
    templates: Mapping[str, ExerciseTemplate] | None = None,
    bucket: Bucket = "week",
    tz: str = "UTC",
) -> dict[str, float]:
    """Weight × reps of working sets, by exercise id, by primary muscle (Hevy's name) or period."""
    totals: dict[str, float] = defaultdict(float)
    for row in working(rows):
        if not row.weight_kg or not row.reps:
            continue
        if by == "exercise":
            key = row.template_id
        elif by == "muscle":
            template = (templates or {}).get(row.template_id)
            key = template.primary_muscle_group if template else "unknown"
        else:
            key = bucket_of(row.start_time, bucket, tz)
        totals[key] += row.weight_kg * row.reps
    return dict(sorted(totals.items()))
