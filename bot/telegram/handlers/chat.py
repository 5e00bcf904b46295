"""Free-form messages go to the coach; the reply streams as a draft, then lands as HTML."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time

from telegram import Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.process import metrics
from bot.process.throttle import SlidingWindow
from bot.telegram.handlers import runtime
from bot.telegram.handlers.proposal import show_proposal
from bot.telegram.plan_edits import EXAMPLES, apply_edit, parse_edit
from bot.telegram.render import markdown_to_html, split_html
from core.coach.service import CoachError
from core.models import utcnow

log = logging.getLogger(__name__)

DRAFT_INTERVAL = 0.8  # seconds between draft updates: smooth, and well within Telegram's limits
# A reply that lands sooner needs no preview: the draft would cost a request and show nothing
# the lifter could read before the message replaced it. Any later and a lifter waits a second
# for a sign of life, and under load the reply itself then waits its turn in Telegram's 30
# messages a second (the "Thinking…" draft is outside that budget). 200 lifters at once saw their
# first draft at p99 2.6 s with 1.0 here, 0.9 s with 0.25 (earlier still, the drafts crowd the
# turns' start and the replies come later).
FIRST_DRAFT_AFTER = 0.25
NO_COACH = (
    "Free-form coaching is switched off on this Spotter (no Claude key). These work: "
    f"/plan, /today, /progress <exercise>, /week, /prs, /sync, /settings, /help; and a plan "
    f"changes with {EXAMPLES}."
)
COACH_TURNS_PER_MINUTE = 8  # each costs Claude tokens; a person types slower than this
_draft_ids = itertools.count(1)
_turns = SlidingWindow(COACH_TURNS_PER_MINUTE, 60.0)


class DraftStream:
    """Shows a reply while it is written: message drafts, else one message edited in place."""

    def __init__(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        self._bot = context.bot
        self._chat_id = chat_id
        self._draft_id = next(_draft_ids)
        self._text = ""
        self._started = self._last = time.monotonic()  # the first draft waits FIRST_DRAFT_AFTER
        self._drafts_work = True
        self._placeholder = None  # the edit-in-place fallback
        self._showing = False  # a preview request has gone out: the final message waits for it

    async def thinking_later(self) -> None:
        """The "Thinking…" preview, once the reply has taken FIRST_DRAFT_AFTER seconds."""
        await asyncio.sleep(FIRST_DRAFT_AFTER)
        await self.thinking()

    async def settle(self, later: asyncio.Task) -> None:
        """Before the final message: drop a preview not yet sent, wait for one in flight (so a
        late draft never lands after the reply)."""
        if self._showing:
            await later
        else:
            later.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await later

    async def thinking(self, _tool: str | None = None) -> None:
        """While tools run: the "Thinking…" draft, or the typing action."""
        if time.monotonic() - self._started < FIRST_DRAFT_AFTER:
            return  # thinking_later shows it if the reply is still coming then
        self._showing = True
        if self._drafts_work:
            await self._draft("")
        else:
            with contextlib.suppress(TelegramError):
                await self._bot.send_chat_action(self._chat_id, ChatAction.TYPING)

    async def add(self, chunk: str) -> None:
        self._text += chunk
        if time.monotonic() - self._last >= DRAFT_INTERVAL:
            await self._show()

    async def _show(self) -> None:
        self._last = time.monotonic()
        self._showing = True
        shown = self._text[-4000:]
        if self._drafts_work:
            await self._draft(shown)
            if self._drafts_work:
                return
        try:
            if self._placeholder is None:
                self._placeholder = await self._bot.send_message(self._chat_id, shown or "…")
            else:
                await self._placeholder.edit_text(shown)
        except TelegramError:
            pass  # a missed preview costs nothing: the final message always comes

    async def _draft(self, text: str) -> None:
        try:
            await self._bot.send_message_draft(self._chat_id, self._draft_id, text)
        except BadRequest as exc:
            log.info("drafts unavailable; editing in place", extra={"error": str(exc)})
            self._drafts_work = False
        except TelegramError:
            pass

    async def finish(self, text: str) -> None:
        """The final reply in Telegram HTML, split at 4096 without breaking a tag."""
        parts = split_html(markdown_to_html(text))
        first = parts[0]
        if self._placeholder is not None:
            try:
                await self._placeholder.edit_text(first, parse_mode=ParseMode.HTML)
            except TelegramError:
                await self._bot.send_message(self._chat_id, first, parse_mode=ParseMode.HTML)
        else:
            await self._bot.send_message(self._chat_id, first, parse_mode=ParseMode.HTML)
        for part in parts[1:]:
            await self._bot.send_message(self._chat_id, part, parse_mode=ParseMode.HTML)


async def chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question or a remark for the coach."""
    rt = runtime(context)
    if rt.coach is None:
        await engine_only(update, context)
        return
    user_id = update.effective_user.id
    if not _turns.allow(user_id):
        if _turns.first_refusal(user_id):
            await update.message.reply_text(
                "I'm still thinking about your last questions; give me a minute for new ones."
            )
        return
    started = utcnow()
    stream = DraftStream(context, update.effective_chat.id)
    # The placeholder goes out alongside the Claude call, not before it (under load the rate
    # limiter may hold it a moment, and Claude should not wait for that), and only when the
    # reply takes long enough for a preview to be seen.
    placeholder = asyncio.create_task(stream.thinking_later())
    clock = time.monotonic()
    try:
        result = await rt.coach.reply(
            update.effective_user.id,
            update.message.text,
            on_text=stream.add,
            on_tool=stream.thinking,
        )
    except CoachError as exc:
        metrics.CLAUDE_ERRORS.labels(kind=type(exc).__name__).inc()
        log.warning(
            "coach turn failed", extra={"user_id": update.effective_user.id, "error": str(exc)}
        )
        await update.message.reply_text(exc.user_message)
        return
    finally:
        await stream.settle(placeholder)
    metrics.observe_claude(result.usage, time.monotonic() - clock)
    await stream.finish(result.text or "…")
    if "propose_plan" in result.tool_calls:
        # The coach made or edited a draft: the buttons under it approve exactly that one.
        proposal = await rt.plans.draft_since(user_id, started)
        if proposal is not None:
            await show_proposal(context, update.effective_chat.id, proposal)


async def engine_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Without Claude: a plan edit the engine understands on its own, else what does work."""
    edit = parse_edit(update.message.text)
    if edit is None:
        await update.message.reply_text(NO_COACH)
        return
    rt = runtime(context)
    result = await apply_edit(rt.store, rt.insights, rt.plans, update.effective_user.id, edit)
    if isinstance(result, str):
        await update.message.reply_text(result)
    else:
        await show_proposal(context, update.effective_chat.id, result)
