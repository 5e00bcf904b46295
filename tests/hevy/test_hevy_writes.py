"""Folders and routines land in Hevy exactly once, whatever Hevy answers and whenever we die."""

from __future__ import annotations

import httpx
import pytest

from core.hevy.errors import HevyForbidden
from core.hevy.models import RepRange, RoutineExerciseWrite, RoutineSetWrite, RoutineWrite
from core.ports import Store
from core.services.hevy_writes import HevyWriter
from sandbox.server import RunningSandbox
from tests.hevy.conftest import connector_for
from tests.hevy.spec import HevySpec

USER = 7


def day(title: str, folder_id: int | None, load: float = 80.0) -> RoutineWrite:
    return RoutineWrite(
        title=title,
        folder_id=folder_id,
        notes="Spotter week 1",
        exercises=[
            RoutineExerciseWrite(
                exercise_template_id="79D0BB3A",
                rest_seconds=180,
                notes="3 × 6–8, RPE 8 (2 in reserve)",
                sets=[
                    RoutineSetWrite(weight_kg=load, reps=6, rep_range=RepRange(start=6, end=8))
                    for _ in range(3)
                ],
            ),
            RoutineExerciseWrite(
                exercise_template_id="55E6546F",
                rest_seconds=120,
                sets=[RoutineSetWrite(weight_kg=60, reps=10) for _ in range(3)],
            ),
        ],
    )


async def test_empty_201_and_a_timed_out_first_attempt_yield_one_routine(
    store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    client = connector_for(sandbox.base_url, http, timeout=0.5).client(account.api_key)
    writer = HevyWriter(store)
    sandbox.state.faults.create_shape = "empty"
    folder_id = await writer.ensure_folder(USER, client)
    assert folder_id == account.folders[0]["id"]

    # Hevy creates the routine, then answers too late: our POST times out.
    sandbox.state.faults.delay_after_write = 1.5
    result = await writer.put_routine(USER, client, "day-1", day("Spotter · Upper A", folder_id))
    sandbox.state.faults.delay_after_write = 0

    assert len(account.routines) == 1
    (routine_id,) = account.routines
    assert result.hevy_id == routine_id and result.created
    assert (await store.plans.get_link(USER, "day-1")).hevy_id == routine_id
    assert sandbox.state.requests_to("/v1/routines", "POST") == 1


async def test_a_crash_between_create_and_record_does_not_create_twice(
    store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    writer = HevyWriter(store)
    folder_id = await writer.ensure_folder(USER, client)

    class Killed(BaseException):
        pass

    original = client.create_routine

    async def create_then_die(routine: RoutineWrite):
        await original(routine)
        raise Killed  # the process died before it could record the id

    client.create_routine = create_then_die
    with pytest.raises(Killed):
        await writer.put_routine(USER, client, "day-1", day("Spotter · Upper A", folder_id))
    assert (await store.plans.get_link(USER, "day-1")).status == "pending"

    client.create_routine = original
    result = await writer.put_routine(
        USER, client, "day-1", day("Spotter · Upper A", folder_id, 85)
    )
    assert len(account.routines) == 1
    stored = account.routines[result.hevy_id]
    assert stored["exercises"][0]["sets"][0]["weight_kg"] == 85, "then updated in place"


async def test_later_writes_update_in_place_and_a_deleted_routine_is_recreated(
    store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    writer = HevyWriter(store)
    folder_id = await writer.ensure_folder(USER, client)
    assert await writer.ensure_folder(USER, client) == folder_id
    assert len(account.folders) == 1

    first = await writer.put_routine(USER, client, "day-1", day("Spotter · Upper A", folder_id))
    second = await writer.put_routine(
        USER, client, "day-1", day("Spotter · Upper A", folder_id, 82.5)
    )
    assert second.hevy_id == first.hevy_id and not second.created
    assert account.routines[first.hevy_id]["exercises"][0]["sets"][0]["weight_kg"] == 82.5

    del account.routines[first.hevy_id]  # the user deleted it in the app
    third = await writer.put_routine(USER, client, "day-1", day("Spotter · Upper A", folder_id, 85))
    assert third.recreated and third.hevy_id != first.hevy_id
    assert list(account.routines) == [third.hevy_id]


async def test_the_routine_cap_is_a_typed_error(
    store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient
) -> None:
    account = sandbox.state.add_account()
    account.routine_limit = 1
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    writer = HevyWriter(store)
    folder_id = await writer.ensure_folder(USER, client)
    await writer.put_routine(USER, client, "day-1", day("Spotter · A", folder_id))
    with pytest.raises(HevyForbidden):
        await writer.put_routine(USER, client, "day-2", day("Spotter · B", folder_id))


async def test_every_write_body_fits_the_spec(
    store: Store, sandbox: RunningSandbox, http: httpx.AsyncClient, spec: HevySpec
) -> None:
    account = sandbox.state.add_account()
    client = connector_for(sandbox.base_url, http).client(account.api_key)
    writer = HevyWriter(store)
    folder_id = await writer.ensure_folder(USER, client)
    await writer.put_routine(USER, client, "day-1", day("Spotter · A", folder_id))
    await writer.put_routine(USER, client, "day-1", day("Spotter · A", folder_id, 90))
    for body in sandbox.state.bodies("POST", "/v1/routine_folders"):
        spec.check_request("POST", "/v1/routine_folders", body)
    posts = sandbox.state.bodies("POST", "/v1/routines")
    puts = sandbox.state.bodies("PUT", "/v1/routines/")
    assert len(posts) == len(puts) == 1
    spec.check_request("POST", "/v1/routines", posts[0])
    spec.check_request("PUT", "/v1/routines/{routineId}", puts[0])


def test_a_top_set_and_its_back_offs_reach_hevy_at_their_own_loads() -> None:
    from core.engine.plan import PlanDay, PlannedExercise
    from core.engine.progression import RpeTopSet
    from core.models import ExerciseTemplate, Units
    from core.services.plan_writer import routine_for

    squat = PlannedExercise(
        template_id="D04AC939", sets=4, reps=3, load_kg=140.0, rpe=8, warmup_sets=2,
        progression=RpeTopSet(top_reps=3, top_rpe=8, backoff_sets=3, backoff_share=0.9),
    )  # fmt: skip
    day = PlanDay(key="day-1", name="Heavy", exercises=[squat])
    catalogue = {"D04AC939": ExerciseTemplate(id="D04AC939", title="Squat", equipment="barbell")}
    (written,) = routine_for(day, "Week 1", None, catalogue, Units.KG).exercises
    normal = [s.weight_kg for s in written.sets if s.type == "normal"]
    assert normal == [140.0, 125.0, 125.0, 125.0], "90 % is 126: 125 on the plates"
    assert "top set 140 kg, back-offs 125 kg" in written.notes
