"""Telegram rate limiting: PTB's AIORateLimiter, except for ephemeral previews.

Message drafts and chat actions are throwaway previews of a reply that is coming anyway; queueing
them behind real messages in the 30-per-second budget would delay the replies themselves. They
go out directly, and one that Telegram refuses is simply skipped by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

UNTHROTTLED = frozenset({"sendMessageDraft", "sendChatAction"})


SENDS_PER_SECOND = 29  # just under Telegram's 30, which it counts over any one-second window


class PreviewAwareRateLimiter(AIORateLimiter):
    """One send every 1/SENDS_PER_SECOND seconds, never a burst: PTB's default bucket lets 30 go
    at once and then refills, so 40–60 can land within one second and earn 429s."""

    def __init__(self, per_second: float = SENDS_PER_SECOND, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / per_second, max_retries=max_retries
        )

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
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
