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


class PreviewAwareRateLimiter(AIORateLimiter):
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
