"""A scripted fake of Anthropic's Messages API on loopback, driving the real AsyncAnthropic.

It streams server-sent events like the real API (message_start, content blocks with text,
tool-input JSON and thinking deltas, message_delta with usage, message_stop), answers errors
in the API's shape (429 with retry-after, 529 overloaded), can cut a stream mid-way, and keeps
every request it received so tests assert on what was sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

_ids = itertools.count(1)


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_{next(_ids):04d}", "name": name, "input": tool_input}


def thinking(value: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": value, "signature": f"sig-{next(_ids)}"}


@dataclass
class Reply:
    """One scripted answer."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str | None = None  # default: tool_use when there are tool calls, else end_turn
    input_tokens: int = 120
    output_tokens: int = 30
    cache_read: int = 0
    cache_write: int = 0
    delay: float = 0.0
    status: int | None = None  # an error answer instead
    cut_after: int | None = None  # stop the stream after this many events
    error_after: int | None = None  # send an `overloaded_error` event after this many events

    @property
    def stop(self) -> str:
        if self.stop_reason:
            return self.stop_reason
        return "tool_use" if any(b["type"] == "tool_use" for b in self.blocks) else "end_turn"


Script = Callable[[dict[str, Any]], Reply]


class FakeClaude:
    """Answers from `script(request)`; a list of replies is served in order."""

    def __init__(self, script: Script | list[Reply]) -> None:
        if isinstance(script, list):
            queue = list(script)
            script = lambda _request: queue.pop(0)  # noqa: E731
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # monotonic time each request came in
        self.headers: list[dict[str, str]] = []
        self.app = Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    async def _messages(self, request: Request) -> Response:
        if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
            return _error(401, "authentication_error", "missing key")
        if not request.headers.get("anthropic-version"):
            return _error(400, "invalid_request_error", "anthropic-version header is required")
        body = await request.json()
        self.arrivals.append(time.monotonic())
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        reply = self.script(body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status == 429:
            return _error(429, "rate_limit_error", "Rate limited", {"retry-after-ms": "20"})
        if reply.status == 529:
            return _error(529, "overloaded_error", "Overloaded", {"retry-after-ms": "20"})
        if reply.status:
            return _error(reply.status, "api_error", "Internal error")
        message = _message(body, reply)
        if not body.get("stream"):
            return JSONResponse(message)
        return StreamingResponse(_events(message, reply), media_type="text/event-stream")


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        {"type": "error", "error": {"type": kind, "message": message}},
        status_code=status,
        headers=headers,
    )


def _message(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    return {
        "id": f"msg_{next(_ids):06d}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "claude-test"),
        "content": reply.blocks,
        "stop_reason": reply.stop,
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.input_tokens,
            "output_tokens": reply.output_tokens,
            "cache_read_input_tokens": reply.cache_read,
            "cache_creation_input_tokens": reply.cache_write,
        },
    }


def _sse(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


async def _events(message: dict[str, Any], reply: Reply) -> AsyncIterator[str]:
    start = {**message, "content": [], "stop_reason": None}
    start["usage"] = {**message["usage"], "output_tokens": 1}
    events = [_sse("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            events.append(_block_start(index, {"type": "text", "text": ""}))
            for chunk in _chunks(block["text"]):
                events.append(_delta(index, {"type": "text_delta", "text": chunk}))
        elif block["type"] == "tool_use":
            events.append(_block_start(index, {**block, "input": {}}))
            for chunk in _chunks(json.dumps(block["input"])):
                events.append(_delta(index, {"type": "input_json_delta", "partial_json": chunk}))
        elif block["type"] == "thinking":
            events.append(
                _block_start(index, {"type": "thinking", "thinking": "", "signature": ""})
            )
            events.append(_delta(index, {"type": "thinking_delta", "thinking": block["thinking"]}))
            events.append(
                _delta(index, {"type": "signature_delta", "signature": block["signature"]})
            )
        events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": message["usage"]["output_tokens"]},
            },
        )
    )
    events.append(_sse("message_stop", {"type": "message_stop"}))
    for n, event in enumerate(events):
        if reply.cut_after is not None and n >= reply.cut_after:
            raise ConnectionResetError("stream cut by the test")
        if reply.error_after is not None and n >= reply.error_after:
            error = {"type": "overloaded_error", "message": "Overloaded"}
            yield _sse("error", {"type": "error", "error": error})
            return
        yield event
        await asyncio.sleep(0)


def _block_start(index: int, block: dict[str, Any]) -> str:
    return _sse(
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": block},
    )


def _delta(index: int, delta: dict[str, Any]) -> str:
    return _sse(
        "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
    )


def _chunks(value: str, size: int = 12) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), size)] or [""]
