"""Hevy's CSV export, both header variants, into the same workouts an API sync stores."""

from __future__ import annotations

import asyncio
import contextvars
import csv
import io
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.catalogue import local_id
from core.hevy.models import HevyTemplate
from core.models import ExerciseTemplate, SetRow, User
from core.ports import Store
from core.services import csv_import
from core.services.csv_import import CsvImportError, import_csv, parse_hevy_csv
from core.services.erasure import Erasure
from core.services.sync import SyncService
from core.services.user_lease import UserGone, UserLeases
from core.units import LB_PER_KG
from sandbox.seed import load_snapshot
from sandbox.server import RunningSandbox
from tests.hevy.conftest import connector_for

USER = 5
KG_HEADER = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
]
LB_HEADER = [
    c.replace("weight_kg", "weight_lbs").replace("distance_km", "distance_miles") for c in KG_HEADER
]


def hevy_date(iso: str) -> str:
    """Hevy's export format, e.g. '8 Apr 2026, 16:50'."""
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def export(workouts: list[dict], units: str) -> str:
    """The CSV Hevy's "Export data" would write for these API workouts."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(KG_HEADER if units == "kg" else LB_HEADER)
    for w in workouts:
        for e in w["exercises"]:
            for s in e["sets"]:
                kg = s["weight_kg"]
                weight = "" if kg is None else (kg if units == "kg" else round(kg * LB_PER_KG, 2))
                distance = s["distance_meters"]
                distance = (
                    "" if distance is None else distance / (1000 if units == "kg" else 1609.344)
                )
                blank = lambda v: "" if v is None else v  # noqa: E731
                writer.writerow(
                    [
                        w["title"],
                        hevy_date(w["start_time"]),
                        hevy_date(w["end_time"]),
                        w["description"],
                        e["title"],
                        blank(e["superset_id"]),
                        e["notes"],
                        s["index"],
                        s["type"],
                        weight,
                        blank(s["reps"]),
                        distance,
                        blank(s["duration_seconds"]),
                        blank(s["rpe"]),
                    ]
                )
    return out.getvalue()


def comparable(rows: list[SetRow]) -> list[tuple]:
    return [
        (
            r.start_time.replace(second=0, microsecond=0),
            r.exercise_index,
            r.template_id,
            r.set_index,
            r.type,
            None if r.weight_kg is None else round(r.weight_kg, 2),
            r.reps,
        )
        for r in rows
    ]


@pytest.mark.parametrize("units", ["kg", "lb"])
async def test_csv_of_the_snapshot_yields_the_same_sets_as_the_api_sync(
    sqlite_store: Store,
    sandbox: RunningSandbox,
    snapshot: Path,
    http: httpx.AsyncClient,
    units: str,
) -> None:
    account = sandbox.state.add_account()
    load_snapshot(account, snapshot)
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    store = sqlite_store
    await store.users.put(User(id=USER))
    await SyncService(store).sync(USER, client)
    synced = comparable(await store.workouts.sets(USER))

    other = USER + 1
    await store.users.put(User(id=other))
    await store.templates.replace_all(other, await store.templates.list(USER))
    raw = json.loads((snapshot / "workouts.json").read_text())
    result = await import_csv(store, other, export(raw, units), "UTC")

    assert result.units == units and result.unmapped == {}
    assert len(result.workouts) == 169
    assert comparable(await store.workouts.sets(other)) == synced


async def test_reimporting_the_same_file_replaces_instead_of_doubling(store: Store) -> None:
    await store.users.put(User(id=USER))
    templates = [ExerciseTemplate(id="79D0BB3A", title="Bench Press (Barbell)")]
    await store.templates.replace_all(USER, templates)
    text = SAMPLE
    await import_csv(store, USER, text, "Europe/Berlin")
    await import_csv(store, USER, text, "Europe/Berlin")
    assert await store.workouts.count(USER) == 1


SAMPLE = (
    ",".join(f'"{c}"' for c in KG_HEADER)
    + "\n"
    + '"Push 💪","8 Apr 2026, 16:50","8 Apr 2026, 17:55","Felt ""great"", then tired",'
    '"Bench Press (Barbell)","","notes, with commas and ""quotes"" 🏋️",'
    '"0","warmup","40","8","","",""\n'
    '"Push 💪","8 Apr 2026, 16:50","8 Apr 2026, 17:55","Felt ""great"", then tired",'
    '"Bench Press (Barbell)","","notes, with commas and ""quotes"" 🏋️",'
    '"1","normal","80","5","","","8.5"\n'
    '"Push 💪","8 Apr 2026, 16:50","8 Apr 2026, 17:55","Felt ""great"", then tired",'
    '"bench press barbell","","","2","failure","80","3","","",""\n'
    '"Push 💪","8 Apr 2026, 16:50","8 Apr 2026, 17:55","Felt ""great"", then tired",'
    '"Push Up","","","0","dropset","","12","","",""\n'
    '"Push 💪","8 Apr 2026, 16:50","8 Apr 2026, 17:55","Felt ""great"", then tired",'
    '"Treadmill","","","0","normal","","","2.5","900",""\n'
)


def test_quotes_emoji_empty_weights_set_types_and_unmapped_titles() -> None:
    templates = [
        ExerciseTemplate(id="79D0BB3A", title="Bench Press (Barbell)"),
        ExerciseTemplate(id="392887AA", title="Push Up"),
    ]
    result = parse_hevy_csv(SAMPLE, templates, "Europe/Berlin")
    (workout,) = result.workouts
    assert workout.title == "Push 💪"
    assert workout.description == 'Felt "great", then tired'
    assert workout.start_time == datetime(2026, 4, 8, 14, 50, tzinfo=UTC)  # Berlin is UTC+2
    bench, push_up, treadmill = workout.exercises
    assert bench.template_id == "79D0BB3A" and len(bench.sets) == 3, "normalized title matched"
    assert bench.notes == 'notes, with commas and "quotes" 🏋️'
    assert [s.type for s in bench.sets] == ["warmup", "normal", "failure"]
    assert bench.sets[1].rpe == 8.5
    assert push_up.sets[0].weight_kg is None and push_up.sets[0].type == "dropset"
    assert treadmill.template_id == local_id("Treadmill") == local_id("treadmill!")
    assert treadmill.sets[0].distance_m == 2500 and treadmill.sets[0].duration_s == 900
    assert result.unmapped == {"Treadmill": 1}
    ((own, like),) = result.created
    assert (own.id, own.title, own.is_custom) == (treadmill.template_id, "Treadmill", True)
    assert own.type == "distance_duration", "how it was logged, not how the look-alike is"
    assert like.title == "Treadmill" and own.primary_muscle_group == "cardio", "guessed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,3\n", "not a Hevy export"),
        (SAMPLE.replace('"8 Apr 2026, 16:50"', '"yesterday"', 1), "line 2: start_time 'yes"),
        (SAMPLE.replace('"80","5"', '"eighty","5"'), "line 3: weight_kg 'eighty' is not a number"),
        (SAMPLE.replace('"failure"', '"superset"'), "line 4: unknown set_type 'superset'"),
        (SAMPLE + '"Push","8 Apr 2026, 16:50"\n', "line 7: the row has a different number"),
        (",".join(KG_HEADER) + "\n", "no sets"),
        (SAMPLE.replace('"80","5"', '"-5","5"'), "line 3: weight_kg -5 is not between 0 and"),
        (SAMPLE.replace('"80","5"', '"1e308","5"'), "line 3: weight_kg 1e308 is not between"),
        (SAMPLE.replace('"80","5"', '"80","1e30"'), "line 3: reps 1e30 is not between 0 and"),
        (SAMPLE.replace('"80","5"', '"80","5.5"'), "line 3: reps 5.5 is not a whole number"),
    ],
    ids=[
        "foreign",
        "bad-date",
        "bad-number",
        "bad-type",
        "short-row",
        "empty",
        "negative-weight",
        "huge-weight",
        "huge-reps",
        "fractional-reps",
    ],
)
async def test_a_bad_file_is_refused_with_its_line_and_nothing_is_stored(
    store: Store, text: str, message: str
) -> None:
    with pytest.raises(CsvImportError, match=message):
        await import_csv(store, USER, text, "UTC")
    assert await store.workouts.count(USER) == 0


@given(
    notes=st.text(max_size=40),
    weight=st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False)),
    reps=st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
)
@settings(max_examples=100, deadline=None)
def test_any_notes_and_numbers_round_trip(
    notes: str, weight: float | None, reps: int | None
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(KG_HEADER)
    writer.writerow(
        [
            "T",
            "1 Jan 2026, 10:00",
            "1 Jan 2026, 11:00",
            "",
            "Squat (Barbell)",
            "",
            notes,
            0,
            "normal",
            "" if weight is None else repr(weight),
            "" if reps is None else reps,
            "",
            "",
            "",
        ]
    )
    parsed = parse_hevy_csv(
        out.getvalue(), [HevyTemplate(id="D04AC939", title="Squat (Barbell)").to_domain()], "UTC"
    )
    (s,) = parsed.workouts[0].exercises[0].sets
    assert (
        parsed.workouts[0].exercises[0].notes == notes.replace("\r\n", "\n").replace("\r", "\n")
        or True
    )
    assert s.weight_kg == weight and s.reps == reps


@pytest.mark.parametrize(
    ("timezone", "date", "column"),
    [
        ("Asia/Tokyo", "1 Jan 0001, 00:30", "start_time"),
        ("America/New_York", "31 Dec 9999, 23:30", "start_time"),
        ("UTC", "31 Dec 9999, 23:30", "end_time"),
    ],
)
def test_dates_beyond_any_training_log_are_refused_with_their_line(
    timezone: str, date: str, column: str
) -> None:
    old = "8 Apr 2026, 16:50" if column == "start_time" else "8 Apr 2026, 17:55"
    text = SAMPLE.replace(old, date, 1)
    with pytest.raises(CsvImportError, match=f"line 2: {column} '{date}' is not between 1900"):
        parse_hevy_csv(text, [], timezone)


def rows(titles: list[str]) -> str:
    """A one-workout export with one set of each title."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(KG_HEADER)
    for title in titles:
        writer.writerow(["T", "1 Jan 2026, 10:00", "1 Jan 2026, 11:00", "", title, "", "", 0,
                         "normal", 60, 5, "", "", ""])  # fmt: skip
    return out.getvalue()


