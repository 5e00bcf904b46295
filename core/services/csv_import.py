"""Importing Hevy's "Export data" CSV, for lifters without Hevy Pro (no API access).

Both header variants (kg/km, and lb/miles for lb users) become the same normalized workouts as
an API sync. Exercises are named, not id'd: titles map to the lifter's catalogue (Hevy's
built-in exercises are bundled, so no Hevy link is needed) exactly, then by a normalized form; a
title that maps to nothing becomes the lifter's own exercise, its muscles guessed from the
closest built-in one, and is reported, never dropped. A file with any bad row imports nothing.

What one file costs is bounded whatever it holds: titles are short, a file makes at most
MAX_NEW_EXERCISES exercises, and each guess reads a few words of its title. Storing takes the
user's lease and stops when the lifter deleted their data meanwhile (`UserGone`), so a `/delete`
during an import leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.engine.catalogue import guess_template, local_id, normalize_title
from core.errors import SpotterError
from core.models import ExerciseSet, ExerciseTemplate, SetType, Workout, WorkoutExercise
from core.ports import Store
from core.services.catalogue import add_own, user_catalogue
from core.services.user_lease import UserLeases, ensure_user
from core.units import LB_PER_KG, lb_to_kg

MILE_M = 1609.344
MAX_BYTES = 20 * 1024 * 1024
# What a logged set can plausibly hold; beyond it a cell is a typo or an attack, not a lift.
MAX_KG = 1000.0
MAX_KM = 1000.0
MAX_REPS = 1000
MAX_SECONDS = 7 * 24 * 3600
MAX_INDEX = 10_000
MAX_TITLE_CHARS = 100  # Hevy's own titles are under 50 characters
TEXT_LIMITS = {  # characters in one cell of free text
    "exercise_title": MAX_TITLE_CHARS,
    "title": 200,
    "description": 2_000,
    "exercise_notes": 2_000,
}
# Far more exercises than any lifter names (a real log: about 80 titles, a handful unknown); a
# file naming more is not a training log, and guessing muscles for each has a cost.
MAX_NEW_EXERCISES = 500
# Dates a training log can hold; beyond them a cell is a typo (and year 1 or 9999 in a time zone
# overflows the datetime range).
MIN_YEAR, MAX_YEAR = 1900, 2100
IMPORT_WAIT_SECONDS = 20.0  # how long storing an import waits for a sync of the same user
_COMMON = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "reps",
    "duration_seconds",
    "rpe",
]
_DATE_FORMATS = ("%d %b %Y, %H:%M", "%d %B %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class CsvImportError(SpotterError):
    """The file is not a Hevy export, or a row cannot be read; nothing was imported."""


@dataclass
class CsvImport:
    """What a file holds, ready to store."""

    workouts: list[Workout]
    units: str  # "kg" or "lb": which header variant the file used
    unmapped: dict[str, int] = field(default_factory=dict)  # exercise title → sets
    # The lifter's own exercises made for the unmapped titles, each with the built-in exercise
    # its muscles were guessed from (None: no guess, "other").
    created: list[tuple[ExerciseTemplate, ExerciseTemplate | None]] = field(default_factory=list)

    @property
    def set_count(self) -> int:
        return sum(len(e.sets) for w in self.workouts for e in w.exercises)


class TitleMatcher:
    """Maps exercise titles to catalogue ids: exact first, then normalized."""

    def __init__(self, templates: list[ExerciseTemplate]) -> None:
        self._exact: dict[str, str] = {}
        self._normal: dict[str, str] = {}
        # Custom exercises first, so a user's own "Bench Press" wins over nothing else.
        for t in sorted(templates, key=lambda t: (not t.is_custom, t.id)):
            self._exact.setdefault(t.title, t.id)
            self._normal.setdefault(normalize_title(t.title), t.id)

    def match(self, title: str) -> str | None:
        return self._exact.get(title) or self._normal.get(normalize_title(title))


def parse_hevy_csv(text: str, templates: Iterable[ExerciseTemplate], timezone: str) -> CsvImport:
    """Read a Hevy export; CsvImportError (with the line) for anything that is not right."""
    if len(text) > MAX_BYTES:
        raise CsvImportError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    units = _units(header)
    tz = ZoneInfo(timezone)
    matcher = TitleMatcher(templates)
    unmapped: dict[str, int] = {}
    new: dict[str, str] = {}  # own exercise id → its title as first written
    sessions: dict[tuple[str, str, str], dict] = {}
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise CsvImportError(f"line {line}: the row has a different number of columns")
            _read_row(row, line, units, tz, matcher, unmapped, new, sessions)
    except csv.Error as exc:
        raise CsvImportError(f"line {reader.line_num}: {exc}") from None
    if not sessions:
        raise CsvImportError("the file has a header but no sets")
    workouts = [_workout(key, data) for key, data in sessions.items()]
    workouts.sort(key=lambda w: w.start_time)
    kinds = _kinds(workouts)
    created = [guess_template(title, kinds[tid]) for tid, title in new.items()]
    return CsvImport(workouts=workouts, units=units, unmapped=unmapped, created=created)


async def import_csv(
    store: Store,
    user_id: int,
    text: str,
    timezone: str,
    leases: UserLeases | None = None,
    wait: float = IMPORT_WAIT_SECONDS,
) -> CsvImport:
    """Parse the whole file (in a worker thread: a 20 MB file takes seconds), then store it
    under the user's lease; a bad file stores nothing.

    UserGone when the lifter's data was deleted before the import was stored (erasure takes the
    lease after the import lets go of it, and clears what landed); UserBusy when a sync or a
    plan write keeps the lease for longer than `wait`."""
    catalogue = await user_catalogue(store, user_id)
    parsed = await asyncio.to_thread(parse_hevy_csv, text, catalogue.values(), timezone)
    async with (leases or UserLeases(store)).hold(user_id, wait=wait):
        await ensure_user(store, user_id)
        await add_own(store, user_id, [template for template, _ in parsed.created])
        await ensure_user(store, user_id)
        await store.workouts.upsert(user_id, parsed.workouts)
        # Deleted while storing: the erasure waiting for this lease clears it all; say so.
        await ensure_user(store, user_id)
    return parsed


def _units(header: list[str]) -> str:
    missing = [c for c in _COMMON if c not in header]
    if {"weight_kg", "distance_km"} <= set(header):
        units = "kg"
    elif {"weight_lbs", "distance_miles"} <= set(header):
        units = "lb"
    else:
        missing += ["weight_kg/weight_lbs"]
        units = ""
    if missing:
        raise CsvImportError(
            "this is not a Hevy export (Hevy → Settings → Export data): "
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    return units


def _read_row(
    row: dict[str, str],
    line: int,
    units: str,
    tz: ZoneInfo,
    matcher: TitleMatcher,
    unmapped: dict[str, int],
    new: dict[str, str],
    sessions: dict[tuple[str, str, str], dict],
) -> None:
    title = row["exercise_title"].strip()
    if not title:
        raise CsvImportError(f"line {line}: exercise_title is empty")
    # Free text is bounded too: it reaches exports, the query tool, pages and chat messages.
    for column, limit in TEXT_LIMITS.items():
        value = title if column == "exercise_title" else row[column]
        if len(value) > limit:
            raise CsvImportError(
                f"line {line}: {column} {value[:32]!r}… is longer than {limit:,} characters"
            )
    start = _time(row["start_time"], tz, line, "start_time")
    end = _time(row["end_time"], tz, line, "end_time") if row["end_time"].strip() else None
    set_type = row["set_type"].strip() or "normal"
    if set_type not in SetType.__members__.values():
        raise CsvImportError(f"line {line}: unknown set_type {set_type!r}")
    template_id = matcher.match(title)
    if template_id is None:
        unmapped[title] = unmapped.get(title, 0) + 1
        template_id = local_id(title)
        new.setdefault(template_id, title)  # one exercise per normalized title
        if len(new) > MAX_NEW_EXERCISES:
            raise CsvImportError(
                f"line {line}: the file names more than {MAX_NEW_EXERCISES} exercises I don't "
                f"know, and I make at most {MAX_NEW_EXERCISES} new ones from one file"
            )
    if units == "kg":
        weight = _number(row["weight_kg"], line, "weight_kg", MAX_KG)
        distance = _number(row["distance_km"], line, "distance_km", MAX_KM)
        distance_m = None if distance is None else distance * 1000
    else:
        pounds = _number(row["weight_lbs"], line, "weight_lbs", MAX_KG * LB_PER_KG)
        weight = None if pounds is None else lb_to_kg(pounds)
        miles = _number(row["distance_miles"], line, "distance_miles", MAX_KM * 1000 / MILE_M)
        distance_m = None if miles is None else miles * MILE_M
    reps = _number(row["reps"], line, "reps", MAX_REPS, whole=True)
    duration = _number(row["duration_seconds"], line, "duration_seconds", MAX_SECONDS, whole=True)
    rpe = _number(row["rpe"], line, "rpe", 10)
    superset = _number(row["superset_id"], line, "superset_id", MAX_INDEX, whole=True)
    index = _number(row["set_index"], line, "set_index", MAX_INDEX, whole=True)
    if index is None:
        raise CsvImportError(f"line {line}: set_index is empty")

    key = (row["title"], start.isoformat(), end.isoformat() if end else "")
    session = sessions.setdefault(
        key,
        {"description": row["description"], "start": start, "end": end, "exercises": []},
    )
    exercises: list[WorkoutExercise] = session["exercises"]
    last = exercises[-1] if exercises else None
    if (
        last is None
        or last.template_id != template_id
        or (last.sets and index <= last.sets[-1].index)
    ):
        last = WorkoutExercise(
            index=len(exercises),
            template_id=template_id,
            title=title,
            notes=row["exercise_notes"],
            superset_id=None if superset is None else int(superset),
        )
        exercises.append(last)
    last.sets.append(
        ExerciseSet(
            index=int(index),
            type=SetType(set_type),
            weight_kg=weight,
            reps=None if reps is None else int(reps),
            distance_m=distance_m,
            duration_s=None if duration is None else int(duration),
            rpe=rpe,
        )
    )


def _workout(key: tuple[str, str, str], data: dict) -> Workout:
    title, start_iso, _ = key
    # The same session imported twice gets the same id, so a re-import replaces, never doubles.
    digest = hashlib.sha256(f"{title}|{start_iso}".encode()).hexdigest()[:24]
    return Workout(
        id=f"csv-{digest}",
        title=title,
        description=data["description"],
        start_time=data["start"],
        end_time=data["end"],
        exercises=data["exercises"],
    )


def _time(value: str, tz: ZoneInfo, line: int, column: str) -> datetime:
    text = value.strip()
    moment = _moment(text)
    if moment is None:
        raise CsvImportError(
            f"line {line}: {column} {text!r} is not a date like '8 Apr 2026, 16:50'"
        )
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise CsvImportError(
            f"line {line}: {column} {text!r} is not between {MIN_YEAR} and {MAX_YEAR}"
        )
    return moment.replace(tzinfo=tz)


@lru_cache(maxsize=4096)
def _moment(text: str) -> datetime | None:
    """The wall-clock time a cell writes, or None. Cached: every set of a session repeats its
    start and end, so a year's export of 40,000 rows holds only a few hundred distinct times."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _number(
    value: str, line: int, column: str, most: float, *, whole: bool = False
) -> float | None:
    """A number from 0 to `most` (a whole one with `whole`), None when the cell is empty."""
    text = value.strip()
    if not text:
        return None
    if len(text) > 32:
        raise CsvImportError(f"line {line}: {column} {text[:32]!r}… is not a number")
    try:
        number = (
            float(text.replace(",", "."))
            if text.count(",") == 1 and "." not in text
            else float(text)
        )
    except ValueError:
        raise CsvImportError(f"line {line}: {column} {text!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CsvImportError(f"line {line}: {column} {text!r} is not a number")
    if not 0 <= number <= most:
        raise CsvImportError(f"line {line}: {column} {text} is not between 0 and {most:g}")
    if whole and number != int(number):
        raise CsvImportError(f"line {line}: {column} {text} is not a whole number")
    return number


_KINDS = ("duration", "distance_duration", "reps_only", "weight_reps")  # weakest first


def _kinds(workouts: list[Workout]) -> dict[str, str]:
    """How each exercise was logged, from its sets (one pass over them): with weight, reps
    only, distance or time; one set with weight makes it weighted, and so on down."""
    kinds: dict[str, int] = {}
    for w in workouts:
        for e in w.exercises:
            for s in e.sets:
                kind = 3 if s.weight_kg else 2 if s.reps else 1 if s.distance_m else 0
                kinds[e.template_id] = max(kind, kinds.get(e.template_id, 0))
    return {template_id: _KINDS[kind] for template_id, kind in kinds.items()}
