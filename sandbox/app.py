"""The sandbox's HTTP surface: Hevy's `/v1` endpoints with Hevy's quirks, and `/_sandbox` admin."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.state import Account, SandboxState, Seen, iso_ms, iso_offset, parse_time

PAGE_CAP = 10
TEMPLATE_PAGE_CAP = 100
ALLOWED_RPE = {6, 7, 7.5, 8, 8.5, 9, 9.5, 10}
SET_TYPES = {"warmup", "normal", "failure", "dropset"}
READ_ONLY_ROUTINE = {"id", "created_at", "updated_at"}
READ_ONLY_EXERCISE = {"index", "title"}
READ_ONLY_SET = {"index", "rpe"}


Handler = Callable[[Request, Account], Awaitable[Response]]


class Reject(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def error(status: int, message: str) -> Reject:
    return Reject(JSONResponse({"error": message}, status_code=status))


def build_app(state: SandboxState) -> Starlette:
    """The sandbox as an ASGI app over `state`."""

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Log, apply injected faults, authenticate, then run `handler` for the account."""

        async def wrapped(request: Request) -> Response:
            query = dict(request.query_params)
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            state.requests.append(
                Seen(request.method, request.url.path, query, body, request.headers.get("api-key"))
            )
            faults = state.faults
            if faults.latency:
                await asyncio.sleep(faults.latency)
            rule = faults.take(request.method, request.url.path, query)
            if rule is not None:
                headers = (
                    {"Retry-After": f"{rule.retry_after:g}"} if rule.retry_after is not None else {}
                )
                body = (
                    rule.body
                    if rule.body is not None
                    else json.dumps({"error": f"injected {rule.status}"})
                )
                return Response(
                    body, status_code=rule.status, headers=headers, media_type="application/json"
                )
            account = state.accounts.get(request.headers.get("api-key", ""))
            if account is None:
                return PlainTextResponse("InvalidApiKey", status_code=401)
            try:
                return await handler(request, account)
            except Reject as rejected:
                return rejected.response

        return wrapped

    async def user_info(request: Request, account: Account) -> Response:
        return JSONResponse({"data": account.user})

    async def workouts(request: Request, account: Account) -> Response:
        if request.method == "POST":
            body = await _json(request)
            workout = _new_workout(account, _wrapped(body, "workout"))
            return JSONResponse(account.put_workout(workout), status_code=201)
        items = account.workouts_by_creation()
        return _page(request, "workouts", items, PAGE_CAP)

    async def workout_count(request: Request, account: Account) -> Response:
        return JSONResponse({"workout_count": len(account.workouts)})

    async def workout(request: Request, account: Account) -> Response:
        workout_id = request.path_params["workout_id"]
        existing = account.workouts.get(workout_id)
        if existing is None:
            raise error(404, "Workout not found")
        if request.method == "PUT":
            body = _wrapped(await _json(request), "workout")
            if "is_private" not in body:  # GET never returns it, yet PUT needs it
                return PlainTextResponse("Internal Server Error", status_code=500)
            replaced = _new_workout(account, body)
            replaced["id"] = workout_id
            return JSONResponse(account.put_workout(replaced))
        return JSONResponse(existing)

    async def events(request: Request, account: Account) -> Response:
        since = parse_time(request.query_params.get("since", "1970-01-01T00:00:00Z"))
        return _page(request, "events", account.events_since(since), PAGE_CAP)

    async def templates(request: Request, account: Account) -> Response:
        return _page(request, "exercise_templates", account.templates, TEMPLATE_PAGE_CAP)

    async def template(request: Request, account: Account) -> Response:
        found = account.template(request.path_params["template_id"])
        if found is None:
            raise error(404, "Exercise template not found")
        return JSONResponse(found)

    async def history(request: Request, account: Account) -> Response:
        template_id = request.path_params["template_id"]
        start = request.query_params.get("start_date")
        end = request.query_params.get("end_date")
        rows = []
        for w in sorted(account.workouts.values(), key=lambda w: w["start_time"]):
            started = parse_time(w["start_time"])
            if (start and started < parse_time(start)) or (end and started > parse_time(end)):
                continue
            for e in w["exercises"]:
                if e["exercise_template_id"] != template_id:
                    continue
                for s in e["sets"]:
                    rows.append(
                        {
                            "workout_id": w["id"],
                            "workout_title": w["title"],
                            "workout_start_time": w["start_time"],
                            "workout_end_time": w["end_time"],
                            "exercise_template_id": template_id,
                            **_measures(s),
                            "rpe": s.get("rpe"),
                            "set_type": s.get("type", "normal"),
                        }
                    )
        return JSONResponse({"exercise_history": rows})

    async def folders(request: Request, account: Account) -> Response:
        if request.method == "POST":
            body = _wrapped(await _json(request), "routine_folder")
            title = body.get("title")
            if not isinstance(title, str) or not title.strip():
                raise error(400, "title is required")
            folder = account.create_folder(title)
            return await _created(state, "routine_folder", folder)
        return _page(request, "routine_folders", account.folders, PAGE_CAP)

    async def routines(request: Request, account: Account) -> Response:
        if request.method == "POST":
            body = _wrapped(await _json(request), "routine")
            _check_routine(account, body, creating=True)
            if account.routine_limit is not None and len(account.routines) >= account.routine_limit:
                raise error(403, "Routine limit exceeded")
            now = iso_ms(account.clock())
            routine = {
                "id": str(uuid.uuid4()),
                "title": body["title"],
                "folder_id": body.get("folder_id"),
                "notes": body.get("notes"),
                "created_at": now,
                "updated_at": now,
                "exercises": _routine_exercises(account, body["exercises"]),
            }
            account.routines[routine["id"]] = routine
            return await _created(state, "routine", routine)
        return _page(request, "routines", account.routines_in_order(), PAGE_CAP)

    async def routine(request: Request, account: Account) -> Response:
        routine_id = request.path_params["routine_id"]
        existing = account.routines.get(routine_id)
        if request.method == "PUT":
            body = _wrapped(await _json(request), "routine")
            if existing is None:
                raise error(404, "Routine doesn't exist or doesn't belong to the user")
            _check_routine(account, body, creating=False)
            existing.update(
                title=body["title"],
                notes=body.get("notes"),
                updated_at=iso_ms(account.clock()),
                exercises=_routine_exercises(account, body["exercises"]),
            )
            return JSONResponse({"routine": existing})
        if existing is None:
            raise error(400, "Routine not found")  # Hevy answers 400 here, per its spec
        return JSONResponse({"routine": existing})

    async def admin_delete_workout(request: Request) -> Response:
        key = request.headers.get("api-key", "")
        account = state.accounts.get(key)
        if account is None or not account.delete_workout(request.path_params["workout_id"]):
            return JSONResponse({"error": "no such workout"}, status_code=404)
        return Response(status_code=204)

    async def admin_accounts(request: Request) -> Response:
        body = await _json(request) if (await request.body()) else {}
        account = state.add_account(name=str(body.get("name", "Lifter")))
        return JSONResponse({"api_key": account.api_key, "user": account.user}, status_code=201)

    routes = [
        Route("/v1/user/info", endpoint(user_info)),
        Route("/v1/workouts", endpoint(workouts), methods=["GET", "POST"]),
        Route("/v1/workouts/count", endpoint(workout_count)),
        Route("/v1/workouts/events", endpoint(events)),
        Route("/v1/workouts/{workout_id}", endpoint(workout), methods=["GET", "PUT"]),
        Route("/v1/exercise_templates", endpoint(templates)),
        Route("/v1/exercise_templates/{template_id}", endpoint(template)),
        Route("/v1/exercise_history/{template_id}", endpoint(history)),
        Route("/v1/routine_folders", endpoint(folders), methods=["GET", "POST"]),
        Route("/v1/routines", endpoint(routines), methods=["GET", "POST"]),
        Route("/v1/routines/{routine_id}", endpoint(routine), methods=["GET", "PUT"]),
        Route("/_sandbox/workouts/{workout_id}", admin_delete_workout, methods=["DELETE"]),
        Route("/_sandbox/accounts", admin_accounts, methods=["POST"]),
    ]
    return Starlette(routes=routes)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise error(400, "Invalid JSON body") from None