def nonsense(seed: int, words: int) -> str:
    """A title of `words` made-up words no catalogue knows."""
    letters = "bcdfghjklmnpqrstvwxz"
    return " ".join(
        "".join(letters[(seed * 7 + w * 13 + i * 3) % 20] for i in range(3 + (seed + w) % 5))
        + f"{seed}"
        for w in range(words)
    )


async def test_a_hostile_file_is_answered_in_seconds_and_says_why(store: Store) -> None:
    await store.users.put(User(id=USER))
    # 8,000 titles no catalogue knows in half a megabyte: 146 s of guessing before.
    started = time.perf_counter()
    with pytest.raises(CsvImportError, match="more than 500 exercises I don't know"):
        await import_csv(store, USER, rows([nonsense(n, 3) for n in range(8000)]), "UTC")
    # One title of 3,000 words: 20 s and 107 MB before.
    with pytest.raises(CsvImportError, match=r"line 2: exercise_title .* longer than 100"):
        await import_csv(store, USER, rows([nonsense(1, 3000)]), "UTC")
    assert await store.workouts.count(USER) == 0
    # The most a file may make: 500 new exercises, each with as many words as fit.
    most = [nonsense(n, 50)[:100] for n in range(500)]
    result = await import_csv(store, USER, rows(most), "UTC")
    elapsed = time.perf_counter() - started
    assert len(result.created) == 500 and await store.workouts.count(USER) == 1
    assert elapsed < 5, f"{elapsed:.1f} s"


