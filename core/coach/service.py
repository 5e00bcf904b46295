"""The coaching conversation: Claude with tools, streamed, budgeted, remembered.

One turn: the lifter's message goes to Claude with the system prompt and the tools (both
cached for an hour) and the conversation (cached for five minutes up to the end of its latest
turn, so each tool round and the next message read it from the cache); text streams to a callback;
tool calls run against the engine for this user only; `pause_turn` continues and the loop
ends when Claude ends its turn. The turn is stored as Claude returned it (thinking blocks
included) once it completes, usage is recorded (the daily budget counts what it cost:
core/coach/budget.py), and a history grown past its budget is compacted into a summary by the
small model. Each call carries a keyed hash of the lifter's id as `metadata.user_id`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from core.coach.budget import cost
from core.coach.prompts import COMPACTION_PROMPT, SYSTEM_PROMPT, lifter_facts
from core.coach.tools import ToolBox
from core.errors import SpotterError
from core.models import ChatMessage, Usage, utcnow
from core.ports import Store
from core.services.insights import Insights
from core.services.log_query import TrainingLog
from core.services.plans import PlanService
from core.services.user_lease import keep_unless_erased

if TYPE_CHECKING:  # the SDK loads with its client (bot/process/runtime.py), not with this module
    import anthropic

log = logging.getLogger(__name__)

OnText = Callable[[str], Awaitable[None]]
OnTool = Callable[[str], Awaitable[None]]

MAX_TOOL_ROUNDS = 10
CACHE_1H = {"type": "ephemeral", "ttl": "1h"}
# The conversation changes every turn: the default five-minute cache (writes cost 1.25× an
# input token, where the hour's cost 2×) covers a turn's tool rounds and a lively chat.
CACHE_5M = {"type": "ephemeral"}


class CoachError(SpotterError):
    user_message = "Something went wrong while I was thinking. Please try again."


class BudgetExhausted(CoachError):
    user_message = (
        "You've used today's coaching budget. It resets at midnight UTC; every command "
        "(/today, /progress, /week, /prs, /plan) still works meanwhile."
    )


class CoachUnavailable(CoachError):
    user_message = "Claude is overloaded or unreachable right now. Please try again in a minute."

    def __init__(self, reason: str, usage: Usage | None = None) -> None:
        super().__init__(reason)
        self.usage = usage or Usage()  # what the failed call had already cost


class MessageTooLong(CoachError):
    user_message = (
        "That message is longer than I read in one go; send it in parts under 4,000 characters."
    )


MAX_MESSAGE_CHARS = 4096  # Telegram's own limit for one message
BUDGET_NOTE = "\n\n(That used up today's coaching budget, so I stopped there.)"
# Error types a stream may carry after it started (its HTTP status is then 200).
_TRANSIENT = {"overloaded_error", "rate_limit_error", "api_error", "timeout_error"}


@dataclass
class CoachConfig:
    model: str
    small_model: str
    daily_token_budget: int = 200_000
    max_tokens: int = 4096
    effort: str | None = None
    max_concurrency: int = 64  # Claude streams in flight per process
    compact_at_tokens: int = 40_000  # context size that triggers compaction
    keep_recent_messages: int = 6
    # Keys the `metadata.user_id` sent to Claude (an HMAC of the Telegram id): Anthropic can
    # tell lifters apart for abuse detection without learning who they are.
    user_id_key: bytes = b""


@dataclass
class TurnResult:
    text: str
    usage: Usage = field(default_factory=Usage)
    tool_calls: list[str] = field(default_factory=list)
    compacted: bool = False


class Coach:
    """Talks with each lifter; safe to share across users and tasks."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        store: Store,
        insights: Insights,
        plans: PlanService,
        config: CoachConfig,
    ) -> None:
        self._client = client
        self._store = store
        self._insights = insights
        self._plans = plans
        self._config = config
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._log = TrainingLog(store)  # query databases, cached across turns and users

    async def reply(
        self,
        user_id: int,
        text: str,
        on_text: OnText | None = None,
        on_tool: OnTool | None = None,
    ) -> TurnResult:
        """Answer one message from `user_id` (BudgetExhausted, CoachUnavailable on failure).

        The budget is checked before every call to Claude, not once per turn: a turn with many
        tool rounds stops when the budget is spent, and keeps what it has said.
        """
        if len(text) > MAX_MESSAGE_CHARS:
            raise MessageTooLong(f"{len(text)} characters")
        today = utcnow().date()
        await self._check_budget(user_id, today)
        user = await self._insights.user(user_id)
        conversation = await self._store.conversations.load(user_id)
        tools = ToolBox(user_id, self._store, self._insights, self._plans, self._log)
        definitions = tools.definitions()
        definitions[-1] = {**definitions[-1], "cache_control": CACHE_1H}
        system = [
            {"type": "text", "text": SYSTEM_PROMPT, "cache_control": CACHE_1H},
            {"type": "text", "text": lifter_facts(user, conversation, today.isoformat())},
        ]
        history = [{"role": m.role, "content": m.content} for m in conversation.messages]
        new: list[dict[str, Any]] = [{"role": "user", "content": text}]
        result = TurnResult(text="")
        context_tokens = 0
        for _round in range(MAX_TOOL_ROUNDS):
            if _round:
                try:
                    await self._check_budget(user_id, today)
                except BudgetExhausted:
                    new.append({"role": "assistant", "content": BUDGET_NOTE.strip()})
                    result.text += BUDGET_NOTE
                    break
            try:
                message = await self._call(
                    system, definitions, _cached_to_latest(history + new), on_text, user_id
                )
            except CoachUnavailable as exc:
                await self._store.usage.add(user_id, today, exc.usage)
                raise
            usage = _usage(message)
            result.usage = result.usage + usage
            await self._store.usage.add(user_id, today, usage)
            context_tokens = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
            content = [_param(block) for block in message.content]
            new.append({"role": "assistant", "content": content})
            result.text = (
                "".join(b.text for b in message.content if b.type == "text") or result.text
            )
            if message.stop_reason == "pause_turn":
                continue
            if message.stop_reason != "tool_use":
                if message.stop_reason == "max_tokens":
                    result.text += "\n\n(I ran out of room there; ask me to go on.)"
                break
            results = []
            for block in message.content:
                if block.type != "tool_use":
                    continue
                result.tool_calls.append(block.name)
                if on_tool is not None:
                    await on_tool(block.name)
                output, is_error = await tools.run(block.name, block.input)
                results.append(
                    {"type": "tool_result", "tool_use_id": block.id, "content": output}
                    | ({"is_error": True} if is_error else {})
                )
            new.append({"role": "user", "content": results})
        else:
            result.text = (
                result.text or "That took more steps than I allow myself; please ask again."
            )
        await self._store.conversations.append(
            user_id, [ChatMessage(role=m["role"], content=m["content"]) for m in new]
        )
        # A /delete during the turn: what the turn stored goes too (UserGone), before and after
        # the compaction writes its summary.
        await keep_unless_erased(self._store, user_id)
        if context_tokens > self._config.compact_at_tokens:
            try:
                result.compacted = await self.compact(user_id)
            finally:
                await keep_unless_erased(self._store, user_id)
        return result

    async def _check_budget(self, user_id: int, today: date) -> None:
        spent = cost(await self._store.usage.get(user_id, today))
        if spent >= self._config.daily_token_budget:
            raise BudgetExhausted(f"user {user_id} spent {spent:.0f} budget tokens today")

    def _metadata(self, user_id: int) -> dict[str, str]:
        digest = hmac.new(self._config.user_id_key, str(user_id).encode(), hashlib.sha256)
        return {"user_id": digest.hexdigest()[:32]}

    async def _call(
        self,
        system: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        messages: list[dict[str, Any]],
        on_text: OnText | None,
        user_id: int,
    ) -> Any:
        params: dict[str, Any] = {
            "model": self._config.model,
            "max_tokens": self._config.max_tokens,
            "system": system,
            "tools": tools,
            "messages": messages,
            "metadata": self._metadata(user_id),
        }
        if self._config.effort:
            params["output_config"] = {"effort": self._config.effort}
        stream = None
        try:
            async with self._slots, self._client.messages.stream(**params) as stream:
                async for event in stream:
                    if event.type == "text" and on_text is not None and event.text:
                        await on_text(event.text)
                return await stream.get_final_message()
        except Exception as exc:
            failure = _failure(exc, stream)
            if failure is None:
                raise
            raise failure from None

    async def compact(self, user_id: int) -> bool:
        """Fold the older part of the history into the summary, using the small model."""
        conversation = await self._store.conversations.load(user_id)
        messages = conversation.messages
        cut = _safe_cut(messages, self._config.keep_recent_messages)
        if cut <= 0:
            return False
        older = messages[:cut]
        transcript = "\n".join(f"{m.role}: {_plain(m.content)}" for m in older)
        if conversation.summary:
            transcript = f"Earlier summary:\n{conversation.summary}\n\n{transcript}"
        try:
            response = await self._client.messages.create(
                model=self._config.small_model,
                max_tokens=800,
                system=COMPACTION_PROMPT,
                messages=[{"role": "user", "content": transcript}],
                metadata=self._metadata(user_id),
            )
        except Exception as exc:
            if not isinstance(exc, _sdk().APIError):
                raise
            log.warning("compaction failed", extra={"error": type(exc).__name__})
            return False
        await self._store.usage.add(user_id, utcnow().date(), _usage(response))
        summary = "".join(b.text for b in response.content if b.type == "text").strip()
        if not summary:
            return False
        await self._store.conversations.compact(user_id, summary, older[-1].seq)
        return True

    async def aclose(self) -> None:
        self._log.close()
        await self._client.close()