def _wrapped(body: Any, key: str) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise error(400, f'Body must be {{"{key}": {{...}}}}')
    return body[key]


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    try:
        return default if raw is None else int(raw)
    except ValueError:
        raise error(400, f"{name} must be an integer") from None


def _page(request: Request, key: str, items: list[Any], cap: int) -> Response:
    page = _int_param(request, "page", 1)
    size = _int_param(request, "pageSize", 5)
    if page < 1:
        raise error(400, "page must be 1 or greater")
    if not 1 <= size <= cap:
        raise error(400, f"pageSize must be between 1 and {cap}")
    page_count = max(1, -(-len(items) // size))
    if page > page_count and page > 1:
        raise error(404, "Page not found")
    chunk = items[(page - 1) * size : page * size]
    return JSONResponse({"page": page, "page_count": page_count, key: chunk})


async def _created(state: SandboxState, key: str, obj: dict[str, Any]) -> Response:
    """A 201 in one of the shapes Hevy really sends, late when a test asks for it."""
    if state.faults.delay_after_write:
        await asyncio.sleep(state.faults.delay_after_write)
    shape = state.faults.next_create_shape()
    if shape == "empty":
        return Response(status_code=201)
    body: Any = {"bare": obj, "wrapped": {key: obj}, "wrapped_list": {key: [obj]}}[shape]
    return JSONResponse(body, status_code=201)


def _html_400() -> Reject:
    page = (
        "<!DOCTYPE html><html><head><title>Error</title></head>"
        "<body><pre>Bad Request</pre></body></html>"
    )
    return Reject(Response(page, status_code=400, media_type="text/html"))


def _check_routine(account: Account, body: dict[str, Any], *, creating: bool) -> None:
    """Hevy's routine write rules, including the ones its spec does not state."""
    if not isinstance(body.get("title"), str) or not body["title"].strip():
        raise error(400, "title is required")
    if not creating:
        stray = READ_ONLY_ROUTINE & body.keys()
        if "folder_id" in body:
            raise error(400, '"folder_id" is not allowed')
        if stray:
            raise error(400, f'"{sorted(stray)[0]}" is not allowed')
    elif body.get("folder_id") is not None and not any(
        f["id"] == body["folder_id"] for f in account.folders
    ):
        raise error(400, "folder not found")
    if "@" in str(body.get("notes") or ""):
        raise _html_400()
    exercises = body.get("exercises")
    if not isinstance(exercises, list):
        raise error(400, "exercises must be an array")
    for exercise in exercises:
        if not isinstance(exercise, dict):
            raise error(400, "exercise must be an object")
        if READ_ONLY_EXERCISE & exercise.keys():
            raise error(400, f'"{sorted(READ_ONLY_EXERCISE & exercise.keys())[0]}" is not allowed')
        if account.template(str(exercise.get("exercise_template_id"))) is None:
            raise error(
                400, f"Invalid exercise template id: {exercise.get('exercise_template_id')}"
            )
        if "@" in str(exercise.get("notes") or ""):
            raise _html_400()
        rest = exercise.get("rest_seconds")
        if rest is not None and not isinstance(rest, int):
            raise error(400, "rest_seconds must be an integer")
        for s in exercise.get("sets", []):
            if READ_ONLY_SET & s.keys():
                raise error(400, f'"{sorted(READ_ONLY_SET & s.keys())[0]}" is not allowed')
            if s.get("type", "normal") not in SET_TYPES:
                raise error(400, "invalid set type")
            if "rep_range" in s and s["rep_range"] is None:
                raise error(400, '"rep_range" must be of type object')


def _measures(s: dict[str, Any]) -> dict[str, Any]:
    """The measured fields of a set, in Hevy's read spelling."""
    keys = ("weight_kg", "reps", "distance_meters", "duration_seconds", "custom_metric")
    return {key: s.get(key) for key in keys}


def _routine_exercises(account: Account, exercises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for index, exercise in enumerate(exercises):
        template = account.template(exercise["exercise_template_id"]) or {}
        out.append(
            {
                "index": index,
                "title": template.get("title", ""),
                "rest_seconds": exercise.get("rest_seconds"),
                "notes": exercise.get("notes") or "",
                "exercise_template_id": exercise["exercise_template_id"],
                "supersets_id": exercise.get("superset_id"),
                "sets": [
                    {
                        "index": i,
                        "type": s.get("type", "normal"),
                        **_measures(s),
                        **({"rep_range": s["rep_range"]} if s.get("rep_range") else {}),
                    }
                    for i, s in enumerate(exercise.get("sets", []))
                ],
            }
        )
    return out


def _new_workout(account: Account, body: dict[str, Any]) -> dict[str, Any]:
    """A logged workout in read shape, from a POST/PUT body."""
    for key in ("title", "start_time", "end_time", "exercises"):
        if key not in body:
            raise error(400, f"{key} is required")
    exercises = []
    for index, exercise in enumerate(body["exercises"]):
        template = account.template(str(exercise.get("exercise_template_id")))
        if template is None:
            raise error(
                400, f"Invalid exercise template id: {exercise.get('exercise_template_id')}"
            )
        sets = []
        for i, s in enumerate(exercise.get("sets", [])):
            if s.get("rpe") is not None and s["rpe"] not in ALLOWED_RPE:
                raise error(400, "rpe must be one of 6, 7, 7.5, 8, 8.5, 9, 9.5, 10")
            if s.get("type", "normal") not in SET_TYPES:
                raise error(400, "invalid set type")
            sets.append(
                {"index": i, "type": s.get("type", "normal"), **_measures(s), "rpe": s.get("rpe")}
            )
        exercises.append(
            {
                "index": index,
                "title": template["title"],
                "notes": exercise.get("notes") or "",
                "exercise_template_id": template["id"],
                "supersets_id": exercise.get("superset_id"),
                "sets": sets,
            }
        )
    return {
        "title": body["title"],
        "routine_id": body.get("routine_id"),
        "description": body.get("description") or "",
        "start_time": iso_offset(parse_time(body["start_time"])),
        "end_time": iso_offset(parse_time(body["end_time"])),
        "exercises": exercises,
    }
