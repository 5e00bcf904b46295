"""The Hevy client against Hevy's real failure shapes, at the HTTP transport (respx)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
import respx

from core.hevy.client import HevyClient, RetryPolicy
from core.hevy.errors import (
    HevyBadRequest,
    HevyForbidden,
    HevyNotFound,
    HevyOutcomeUnknown,
    HevyProtocolError,
    HevyRateLimited,
    HevyUnavailable,
    InvalidApiKey,
)
from core.hevy.models import RepRange, RoutineExerciseWrite, RoutineSetWrite, RoutineWrite
from core.hevy.pacing import Pacer

BASE = "https://hevy.test"
KEY = "0f4b8a1e-5c2d-4e8f-9a7b-3c6d1e2f4a5b"


class Sleeps:
    """Records the waits the pacer asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(sleeps: Sleeps):
    async with httpx.AsyncClient() as http:
        yield HevyClient(
            KEY,
            base_url=BASE,
            http=http,
            pacer=Pacer(0, sleep=sleeps),
            retry=RetryPolicy(attempts=5, base_delay=0.5, max_delay=4),
        )


def routine() -> RoutineWrite:
    return RoutineWrite(
        title="Spotter · Upper A",
        folder_id=7,
        notes="Week 1",
        exercises=[
            RoutineExerciseWrite(
                exercise_template_id="79D0BB3A",
                rest_seconds=180,
                notes="3×6–8 @ RPE 8",
                sets=[
                    RoutineSetWrite(weight_kg=80, reps=6, rep_range=RepRange(start=6, end=8)),
                    RoutineSetWrite(weight_kg=80, reps=6),
                ],
            )
        ],
    )


@respx.mock
async def test_plain_text_401_is_an_invalid_key(client: HevyClient) -> None:
    respx.get(f"{BASE}/v1/user/info").respond(401, text="InvalidApiKey")
    with pytest.raises(InvalidApiKey) as excinfo:
        await client.user_info()
    assert "Settings → Developer" in excinfo.value.user_message


@respx.mock
async def test_the_key_is_sent_in_the_header_and_never_shown(
    client: HevyClient, caplog: pytest.LogCaptureFixture
) -> None:
    route = respx.get(f"{BASE}/v1/user/info").respond(
        200, json={"data": {"id": "u1", "name": "Ann", "url": "https://hevy.com/user/ann"}}
    )
    caplog.set_level(logging.DEBUG)
    assert (await client.user_info()).name == "Ann"
    assert route.calls.last.request.headers["api-key"] == KEY
    assert KEY not in repr(client) and KEY not in caplog.text


@respx.mock
async def test_429_then_success_honours_retry_after(client: HevyClient, sleeps: Sleeps) -> None:
    route = respx.get(f"{BASE}/v1/workouts/count")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "Too many requests"}),
        httpx.Response(200, json={"workout_count": 42}),
    ]
    assert await client.workout_count() == 42
    assert route.call_count == 2
    assert len(sleeps.waits) == 1 and 6.5 < sleeps.waits[0] <= 7


@respx.mock
async def test_five_5xx_in_a_row_end_in_a_typed_error(client: HevyClient, sleeps: Sleeps) -> None:
    route = respx.get(f"{BASE}/v1/workouts").respond(503, text="upstream unavailable")
    with pytest.raises(HevyUnavailable) as excinfo:
        await client.workouts_page(1)
    assert route.call_count == 5
    assert len(sleeps.waits) == 4 and all(0 <= w <= 4 for w in sleeps.waits)
    assert "503" in str(excinfo.value)


@respx.mock
async def test_timeouts_on_get_are_retried(client: HevyClient) -> None:
    route = respx.get(f"{BASE}/v1/workouts/count")
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, json={"workout_count": 3})]
    assert await client.workout_count() == 3


@respx.mock
async def test_rate_limit_that_never_ends_is_a_typed_error(client: HevyClient) -> None:
    respx.get(f"{BASE}/v1/routines").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(HevyRateLimited) as excinfo:
        await client.routines()
    assert excinfo.value.retry_after == 1


