"""What a lifter sees while the coach writes: a "Thinking…" draft within half a second of a slow
reply (under load the reply itself may then wait its turn in Telegram's 30 messages a second),
and no draft at all for a reply that comes at once."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from bot.telegram.handlers.chat import DraftStream


class RecordingBot:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.seen: list[tuple[str, float]] = []  # what reached the chat, seconds after start

    async def send_message_draft(self, chat_id: int, draft_id: int, text: str) -> bool:
        self.seen.append(("draft", time.monotonic() - self.started))
        return True

    async def send_message(self, chat_id: int, text: str, parse_mode: str | None = None):
        self.seen.append(("message", time.monotonic() - self.started))


async def answered_after(seconds: float) -> list[tuple[str, float]]:
    bot = RecordingBot()
    stream = DraftStream(SimpleNamespace(bot=bot), chat_id=7)
    later = asyncio.create_task(stream.thinking_later())  # as the chat handler starts a turn
    await asyncio.sleep(seconds)  # Claude writing
    await stream.settle(later)
    await stream.finish("Your squat is up 10 kg since March.")
    return bot.seen


async def test_a_slow_reply_shows_a_draft_within_half_a_second() -> None:
    seen = await answered_after(0.7)
    assert seen[0][0] == "draft" and seen[0][1] < 0.5, seen
    assert seen[-1][0] == "message"


async def test_a_reply_that_comes_at_once_shows_no_draft() -> None:
    assert [kind for kind, _ in await answered_after(0.05)] == ["message"]
