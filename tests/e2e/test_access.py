"""Invite mode: strangers cost nothing; invite links work once; the admin is who they say."""

from __future__ import annotations

import asyncio
import re

import pytest

ADMIN = 1001
STRANGER = 2002
FRIEND = 3003


@pytest.fixture
def extra_env() -> dict[str, str]:
    return {"SPOTTER_ACCESS": "invite", "SPOTTER_ADMINS": str(ADMIN)}


async def test_a_strangers_messages_cause_one_refusal_and_nothing_else(stack) -> None:
    tg = stack.telegram
    before = len(tg.calls)
    tg.send_text(STRANGER, "/start")
    tg.send_text(STRANGER, "how do I get stronger?")
    tg.send_text(STRANGER, "/plan")
    refusal = await tg.wait_for(
        lambda c: c.method == "sendMessage" and c.params["chat_id"] == STRANGER
    )
    await asyncio.sleep(1.0)  # time for anything else to (wrongly) happen
    assert str(STRANGER) in refusal.params["text"] and "invite" in refusal.params["text"]
    assert [c.method for c in tg.calls[before:]] == ["sendMessage"]
    assert stack.claude.requests == []
    assert stack.hevy.state.requests == []


async def test_an_invite_link_works_once(stack) -> None:
    tg = stack.telegram
    tg.send_text(ADMIN, "/invite")
    invite = await tg.wait_for(lambda c: "start=" in c.params.get("text", ""))
    code = re.search(r"start=([\w-]+)", invite.params["text"]).group(1)
    assert "t.me/spotter_test_bot" in invite.params["text"]

    tg.send_text(FRIEND, f"/start {code}")
    welcome = await tg.wait_for(
        lambda c: c.params.get("chat_id") == FRIEND and "/connect" in c.params.get("text", "")
    )
    assert welcome

    tg.send_text(STRANGER, f"/start {code}")
    refusal = await tg.wait_for(lambda c: c.params.get("chat_id") == STRANGER)
    assert "invite-only" in refusal.params["text"]

    tg.send_text(FRIEND, "/help")
    await tg.wait_for(
        lambda c: (
            c.params.get("chat_id") == FRIEND
            and "/progress" in c.params.get("text", "")
            and c is not welcome
        )
    )


class TestFirstStartWithoutAdmins:
    @pytest.fixture
    def extra_env(self) -> dict[str, str]:
        return {"SPOTTER_ACCESS": "invite"}

    async def test_the_logged_claim_link_makes_its_first_user_admin(self, stack) -> None:
        import json

        tg = stack.telegram
        entry = next(
            json.loads(line) for line in stack.log.read_text().splitlines() if "claim_link" in line
        )
        code = entry["claim_link"].split("start=")[1]
        assert entry["claim_link"].startswith("https://t.me/spotter_test_bot?start=")
        tg.send_text(ADMIN, f"/start {code}")
        welcome = await tg.wait_for(lambda c: c.params.get("chat_id") == ADMIN)
        assert "You are this Spotter's admin" in welcome.params["text"]
        tg.send_text(ADMIN, "/invite")
        await tg.wait_for(
            lambda c: "start=" in c.params.get("text", "") and c.params["chat_id"] == ADMIN
        )
        tg.send_text(STRANGER, f"/start {code}")
        refusal = await tg.wait_for(lambda c: c.params.get("chat_id") == STRANGER)
        assert "invite-only" in refusal.params["text"], "the claim link works once"
