"""A new user's whole first session, through the real process and loopback fakes."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest

from sandbox.seed import load_snapshot
from tests.fakes.claude import Reply, text, tool_use

USER = 4242


RDL_SESSIONS_Q1 = (
    "SELECT count(DISTINCT workout_id) FROM sets WHERE exercise = 'Romanian Deadlift (Barbell)' "
    "AND date BETWEEN '2026-01-01' AND '2026-03-31'"
)


def coach_script(request: dict) -> Reply:
    """Like Claude: a tool call for the question, then an answer from the tool's result."""
    last = request["messages"][-1]
    if isinstance(last["content"], str):
        if "RDL" in last["content"]:
            return Reply([tool_use("query_training_log", {"sql": RDL_SESSIONS_Q1})])
        return Reply(
            [tool_use("exercise_progress", {"exercise": "incline bench", "start": "2026-03-01"})]
        )
    result = json.loads(last["content"][0]["content"])
    if "total_rows" in result:
        return Reply([text(f"You trained RDLs in {result['rows'][0][0]} sessions in Q1.")])
    # Claude takes a moment to write this one: long enough for the lifter to see a preview.
    return Reply([text("Your **incline bench** e1RM rose since March — nice work.")], delay=1.5)


@pytest.fixture
def claude_script():
    return coach_script


def last_message_with_buttons(stack, chat_id: int):
    """The bot's latest message to `chat_id` that carries inline buttons."""
    for call in reversed(stack.telegram.sent("sendMessage", chat_id)):
        if call.params.get("reply_markup"):
            return call
    raise AssertionError("no message with buttons")


async def test_a_new_user_links_syncs_asks_plans_and_sees_progress(stack, snapshot_dir) -> None:
    tg = stack.telegram
    account = stack.hevy.state.add_account("Snapshot Lifter")
    load_snapshot(account, snapshot_dir)

    tg.send_text(USER, "/start")
    welcome = await tg.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == USER)
    assert "/connect" in welcome.params["text"]
    setup = await tg.wait_for(lambda c: c.params.get("text", "").startswith("First, a minute"))
    assert "Setup 1 of 9 · What do you train for?" in setup.params["text"]
    tg.press(USER, setup, "ob:goal:strength")
    level = await tg.wait_for(lambda c: "Setup 2 of 9" in c.params.get("text", ""))
    tg.press(USER, level, "ob:level:rest")
    done = await tg.wait_for(lambda c: c.params.get("text", "").startswith("Your settings"))
    assert "goal strength · level intermediate" in done.params["text"]
    assert "All set. /plan builds your plan. Change any of it" in done.params["text"]

    tg.send_text(USER, "/connect")
    link_msg = await tg.wait_for(
        lambda c: c.method == "sendMessage" and "/link/" in c.params.get("text", "")
    )
    path = re.search(r"http://127\.0\.0\.1:\d+(/link/[\w-]+)", link_msg.params["text"]).group(1)

    page = await stack.get(path)
    assert page.status_code == 200 and 'name="api_key"' in page.text and "<link" not in page.text
    wrong = await stack.post(path, data={"api_key": "00000000-0000-0000-0000-000000000000"})
    assert wrong.status_code == 400 and "did not accept" in wrong.text
    done = await stack.post(path, data={"api_key": account.api_key})
    assert done.status_code == 200 and "Linked as Snapshot Lifter" in done.text
    assert (await stack.get(path)).status_code == 410, "the link works once"

    await tg.wait_for(lambda c: c.params.get("text", "").startswith("Linked as Snapshot Lifter"))
    await tg.wait_for(
        lambda c: (
            c.method == "editMessageText" and "Synced: 169 workouts" in c.params.get("text", "")
        ),
        60,
    )
    assert any(
        "/169 workouts" in c.params.get("text", "") for c in tg.sent("editMessageText", USER)
    )

    tg.send_text(USER, "How has my bench progressed since March?")
    answer = await tg.wait_for(
        lambda c: c.method == "sendMessage" and "incline bench" in c.params.get("text", "")
    )
    assert answer.params["parse_mode"] == "HTML" and "<b>incline bench</b>" in answer.params["text"]
    drafts = tg.sent("sendMessageDraft", USER)
    assert drafts, "the reply streamed as drafts first"
    tool_result = stack.claude.requests[1]["messages"][-1]["content"][0]["content"]
    assert '"exercise":"Incline Bench Press (Barbell)"' in tool_result

    tg.send_text(USER, "How many sessions had RDLs in Q1 this year?")
    quoted = await tg.wait_for(
        lambda c: c.method == "sendMessage" and "sessions in Q1" in c.params.get("text", "")
    )
    rdl_days = {
        w["id"]
        for w in json.loads((snapshot_dir / "workouts.json").read_text())
        if "2026-01-01" <= w["start_time"][:10] <= "2026-03-31"
        and any(e["title"] == "Romanian Deadlift (Barbell)" for e in w["exercises"])
    }  # counted from the raw JSON, independently of Spotter
    assert (
        rdl_days and quoted.params["text"] == f"You trained RDLs in {len(rdl_days)} sessions in Q1."
    )

    tg.send_text(USER, "/plan")
    await tg.wait_for(lambda c: "plan:approve:" in str(c.params.get("reply_markup")), 30)
    preview = last_message_with_buttons(stack, USER)
    messages = tg.sent("sendMessage", USER)
    days = [c for c in messages if "why:" in str(c.params.get("reply_markup"))]
    about = messages[messages.index(days[0]) - 1]
    assert " weeks" in about.params["text"] and days == messages[messages.index(about) + 1 : -1]
    assert messages[-1] is preview and "Weekly hard sets" in preview.params["text"]
    assert len(preview.params["text"].splitlines()) <= 4, "Approve in view: the overview is short"
    assert 2 <= len(days) <= 6, "one message per training day"
    for day in days:
        lines = day.params["text"].splitlines()
        assert "<pre>" not in day.params["text"] and len(day.params["text"]) < 1200
        assert lines[0].startswith("<b>") and " min" in lines[0], "day, weekday and length"
        assert max(map(len, lines)) <= 140, "no 283-character lines on a phone"
    why = days[0].params["reply_markup"]["inline_keyboard"][0][0]
    assert why["text"] == "❓ Why these loads"
    tg.press(USER, days[0], why["callback_data"])
    opened = await tg.wait_for(
        lambda c: c.method == "editMessageText" and "<i>" in c.params["text"]
    )
    assert "Hide the reasons" in str(opened.params["reply_markup"])
    assert len(opened.params["text"].splitlines()) > len(days[0].params["text"].splitlines())
    keyboard = preview.params["reply_markup"]["inline_keyboard"]
    terms = [
        b["callback_data"] for row in keyboard for b in row if b["callback_data"][:5] == "term:"
    ]
    assert "term:rpe" in terms
    tg.press(USER, preview, "term:rpe")
    explained = await tg.wait_for(
        lambda c: c.method == "answerCallbackQuery" and "RPE:" in c.params.get("text", "")
    )
    assert explained.params["show_alert"] is True
    approve = keyboard[0][0]["callback_data"]
    tg.press(USER, preview, approve)
    await tg.wait_for(
        lambda c: "routines are in your Spotter folder" in c.params.get("text", ""), 60
    )
    (folder,) = [f for f in account.folders if f["title"] == "Spotter"]
    ours = [r for r in account.routines.values() if r["folder_id"] == folder["id"]]
    assert len(ours) >= 2 and all(r["title"].startswith("Spotter · ") for r in ours)

    tg.send_text(USER, "/progress incline bench")
    photo = await tg.wait_for(lambda c: c.method == "sendPhoto", 30)
    assert photo.files["photo"][:8] == b"\x89PNG\r\n\x1a\n"
    assert photo.params["caption"].startswith("Incline Bench Press (Barbell): e1RM")


