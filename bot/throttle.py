"""Sliding-window rate limits, per key: Telegram users in the access gate and the coach, client
addresses on the login page. In memory and per process: a limit protects this process's
resources and the operator's Claude bill, not a global quota."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Hashable


class SlidingWindow:
    """At most `limit` events per `window` seconds for each key, remembering at most
    `max_keys` keys (the least recently seen are forgotten first)."""

    def __init__(self, limit: int, window: float, max_keys: int = 50_000) -> None:
        self.limit, self.window, self._max_keys = limit, window, max_keys
        self._seen: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._told: set[Hashable] = set()

    def allow(self, key: Hashable) -> bool:
        """Count one event for `key`; False (and not counted) when it is over the limit."""
        now = time.monotonic()
        stamps = self._seen.pop(key, None) or deque()
        self._seen[key] = stamps
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        if len(self._seen) > self._max_keys:
            forgotten, _ = self._seen.popitem(last=False)
            self._told.discard(forgotten)
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        self._told.discard(key)
        return True

    def first_refusal(self, key: Hashable) -> bool:
        """True once per run of refusals: when to say "slow down" (and then stay quiet)."""
        if key in self._told:
            return False
        self._told.add(key)
        return True
