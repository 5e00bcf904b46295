"""Per-key pacing for Hevy: one request in flight, about one a second, and shared back-off."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

from aiolimiter import AsyncLimiter

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Gate for one API key: a lock (one in flight), a leaky bucket, and a hold after 429s."""

    def __init__(self, min_interval: float, *, sleep: Sleep = asyncio.sleep) -> None:
        self._lock = asyncio.Lock()
        self._limiter = AsyncLimiter(1, min_interval) if min_interval > 0 else None
        self._sleep = sleep
        self._not_before = 0.0

    def hold(self, seconds: float) -> None:
        """Keep every request on this key waiting `seconds` from now (Retry-After, back-off)."""
        self._not_before = max(self._not_before, time.monotonic() + seconds)

    async def __aenter__(self) -> None:
        await self._lock.acquire()
        try:
            wait = self._not_before - time.monotonic()
            if wait > 0:
                await self._sleep(wait)
            if self._limiter is not None:
                await self._limiter.acquire()
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


class PacerRegistry:
    """One pacer per API key (keyed by a hash: the key itself is not kept here)."""

    def __init__(self, min_interval: float, *, sleep: Sleep = asyncio.sleep) -> None:
        self._min_interval = min_interval
        self._sleep = sleep
        self._pacers: dict[str, Pacer] = {}

    def for_key(self, api_key: str) -> Pacer:
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        pacer = self._pacers.get(digest)
        if pacer is None:
            pacer = self._pacers[digest] = Pacer(self._min_interval, sleep=self._sleep)
        return pacer