def _cached_to_latest(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages with a cache breakpoint at the end of the latest turn (a copy: the stored
    conversation carries none), so the next call, a tool round or the next message, reads
    everything before it from the cache instead of paying for it again. In a tool round that is
    the last tool result; for a new message, the end of the conversation before it (the message
    itself stays plain text, and the next round's breakpoint is within Claude's lookback)."""
    at = len(messages) - 1
    if isinstance(messages[at]["content"], str):
        at -= 1
    while at >= 0 and not _cacheable(messages[at]["content"]):
        at -= 1
    if at < 0:
        return messages
    marked = dict(messages[at])
    content = marked["content"]
    if isinstance(content, str):
        marked["content"] = [{"type": "text", "text": content, "cache_control": CACHE_5M}]
    else:
        marked["content"] = [*content[:-1], {**content[-1], "cache_control": CACHE_5M}]
    return [*messages[:at], marked, *messages[at + 1 :]]


def _cacheable(content: Any) -> bool:
    """Whether a message's last block can carry a breakpoint (thinking blocks cannot)."""
    if isinstance(content, str):
        return bool(content)
    return bool(content) and content[-1].get("type") not in ("thinking", "redacted_thinking")


def _sdk():
    """The anthropic module. It is loaded by whoever built the client (an `AsyncAnthropic`
    exists before any call), so naming its error classes here costs nothing, while importing
    the coach does not load the SDK (~1 s and ~50 MB at start)."""
    import anthropic

    return anthropic


def _failure(exc: Exception, stream: Any) -> CoachError | None:
    """The coach's error for what a call to Claude raised (None: not Claude's, re-raise it)."""
    import httpx2  # the SDK's transport, loaded with it

    anthropic = _sdk()
    if isinstance(exc, anthropic.APIStatusError):
        kind = _error_type(exc)
        log.warning(
            "claude error",
            extra={"status": exc.status_code, "type": type(exc).__name__, "error_type": kind},
        )
        if exc.status_code in (429, 500, 502, 503, 504, 529) or kind in _TRANSIENT:
            return CoachUnavailable(
                f"Claude answered {exc.status_code} {kind or ''}".strip(), _spent(stream)
            )
        return CoachError(f"Claude refused the request: {exc.status_code}")
    if isinstance(exc, anthropic.APIError | httpx2.TransportError):
        # Connection errors and timeouts come wrapped; a stream cut mid-way comes raw.
        log.warning("claude unreachable", extra={"error": type(exc).__name__})
        return CoachUnavailable(type(exc).__name__, _spent(stream))
    return None


def _error_type(exc: anthropic.APIStatusError) -> str | None:
    """The `error.type` of an error body ("overloaded_error"…), also for one sent mid-stream."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body)
    return error.get("type") if isinstance(error, dict) else None


def _spent(stream: Any) -> Usage:
    """What a stream that failed part-way had cost (message_start reports the input tokens)."""
    try:
        return _usage(stream.current_message_snapshot) if stream is not None else Usage()
    except Exception:  # no message_start yet: nothing was billed
        return Usage()


def _usage(message: Any) -> Usage:
    u = message.usage
    return Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_read_tokens=getattr(u, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(u, "cache_creation_input_tokens", None) or 0,
    )


_RESPONSE_ONLY = {"citations", "caller", "parsed_output"}


def _param(block: Any) -> dict[str, Any]:
    """A response content block as a request block, verbatim (thinking and signatures kept)."""
    data = block.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if k not in _RESPONSE_ONLY}


def _plain(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        kind = block.get("type")
        if kind == "text":
            parts.append(block["text"])
        elif kind == "tool_use":
            parts.append(f"[asked {block['name']} {block.get('input')}]")
        elif kind == "tool_result":
            body = block.get("content")
            parts.append(f"[tool result: {str(body)[:1500]}]")
    return " ".join(parts)


def _safe_cut(messages: list[ChatMessage], keep: int) -> int:
    """Where to cut so the kept part starts with a plain user message (no orphan tool results)."""
    cut = len(messages) - keep
    while cut > 0:
        m = messages[cut]
        if m.role == "user" and (
            isinstance(m.content, str)
            or not any(isinstance(b, dict) and b.get("type") == "tool_result" for b in m.content)
        ):
            return cut
        cut -= 1
    return 0
