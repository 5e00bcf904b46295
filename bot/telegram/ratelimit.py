"""Telegram rate limiting: PTB's AIORateLimiter, except for ephemeral previews, with a send window
that keeps up with Telegram's budget.

Message drafts and chat actions are throwaway previews of a reply that is coming anyway; queueing
them behind real messages in the 30-per-second budget would delay the replies themselves. They
go out directly, and one that Telegram refuses is simply skipped by the caller.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

UNTHROTTLED = frozenset({"sendMessageDraft", "sendChatAction"})


SENDS_PER_SECOND = 29  # just under Telegram's 30, which it counts over any one-second window


class SendWindow:
    """At most `per_second` sends in any one-second window, and at least `gap` seconds apart.

    PTB's own bucket lets 30 go at once and then refills, so 40–60 can land within one second and
    earn 429s; a bucket that holds one send (one every 1/29 s) never bursts, but every time the
    event loop wakes a sender late (the selector rounds its timeout up to a millisecond; other
    work runs first) that time is lost for good: 5,000 notifications went out at 27.7 a second,
    not 29. Counting the sends of the last second instead lets a late send be made up by the
    next ones while no second ever holds more than `per_second`; the gap keeps them spread out.
    """

    def __init__(self, per_second: int, gap: float) -> None:
        self._sent: deque[float] = deque(maxlen=per_second)
        self._gap = gap
        self._turn = asyncio.Lock()  # first come, first served

    async def wait(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            ready = 0.0
            if self._sent:
                ready = self._sent[-1] + self._gap
                if len(self._sent) == self._sent.maxlen:
                    ready = max(ready, self._sent[0] + 1.0)
            if (delay := ready - loop.time()) > 0:
                await asyncio.sleep(delay)
            self._sent.append(loop.time())


class PreviewAwareRateLimiter(AIORateLimiter):
    """Telegram's limits for everything sent to a chat (`SendWindow`), previews excepted; PTB's
    limiter keeps its group limit and its retry after a 429."""

    def __init__(self, per_second: int = SENDS_PER_SECOND, max_retries: int = 3) -> None:
        super().__init__(overall_max_rate=0, overall_time_period=0, max_retries=max_retries)
        self._window = SendWindow(per_second, gap=0.5 / per_second)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint in UNTHROTTLED:
            return await callback(*args, **kwargs)
        if data.get("chat_id") is not None:  # what Telegram counts: messages to chats
            callback = self._paced(callback)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    def _paced(
        self, callback: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def paced(*args: Any, **kwargs: Any) -> Any:
            await self._window.wait()  # after any 429 back-off: PTB calls this for each try
            return await callback(*args, **kwargs)

        return paced
