"""Per-key pacing: one request in flight per key, spaced; different keys do not wait."""

from __future__ import annotations

import asyncio
import time

import httpx

from core.hevy.client import HevyConnector
from core.hevy.pacing import PacerRegistry


class Recorder:
    """A transport that answers after a moment and records overlap per key."""

    def __init__(self) -> None:
        self.in_flight: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.peak_total = 0
        self.starts: dict[str, list[float]] = {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["api-key"]
        self.starts.setdefault(key, []).append(time.monotonic())
        self.in_flight[key] = self.in_flight.get(key, 0) + 1
        self.peak[key] = max(self.peak.get(key, 0), self.in_flight[key])
        self.peak_total = max(self.peak_total, sum(self.in_flight.values()))
        await asyncio.sleep(0.05)
        self.in_flight[key] -= 1
        return httpx.Response(200, json={"workout_count": 1})


async def test_one_request_in_flight_per_key_and_keys_in_parallel() -> None:
    recorder = Recorder()
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http:
        connector = HevyConnector("https://hevy.test", http, pacers=PacerRegistry(0.2))
        a, b = connector.client("key-a"), connector.client("key-b")
        a_again = connector.client("key-a")  # a new client on the same key shares the pacer
        await asyncio.gather(*(c.workout_count() for c in (a, a_again, a, b, b, a)))
    assert recorder.peak == {"key-a": 1, "key-b": 1}
    assert recorder.peak_total == 2, "two keys ran side by side"
    gaps = [
        b - a for a, b in zip(recorder.starts["key-a"], recorder.starts["key-a"][1:], strict=False)
    ]
    assert len(gaps) == 3 and min(gaps) >= 0.19, gaps