@respx.mock
async def test_post_is_never_retried_and_an_unknown_outcome_says_so(client: HevyClient) -> None:
    route = respx.post(f"{BASE}/v1/routines").respond(502, text="Bad gateway")
    with pytest.raises(HevyOutcomeUnknown):
        await client.create_routine(routine())
    assert route.call_count == 1
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(HevyOutcomeUnknown):
        await client.create_routine(routine())
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("status", "body", "expected_id"),
    [
        (201, {"id": "r1", "title": "T", "exercises": []}, "r1"),
        (201, {"routine": {"id": "r2", "title": "T", "exercises": []}}, "r2"),
        (201, {"routine": [{"id": "r3", "title": "T", "exercises": []}]}, "r3"),
        (201, None, None),
    ],
    ids=["bare", "wrapped", "wrapped-list", "empty"],
)
@respx.mock
async def test_every_create_response_shape_is_understood(
    client: HevyClient, status: int, body: object, expected_id: str | None
) -> None:
    route = respx.post(f"{BASE}/v1/routines")
    if body is None:
        route.respond(status)
    else:
        route.respond(status, json=body)
    made = await client.create_routine(routine())
    assert (made.id if made else None) == expected_id


@respx.mock
async def test_put_body_has_no_folder_and_no_null_rep_range(client: HevyClient) -> None:
    route = respx.put(f"{BASE}/v1/routines/r1").respond(200, json={"routine": {"id": "r1"}})
    await client.update_routine("r1", routine())
    body = json.loads(route.calls.last.request.content)["routine"]
    assert "folder_id" not in body
    sets = body["exercises"][0]["sets"]
    assert sets[0]["rep_range"] == {"start": 6, "end": 8}
    assert "rep_range" not in sets[1]
    assert "@" not in body["exercises"][0]["notes"]


@respx.mock
async def test_put_is_retried_after_429_only(client: HevyClient) -> None:
    route = respx.put(f"{BASE}/v1/routines/r1")
    route.side_effect = [httpx.Response(429), httpx.Response(200, json={"routine": {"id": "r1"}})]
    await client.update_routine("r1", routine())
    assert route.call_count == 2
    route.side_effect = [httpx.Response(500), httpx.Response(200)]
    with pytest.raises(HevyUnavailable):
        await client.update_routine("r1", routine())


@respx.mock
async def test_error_bodies_of_every_kind_become_typed_errors(client: HevyClient) -> None:
    respx.put(f"{BASE}/v1/routines/gone").respond(404, json={"error": "Routine doesn't exist"})
    respx.post(f"{BASE}/v1/routine_folders").respond(
        400, html="<html><body><pre>Bad Request</pre></body></html>"
    )
    respx.get(f"{BASE}/v1/workouts/count").respond(403, json={"error": "Hevy Pro required"})
    respx.get(f"{BASE}/v1/user/info").respond(200, text="<html>maintenance</html>")
    with pytest.raises(HevyNotFound):
        await client.update_routine("gone", routine())
    with pytest.raises(HevyBadRequest, match="Bad Request"):
        await client.create_routine_folder("Spotter")
    with pytest.raises(HevyForbidden, match="Pro required"):
        await client.workout_count()
    with pytest.raises(HevyProtocolError):
        await client.user_info()


@respx.mock
async def test_404_past_the_last_page_ends_the_listing(client: HevyClient) -> None:
    folders = respx.get(f"{BASE}/v1/routine_folders")
    folders.side_effect = lambda request: (
        httpx.Response(200, json={"page": 1, "page_count": 3, "routine_folders": [{"id": 1}]})
        if request.url.params["page"] == "1"
        else httpx.Response(404, json={"error": "Page not found"})
    )
    assert [f.id for f in await client.routine_folders()] == [1]


@respx.mock
async def test_read_shapes_spelled_either_way_parse_the_same(client: HevyClient) -> None:
    exercise = {"index": 0, "exercise_template_id": "X", "sets": [], "rest_seconds": "90"}
    respx.get(f"{BASE}/v1/routines/a").respond(
        200, json={"routine": {"id": "a", "exercises": [{**exercise, "supersets_id": 0}]}}
    )
    respx.get(f"{BASE}/v1/routines/b").respond(
        200, json={"routine": {"id": "b", "exercises": [{**exercise, "superset_id": 0}]}}
    )
    a, b = await client.routine("a"), await client.routine("b")
    assert a.exercises[0].superset_id == b.exercises[0].superset_id == 0
    assert a.exercises[0].rest_seconds == 90
