"""`kill -9` at 22 scripted points while a plan is written into Hevy and advanced, each followed
by a restart: no duplicate routine, no lost or doubled message, a consistent plan."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from core.crypto import KeyVault, generate_master_key, parse_master_keys
from core.models import ExerciseTemplate, Plan, PlanStatus, User, utcnow
from core.services.hevy_accounts import HevyAccounts
from sandbox.catalogue import built_in_templates
from storage.sqlite import SqliteStore
from tests.hevy.conftest import connector_for
from tests.loop.test_cycle import BENCH, SQUAT, small_plan
from tests.test_cli import clean_env

USER = 9
REPO = Path(__file__).resolve().parents[2]
OHP, DEADLIFT = "7B8D84E8", "C6272009"
POINTS = [
    "approve.after_status",
    "folder.before_post",
    "folder.after_post",
    "routine.before_post",
    "routine.after_post",
    "routine.before_post#2",
    "routine.after_post#2",
    "write_week.after_day",
    "write_week.after_day#2",
    "sync.after_page_stored",
    "advance.before_commit",
    "advance.after_commit",
    "catchup.before_hevy",
    "routine.before_put",
    "routine.after_put",
    "routine.before_put#2",
    "routine.after_put#2",
    "write_week.after_day#3",
    "catchup.after_hevy",
    "catchup.before_enqueue",
    "catchup.after_enqueue",
    "outbox.before_send",
]


def two_day_plan():
    plan = small_plan()
    for week in plan.weeks:
        day_a = week.days[0]
        day_b = day_a.model_copy(deep=True)
        day_b.key, day_b.name, day_b.weekday = "day-2", "Day B", 4
        day_b.exercises[0].template_id, day_b.exercises[1].template_id = OHP, DEADLIFT
        week.days = [day_a, day_b]
    return plan


async def setup(folder: Path, sandbox, http, key: str):
    account = sandbox.state.add_account("Crasher")
    start = utcnow() + timedelta(minutes=5)
    for offset, (title, ids) in enumerate((("Day A", (BENCH, SQUAT)), ("Day B", (OHP, DEADLIFT)))):
        at = start + timedelta(hours=offset)
        account.put_workout(
            {
                "title": title,
                "routine_id": None,
                "description": "",
                "start_time": at.isoformat(),
                "end_time": (at + timedelta(hours=1)).isoformat(),
                "exercises": [
                    {
                        "index": i,
                        "title": "",
                        "notes": "",
                        "exercise_template_id": tid,
                        "superset_id": None,
                        "sets": [
                            {
                                "index": j,
                                "type": "normal",
                                "weight_kg": 60.0 if i == 0 else 100.0,
                                "reps": 8,
                                "rpe": 8,
                                "distance_meters": None,
                                "duration_seconds": None,
                                "custom_metric": None,
                            }
                            for j in range(3)
                        ],
                    }
                    for i, tid in enumerate(ids)
                ],
            }
        )
    store = await SqliteStore.open(folder / "spotter.db")
    await store.users.put(User(id=USER, chat_id=USER))
    vault = KeyVault(parse_master_keys(key))
    await HevyAccounts(store, vault, connector_for(sandbox.base_url, http)).link(
        USER, account.api_key
    )
    await store.templates.replace_all(
        USER,
        [
            ExerciseTemplate(id=t["id"], title=t["title"], equipment=t["equipment_category"])
            for t in built_in_templates()
        ],
    )
    plan = two_day_plan()
    for week in plan.weeks:
        for day in week.days:
            for ex in day.exercises:
                ex.load_kg = 60.0 if ex.template_id in (BENCH, OHP) else 100.0
    await store.plans.put(
        Plan(id="p", user_id=USER, title="Crash block", body=plan.model_dump(mode="json"))
    )
    await store.close()
    return account


async def drive(folder: Path, sandbox, key: str, failpoint: str | None) -> int:
    env = clean_env(
        SPOTTER_SECRET_KEY=key, **({"SPOTTER_FAILPOINT": failpoint} if failpoint else {})
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.loop.driver",
        str(folder / "spotter.db"),
        sandbox.base_url,
        str(folder / "sent.log"),
        str(USER),
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _out, err = await asyncio.wait_for(process.communicate(), 120)
    except TimeoutError:
        process.kill()  # never leave a driver behind a failed test
        await process.wait()
        raise
    assert process.returncode in (0, 137), err.decode()[-2000:]
    return process.returncode


async def crash_and_recover(point: str, folder: Path, sandbox, http, key: str) -> None:
    await asyncio.to_thread(folder.mkdir)
    account = await setup(folder, sandbox, http, key)
    assert await drive(folder, sandbox, key, point) == 137, f"{point} was never reached"
    await asyncio.sleep(1.1)  # the killed process's leases and claims expire (1 s in the driver)
    assert await drive(folder, sandbox, key, None) == 0
    assert await drive(folder, sandbox, key, None) == 0  # a further restart changes nothing

    assert len([f for f in account.folders if f["title"] == "Spotter"]) == 1, point
    assert sorted(r["title"] for r in account.routines.values()) == [
        "Spotter · Day A",
        "Spotter · Day B",
    ], point
    log = await asyncio.to_thread((folder / "sent.log").read_text)
    sent = [json.loads(line) for line in log.splitlines()]
    assert [m["text"].splitlines()[0] for m in sent] == ["Week 2 of 4: it's in Hevy now."], point
    store = await SqliteStore.open(folder / "spotter.db")
    try:
        plan = await store.plans.get(USER, "p")
        assert (plan.week, plan.hevy_week, plan.notified_week) == (2, 2, 2), point
        assert plan.status == PlanStatus.ACTIVE
        assert await store.outbox.pending_count() == 0
    finally:
        await store.close()
    day_a = next(r for r in account.routines.values() if r["title"] == "Spotter · Day A")
    bench = next(e for e in day_a["exercises"] if e["exercise_template_id"] == BENCH)
    assert [s["weight_kg"] for s in bench["sets"] if s["type"] == "normal"] == [62.5] * 3, point


@pytest.mark.slow
async def test_kill_at_every_point_then_restart_leaves_no_duplicates(
    tmp_path, sandbox, http: httpx.AsyncClient
) -> None:
    key = generate_master_key()
    assert len(POINTS) >= 20
    for batch in range(0, len(POINTS), 4):
        await asyncio.gather(
            *(
                crash_and_recover(p, tmp_path / f"p{batch + i}", sandbox, http, key)
                for i, p in enumerate(POINTS[batch : batch + 4])
            )
        )
    print(
        f"\n{len(POINTS)} kill points, each followed by restarts: 0 duplicate routines, "
        "0 lost and 0 doubled messages"
    )
