"""The sandbox answers like Hevy: the spec's shapes, and the quirks HEVY.md records."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sandbox.generator import Lifter
from sandbox.seed import load_generated, load_snapshot
from sandbox.server import RunningSandbox
from tests.hevy.spec import HevySpec


@pytest.fixture
def account(sandbox: RunningSandbox, snapshot: Path):
    account = sandbox.state.add_account("Snapshot")
    load_snapshot(account, snapshot)
    return account


async def call(
    http: httpx.AsyncClient, sandbox: RunningSandbox, key: str, method: str, path: str, **kw
) -> httpx.Response:
    return await http.request(method, sandbox.base_url + path, headers={"api-key": key}, **kw)


async def test_read_responses_fit_the_spec(
    http: httpx.AsyncClient, sandbox: RunningSandbox, account, spec: HevySpec
) -> None:
    key = account.api_key
    checks = [
        ("/v1/user/info", "/v1/user/info", {}),
        ("/v1/workouts", "/v1/workouts", {"page": 2, "pageSize": 10}),
        ("/v1/workouts/count", "/v1/workouts/count", {}),
        ("/v1/workouts/events", "/v1/workouts/events", {"since": "2026-01-01T00:00:00Z"}),
        ("/v1/exercise_templates", "/v1/exercise_templates", {"pageSize": 100}),
        ("/v1/routines", "/v1/routines", {"pageSize": 10}),
        ("/v1/routine_folders", "/v1/routine_folders", {}),
    ]
    for path, spec_path, params in checks:
        response = await call(http, sandbox, key, "GET", path, params=params)
        assert response.status_code == 200, (path, response.text)
        spec.check_response("GET", spec_path, 200, response.json())
    workout_id = next(iter(account.workouts))
    one = await call(http, sandbox, key, "GET", f"/v1/workouts/{workout_id}")
    spec.check_response("GET", "/v1/workouts/{workoutId}", 200, one.json())
    history = await call(http, sandbox, key, "GET", "/v1/exercise_history/50DFDFAB")
    spec.check_response("GET", "/v1/exercise_history/{exerciseTemplateId}", 200, history.json())
    assert history.json()["exercise_history"], "the snapshot lifter does incline bench"


async def test_a_bad_key_gets_plain_text_401(http: httpx.AsyncClient, sandbox) -> None:
    response = await call(http, sandbox, "not-a-key", "GET", "/v1/user/info")
    assert response.status_code == 401
    assert response.text == "InvalidApiKey"
    assert response.headers["content-type"].startswith("text/plain")


async def test_paging_caps_and_404_past_the_last_page(
    http: httpx.AsyncClient, sandbox: RunningSandbox, account
) -> None:
    key = account.api_key
    too_big = await call(http, sandbox, key, "GET", "/v1/workouts", params={"pageSize": 11})
    assert too_big.status_code == 400
    ok = await call(http, sandbox, key, "GET", "/v1/exercise_templates", params={"pageSize": 100})
    assert ok.status_code == 200 and len(ok.json()["exercise_templates"]) == 100
    past = await call(
        http, sandbox, key, "GET", "/v1/workouts", params={"page": 99, "pageSize": 10}
    )
    assert past.status_code == 404
    first = await call(http, sandbox, key, "GET", "/v1/workouts", params={"pageSize": 10})
    assert first.json()["page_count"] == 17


async def test_workouts_are_listed_by_creation_not_start_time(
    http: httpx.AsyncClient, sandbox: RunningSandbox
) -> None:
    account = sandbox.state.add_account()
    load_generated(account, Lifter(seed=3, weeks=30))
    listed = []
    page = 1
    while True:
        r = await call(
            http,
            sandbox,
            account.api_key,
            "GET",
            "/v1/workouts",
            params={"page": page, "pageSize": 10},
        )
        listed += r.json()["workouts"]
        if page >= r.json()["page_count"]:
            break
        page += 1
    created = [w["created_at"] for w in listed]
    assert created == sorted(created, reverse=True)
    starts = [w["start_time"] for w in listed]
    assert starts != sorted(starts, reverse=True), "some sessions were logged days later"


async def test_routine_writes_enforce_hevys_rules(
    http: httpx.AsyncClient, sandbox: RunningSandbox, spec: HevySpec
) -> None:
    account = sandbox.state.add_account()
    account.routine_limit = 1
    key = account.api_key
    folder = await call(
        http, sandbox, key, "POST", "/v1/routine_folders", json={"routine_folder": {"title": "S"}}
    )
    assert folder.status_code == 201
    spec.check_response("POST", "/v1/routine_folders", 201, folder.json())
    body = {
        "routine": {
            "title": "Day 1",
            "folder_id": folder.json()["id"],
            "notes": "",
            "exercises": [
                {
                    "exercise_template_id": "79D0BB3A",
                    "superset_id": None,
                    "rest_seconds": 120,
                    "notes": "RPE 8",
                    "sets": [{"type": "normal", "weight_kg": 60, "reps": 8}],
                }
            ],
        }
    }
    spec.check_request("POST", "/v1/routines", body)
    created = await call(http, sandbox, key, "POST", "/v1/routines", json=body)
    assert created.status_code == 201
    spec.check_response("POST", "/v1/routines", 201, created.json())
    routine_id = created.json()["id"]

    over_cap = await call(http, sandbox, key, "POST", "/v1/routines", json=body)
    assert over_cap.status_code == 403 and over_cap.json() == {"error": "Routine limit exceeded"}

    put = {"routine": {k: v for k, v in body["routine"].items() if k != "folder_id"}}
    with_folder = await call(http, sandbox, key, "PUT", f"/v1/routines/{routine_id}", json=body)
    assert with_folder.status_code == 400
    null_range = {
        "routine": {
            **put["routine"],
            "exercises": [
                {**put["routine"]["exercises"][0], "sets": [{"type": "normal", "rep_range": None}]}
            ],
        }
    }
    assert (
        await call(http, sandbox, key, "PUT", f"/v1/routines/{routine_id}", json=null_range)
    ).status_code == 400
    at_sign = {"routine": {**put["routine"], "notes": "me@example"}}
    html = await call(http, sandbox, key, "PUT", f"/v1/routines/{routine_id}", json=at_sign)
    assert html.status_code == 400 and html.headers["content-type"].startswith("text/html")
    good = await call(http, sandbox, key, "PUT", f"/v1/routines/{routine_id}", json=put)
    assert good.status_code == 200
    spec.check_response("PUT", "/v1/routines/{routineId}", 200, good.json()["routine"])
    missing = await call(http, sandbox, key, "PUT", "/v1/routines/nope", json=put)
    assert missing.status_code == 404


async def test_empty_201_and_injected_faults(
    http: httpx.AsyncClient, sandbox: RunningSandbox
) -> None:
    account = sandbox.state.add_account()
    key = account.api_key
    sandbox.state.faults.create_shape = "empty"
    made = await call(
        http, sandbox, key, "POST", "/v1/routine_folders", json={"routine_folder": {"title": "S"}}
    )
    assert made.status_code == 201 and made.content == b""
    assert len(account.folders) == 1
    sandbox.state.faults.inject(429, path="/v1/workouts/count", retry_after=2)
    limited = await call(http, sandbox, key, "GET", "/v1/workouts/count")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert (await call(http, sandbox, key, "GET", "/v1/workouts/count")).status_code == 200


async def test_logged_workouts_reject_rpe_hevy_does_not_offer(
    http: httpx.AsyncClient, sandbox: RunningSandbox, spec: HevySpec
) -> None:
    account = sandbox.state.add_account()
    body = {
        "workout": {
            "title": "Push",
            "start_time": "2026-03-02T17:00:00Z",
            "end_time": "2026-03-02T18:00:00Z",
            "is_private": False,
            "exercises": [
                {
                    "exercise_template_id": "79D0BB3A",
                    "sets": [{"type": "normal", "weight_kg": 80, "reps": 5, "rpe": 8.5}],
                }
            ],
        }
    }
    spec.check_request("POST", "/v1/workouts", body)
    ok = await call(http, sandbox, account.api_key, "POST", "/v1/workouts", json=body)
    assert ok.status_code == 201
    spec.check_response("POST", "/v1/workouts", 201, ok.json())
    body["workout"]["exercises"][0]["sets"][0]["rpe"] = 6.5
    bad = await call(http, sandbox, account.api_key, "POST", "/v1/workouts", json=body)
    assert bad.status_code == 400


def test_generated_lifters_are_reproducible_and_lb_loads_are_float_kg() -> None:
    from core.units import LB_PER_KG
    from sandbox.generator import generate_workouts

    assert generate_workouts(Lifter(seed=9, weeks=20)) == generate_workouts(
        Lifter(seed=9, weeks=20)
    )
    assert generate_workouts(Lifter(seed=9, weeks=20)) != generate_workouts(
        Lifter(seed=8, weeks=20)
    )
    lb = generate_workouts(Lifter(seed=4, weeks=20, units="lb"))
    loads = {
        s["weight_kg"] for w in lb for e in w["exercises"] for s in e["sets"] if s["weight_kg"]
    }
    assert any(load != round(load, 2) for load in loads), "lb loads are not round in kg"
    assert all(abs(load * LB_PER_KG / 2.5 - round(load * LB_PER_KG / 2.5)) < 1e-6 for load in loads)


def test_the_real_snapshot_fits_the_spec_with_only_the_known_deviations(
    snapshot: Path, spec: HevySpec
) -> None:
    import json

    for workout in json.loads((snapshot / "workouts.json").read_text()):
        spec.check_schema("Workout", workout)
    for routine in json.loads((snapshot / "routines.json").read_text()):
        spec.check_schema("Routine", routine)