async def test_a_pasted_key_is_deleted_at_once_then_linked(stack, snapshot_dir) -> None:
    tg = stack.telegram
    account = stack.hevy.state.add_account("Paster")
    tg.send_text(USER, "/connect")
    await tg.wait_for(lambda c: c.method == "sendMessage")
    message_id = tg.send_text(USER, account.api_key)
    deleted = await tg.wait_for(lambda c: c.method == "deleteMessage")
    assert deleted.params["message_id"] == message_id
    linked = await tg.wait_for(lambda c: c.params.get("text", "").startswith("Linked as Paster"))
    assert deleted.at <= linked.at
    assert not stack.claude.requests, "a key never reaches the coach"


async def test_a_user_who_blocked_the_bot_is_marked_inactive(stack, tmp_path: Path) -> None:
    tg = stack.telegram
    tg.send_text(USER, "/start")
    await tg.wait_for(lambda c: c.method == "sendMessage")
    tg.blocked.add(USER)
    tg.send_text(USER, "/help")
    await tg.wait_for(
        lambda c: c.method == "sendMessage" and len(tg.sent("sendMessage", USER)) >= 2
    )
    db = tmp_path / "data" / "spotter.db"
    for _ in range(50):
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT status FROM users WHERE id = ?", (USER,)).fetchone()
        if row and row[0] == "inactive":
            break
        await asyncio.sleep(0.1)
    assert row[0] == "inactive"


async def test_a_telegram_429_is_retried_after_retry_after(stack) -> None:
    tg = stack.telegram
    tg.fail(429, method="sendMessage", chat_id=USER, retry_after=1)
    tg.send_text(USER, "/help")
    await tg.wait_for(
        lambda c: c.method == "sendMessage" and len(tg.sent("sendMessage", USER)) == 2
    )
    first, second = tg.sent("sendMessage", USER)
    assert second.at - first.at >= 1.0
    assert "Spotter" in second.params["text"]
