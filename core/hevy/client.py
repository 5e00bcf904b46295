"""The async Hevy client: every endpoint Spotter uses, paced per key, retried where safe.

GETs retry on 429, 5xx, timeouts and network errors (honouring `Retry-After`, otherwise capped
exponential back-off with jitter). A PUT replaces the whole routine, so it is retried on 429
only, when Hevy certainly did not apply it. A POST is never retried here: when its outcome is
unknown the client raises `HevyOutcomeUnknown`, and the caller looks before trying again.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from core.hevy.errors import (
    HevyBadRequest,
    HevyError,
    HevyForbidden,
    HevyNotFound,
    HevyOutcomeUnknown,
    HevyProtocolError,
    HevyRateLimited,
    HevyUnavailable,
    InvalidApiKey,
)
from core.hevy.models import (
    HevyFolder,
    HevyRoutine,
    HevyTemplate,
    HevyUser,
    HevyWorkout,
    HistoryEntry,
    Page,
    RoutineWrite,
    WorkoutEvent,
    hevy_time,
)
from core.hevy.pacing import Pacer, PacerRegistry

log = logging.getLogger(__name__)

PAGE_SIZE = 10  # the cap for workouts, events, routines and folders
TEMPLATE_PAGE_SIZE = 100
DEFAULT_TIMEOUT = 60.0  # large listings can take long


# (method, status, seconds) of every answer, for metrics
Observer = Callable[[str, int, float], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential back-off for retry number `attempt` (0-based)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311


class HevyConnector:
    """Makes per-key clients that share one HTTP connection pool and one pacer per key."""

    def __init__(
        self,
        base_url: str,
        http: httpx.AsyncClient,
        *,
        pacers: PacerRegistry | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        observer: Observer | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._http = http
        self._pacers = pacers or PacerRegistry(min_interval=1.0)
        self._retry = retry or RetryPolicy()
        self._timeout = timeout
        self._observer = observer

    def client(self, api_key: str) -> HevyClient:
        return HevyClient(
            api_key,
            base_url=self._base_url,
            http=self._http,
            pacer=self._pacers.for_key(api_key),
            retry=self._retry,
            timeout=self._timeout,
            observer=self._observer,
        )


class HevyClient:
    """One Hevy account's API, by its key."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        http: httpx.AsyncClient,
        pacer: Pacer,
        retry: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        observer: Observer | None = None,
    ) -> None:
        self._key = api_key
        self._observer = observer
        self._base = base_url.rstrip("/")
        self._http = http
        self._pacer = pacer
        self._retry = retry or RetryPolicy()
        self._timeout = timeout
        self.requests_made = 0

    def __repr__(self) -> str:  # never show the key
        return f"HevyClient(base_url={self._base!r})"

    # --- account ---------------------------------------------------------------------------

    async def user_info(self) -> HevyUser:
        """Who the key belongs to; the way to check a key."""
        data = await self._get("/v1/user/info")
        return _parse(HevyUser, _unwrap(data, "data"))

    # --- workouts --------------------------------------------------------------------------

    async def workout_count(self) -> int:
        data = await self._get("/v1/workouts/count")
        return int(_field(data, "workout_count"))

    async def workouts_page(self, page: int, page_size: int = PAGE_SIZE) -> Page[HevyWorkout]:
        """One page of workouts (Hevy orders them by creation, not by start time)."""
        return await self._page("/v1/workouts", "workouts", HevyWorkout, page, page_size)

    async def workout(self, workout_id: str) -> HevyWorkout:
        data = await self._get(f"/v1/workouts/{workout_id}")
        return _parse(HevyWorkout, _unwrap(data, "workout"))

    async def events_page(
        self, since: datetime, page: int, page_size: int = PAGE_SIZE
    ) -> Page[WorkoutEvent]:
        """One page of workout changes since `since`, newest first."""
        return await self._page(
            "/v1/workouts/events", "events", WorkoutEvent, page, page_size, since=hevy_time(since)
        )

    # --- exercises -------------------------------------------------------------------------

    async def exercise_templates(self) -> list[HevyTemplate]:
        """The whole catalogue: built-in and the account's custom exercises."""
        return [
            t
            async for t in self._all(
                "/v1/exercise_templates", "exercise_templates", HevyTemplate, TEMPLATE_PAGE_SIZE
            )
        ]

    async def exercise_template(self, template_id: str) -> HevyTemplate:
        data = await self._get(f"/v1/exercise_templates/{template_id}")
        return _parse(HevyTemplate, _unwrap(data, "exercise_template"))

    async def exercise_history(
        self, template_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> list[HistoryEntry]:
        """Every set of one exercise (no paging), optionally within dates."""
        params = {}
        if start is not None:
            params["start_date"] = hevy_time(start)
        if end is not None:
            params["end_date"] = hevy_time(end)
        data = await self._get(f"/v1/exercise_history/{template_id}", **params)
        rows = _field(data, "exercise_history")
        return [_parse(HistoryEntry, row) for row in rows]

    # --- routines and folders --------------------------------------------------------------

    async def routine_folders(self) -> list[HevyFolder]:
        return [f async for f in self._all("/v1/routine_folders", "routine_folders", HevyFolder)]

    async def create_routine_folder(self, title: str) -> HevyFolder | None:
        """Create a folder; None when Hevy answers without a body (look it up by title)."""
        data = await self._write(
            "POST", "/v1/routine_folders", {"routine_folder": {"title": title}}
        )
        found = _unwrap(data, "routine_folder")
        return None if found is None else _parse(HevyFolder, found)

    async def routines(self) -> list[HevyRoutine]:
        return [r async for r in self._all("/v1/routines", "routines", HevyRoutine)]

    async def routine(self, routine_id: str) -> HevyRoutine:
        data = await self._get(f"/v1/routines/{routine_id}")
        return _parse(HevyRoutine, _unwrap(data, "routine"))

    async def create_routine(self, routine: RoutineWrite) -> HevyRoutine | None:
        """Create a routine; None when Hevy answers 201 with no body (look it up by title)."""
        data = await self._write("POST", "/v1/routines", routine.post_body())
        found = _unwrap(data, "routine")
        return None if found is None else _parse(HevyRoutine, found)

    async def update_routine(self, routine_id: str, routine: RoutineWrite) -> HevyRoutine | None:
        """Replace a routine in place (HevyNotFound when it was deleted in the app)."""
        data = await self._write("PUT", f"/v1/routines/{routine_id}", routine.put_body())
        found = _unwrap(data, "routine")
        return None if found is None else _parse(HevyRoutine, found)

    # --- transport -------------------------------------------------------------------------

    async def _page[M: BaseModel](
        self, path: str, key: str, model: type[M], page: int, page_size: int, **params: Any
    ) -> Page[M]:
        try:
            data = await self._get(path, page=page, pageSize=page_size, **params)
        except HevyNotFound:
            if page > 1:  # past the last page some endpoints answer 404
                return Page(page=page, page_count=page - 1, items=[])
            raise
        items = _field(data, key)
        if not isinstance(items, list):
            raise HevyProtocolError(f"{path}: '{key}' is not a list")
        page_count = data.get("page_count", page) if isinstance(data, dict) else page
        return Page(page=page, page_count=int(page_count), items=[_parse(model, i) for i in items])

    async def _all[M: BaseModel](
        self, path: str, key: str, model: type[M], page_size: int = PAGE_SIZE
    ) -> AsyncIterator[M]:
        page = 1
        while True:
            result = await self._page(path, key, model, page, page_size)
            for item in result.items:
                yield item
            if not result.items or page >= result.page_count:
                return
            page += 1

    async def _get(self, path: str, **params: Any) -> Any:
        response = await self._send("GET", path, params=params)
        return _body(response)

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> Any:
        response = await self._send(method, path, json_body=body)
        return _body(response)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> httpx.Response:
        policy = self._retry
        for attempt in range(policy.attempts):
            async with self._pacer:
                self.requests_made += 1
                outcome = await self._attempt(method, path, params, json_body)
            if isinstance(outcome, httpx.Response):
                return outcome
            error, retryable, retry_after = outcome
            if not retryable or attempt == policy.attempts - 1:
                raise error
            delay = (
                min(retry_after, policy.max_retry_after)
                if retry_after is not None
                else policy.backoff(attempt)
            )
            self._pacer.hold(delay)  # the whole key waits, not just this call
            log.info("hevy retry", extra={"path": path, "error": str(error), "delay": delay})
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json_body: dict[str, Any] | None,
    ) -> httpx.Response | tuple[HevyError, bool, float | None]:
        """One request: the response on success, else (error, retryable, Retry-After)."""
        started = time.monotonic()
        try:
            response = await self._http.request(
                method,
                f"{self._base}{path}",
                params=params,
                json=json_body,
                headers={"api-key": self._key, "accept": "application/json"},
                timeout=self._timeout,
            )
        except httpx.ConnectError as exc:  # never reached Hevy: safe to repeat for any method
            return HevyUnavailable(f"{method} {path}: {type(exc).__name__}"), True, None
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            detail = f"{method} {path}: {type(exc).__name__}"
            if method == "POST":
                return HevyOutcomeUnknown(detail), False, None
            return HevyUnavailable(detail), method == "GET", None
        if self._observer is not None:
            self._observer(method, response.status_code, time.monotonic() - started)
        if response.is_success:
            return response
        error, retry_after = _error_for(method, path, response)
        if isinstance(error, HevyRateLimited):  # certainly not applied
            return error, method in ("GET", "PUT"), retry_after
        if isinstance(error, HevyUnavailable):
            if method == "POST":
                return HevyOutcomeUnknown(str(error), status=error.status), False, None
            return error, method == "GET", None
        return error, False, None


