"""One slow Claude reply never blocks anyone else, and each chat's replies stay in order."""

from __future__ import annotations

import time

import pytest

from tests.fakes.claude import Reply, text


def echo_slowly(request: dict) -> Reply:
    said = request["messages"][-1]["content"]
    return Reply([text(f"re: {said}")], delay=2.0 if said.startswith("slow") else 0.3)


@pytest.fixture
def claude_script():
    return echo_slowly


async def test_fifty_users_at_once_are_answered_concurrently(stack) -> None:
    tg = stack.telegram
    users = list(range(9001, 9051))
    for uid in users:  # admitted first, so the measured turn is the coach alone
        tg.send_text(uid, "/help")
    await tg.wait_for(lambda c: len(tg.sent("sendMessage")) >= 50, 30)

    started = time.monotonic()
    for uid in users:
        tg.send_text(uid, f"slow question from {uid}")

    def answered() -> set[int]:
        return {
            c.params["chat_id"]
            for c in tg.sent("sendMessage")
            if c.params.get("text", "").startswith("re: slow")
        }

    await tg.wait_for(lambda c: answered() == set(users), 30)
    wall = time.monotonic() - started
    arrivals = sorted(t - started for t in stack.claude.arrivals[-50:])
    finals = sorted(
        c.at - started
        for c in tg.sent("sendMessage")
        if c.params.get("text", "").startswith("re: slow")
    )
    print(
        f"\n50 users, Claude answering after 2 s each: all replied in {wall:.2f} s "
        f"(Claude asked between {arrivals[0]:.2f} and {arrivals[-1]:.2f} s; "
        f"replies sent between {finals[0]:.2f} and {finals[-1]:.2f} s)"
    )
    assert answered() == set(users)
    # ~3 s on a quiet machine; 8 s leaves room for a busy CI box and still rules out anything
    # short of all-at-once (sequential: 100 s; ten at a time: 10 s).
    assert wall < 8.0, f"{wall:.1f} s: replies were not concurrent (sequential would take 100 s)"


async def test_each_users_replies_arrive_in_order(stack) -> None:
    tg = stack.telegram
    users = list(range(9101, 9106))
    for uid in users:
        for n in range(1, 4):
            tg.send_text(uid, f"message {n}")
    await tg.wait_for(
        lambda c: (
            sum(1 for x in tg.sent("sendMessage") if x.params.get("text", "").startswith("re:"))
            >= 15
        ),
        30,
    )
    for uid in users:
        replies = [
            c.params["text"]
            for c in tg.sent("sendMessage", uid)
            if c.params["text"].startswith("re:")
        ]
        assert replies == ["re: message 1", "re: message 2", "re: message 3"]