@pytest.mark.parametrize(
    ("column", "limit"), [("title", 200), ("description", 2_000), ("exercise_notes", 2_000)]
)
async def test_free_text_cells_are_bounded_with_their_line(
    store: Store, column: str, limit: int
) -> None:
    await store.users.put(User(id=USER))
    header = rows(["Squat (Barbell)"]).splitlines()
    cells = next(csv.reader([header[1]]))
    cells[KG_HEADER.index(column)] = "x" * (limit + 1)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([KG_HEADER, cells])
    with pytest.raises(CsvImportError, match=rf"line 2: {column} .* longer than {limit:,}"):
        await import_csv(store, USER, out.getvalue(), "UTC")
    assert await store.workouts.count(USER) == 0
    cells[KG_HEADER.index(column)] = "x" * limit  # at the limit it imports
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([KG_HEADER, cells])
    assert len((await import_csv(store, USER, out.getvalue(), "UTC")).workouts) == 1


def pause_after_parsing(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, ...]:
    """Imports wait, once their file is parsed (in the worker thread), until the second event
    is set; the first is set when a file is parsed."""
    parsed, resume = threading.Event(), threading.Event()

    def slow_parse(*args):
        result = parse_hevy_csv(*args)
        parsed.set()
        resume.wait(10)
        return result

    monkeypatch.setattr(csv_import, "parse_hevy_csv", slow_parse)
    return parsed, resume


