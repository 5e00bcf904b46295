"""Sliding-window rate limits, per key. In memory and per process: a limit protects this
process's resources and the operator's Claude bill, not a global quota.

- A lifter's actions: one budget for their commands, messages and button taps in the chat
  (the access gate) and their actions in the Mini App, so neither door doubles it.
- The coach's turns: a tighter limit of their own (bot/telegram/handlers/chat.py).
- The web app's doors (Mini App sessions, login pages): a request that proves what it is for
  (signed launch data names a Telegram user; a login page's link is live) counts against that
  user or link; one that proves nothing counts against its client address. Behind a proxy
  every client may share one address, so junk must never spend a real lifter's budget; the
  credentials themselves (HMAC signatures, 256-bit tokens) are what makes guessing hopeless.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Hashable

UPDATES_PER_MINUTE = 30  # a lifter's commands, messages, button taps and Mini App actions
SLOW_DOWN = "That's a lot at once; give me a minute, then carry on."


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


lifter_actions = SlidingWindow(UPDATES_PER_MINUTE, 60.0)
# Mini App pages and charts a lifter may open a minute: browsing takes a few a minute, a loop of
# renders (a Progress page over a large log costs the server ~1 s) is cut off for that lifter.
PAGES_PER_MINUTE = 120
lifter_reads = SlidingWindow(PAGES_PER_MINUTE, 60.0)