def _error_for(method: str, path: str, response: httpx.Response) -> tuple[HevyError, float | None]:
    status = response.status_code
    detail = f"{method} {path}: {status} {_error_text(response)}"
    if status == 401:
        return InvalidApiKey(detail, status=status), None
    if status == 403:
        return HevyForbidden(detail, status=status), None
    if status == 404:
        return HevyNotFound(detail, status=status), None
    if status == 429:
        retry_after = _retry_after(response)
        return HevyRateLimited(detail, retry_after=retry_after), retry_after
    if status >= 500:
        return HevyUnavailable(detail, status=status), None
    return HevyBadRequest(detail, status=status), None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


def _error_text(response: httpx.Response) -> str:
    """Hevy's error message, whatever the body is (JSON, plain text, an HTML page)."""
    text = response.text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"]
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:200]


def _body(response: httpx.Response) -> Any:
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        raise HevyProtocolError(
            f"{response.request.method} {response.request.url.path}: body is not JSON"
        ) from None


def _unwrap(data: Any, key: str) -> Any:
    """The object in any of Hevy's shapes: bare, `{key: obj}`, `{key: [obj]}`, or nothing."""
    if data is None:
        return None
    if isinstance(data, dict) and key in data:
        data = data[key]
    if isinstance(data, list):
        return data[0] if data else None
    return data


def _field(data: Any, key: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise HevyProtocolError(f"response has no '{key}'")
    return data[key]


def _parse[M: BaseModel](model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise HevyProtocolError(f"unexpected {model.__name__}: {exc.errors()[0]['msg']}") from None