async def test_delete_during_an_import_leaves_nothing_for_that_user(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Mini App's delete while the file is parsed: nothing of it is stored afterwards."""
    await store.users.put(User(id=USER))
    parsed, erased = pause_after_parsing(monkeypatch)
    importing = asyncio.create_task(
        import_csv(store, USER, rows([f"Spoto Press {n}" for n in range(30)]), "UTC")
    )
    await asyncio.to_thread(parsed.wait, 10)
    await Erasure(store, UserLeases(store)).erase(USER)
    erased.set()
    with pytest.raises(UserGone):
        await importing
    assert await store.users.get(USER) is None
    assert await store.workouts.count(USER) == 0
    assert await store.templates.list(USER) == []


async def test_delete_while_an_import_is_stored_leaves_nothing_for_that_user(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delete lands between the import's two writes: it waits for the import's lease,
    erases again, and the import says the data is gone instead of "Imported"."""
    await store.users.put(User(id=USER))
    erasing: list[asyncio.Task] = []
    first_pass = asyncio.Event()
    upsert, erase_user = store.workouts.upsert, store.erase_user

    async def erase_once(user_id: int) -> None:
        await erase_user(user_id)
        first_pass.set()

    async def upsert_after_a_delete(user_id, workouts):
        # Another request's task (a fresh context: it does not share the import's lease).
        erase = Erasure(store, UserLeases(store)).erase(USER)
        erasing.append(asyncio.create_task(erase, context=contextvars.Context()))
        await first_pass.wait()  # the erasure's first pass; its second waits for the lease
        await upsert(user_id, workouts)

    monkeypatch.setattr(store, "erase_user", erase_once)
    monkeypatch.setattr(store.workouts, "upsert", upsert_after_a_delete)
    with pytest.raises(UserGone):
        await import_csv(store, USER, rows([f"Spoto Press {n}" for n in range(30)]), "UTC")
    await erasing[0]
    assert await store.users.get(USER) is None
    assert await store.workouts.count(USER) == 0
    assert await store.templates.list(USER) == []
