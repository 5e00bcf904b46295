"""Drafts follow the settings (issue 23) and a double tap on Approve is answered calmly
(issue 22), through the real `spotter run`, the fake Bot API and the Hevy sandbox."""

from __future__ import annotations

import asyncio
import re

from core.units import LB_PER_KG
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from tests.e2e.conftest import skip_setup
from tests.e2e.test_miniapp import session_for

USER = 5151


def approve_data(call) -> str:
    return call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]


async def test_a_stale_kg_drafts_approve_writes_nothing_and_shows_the_newer_plan(stack) -> None:
    tg, hevy = stack.telegram, stack.hevy.state
    account = hevy.add_account("Generated Lifter")
    load_generated(account, Lifter(seed=4, weeks=8))  # a kg log
    tg.send_text(USER, "/start")
    tg.send_text(USER, account.api_key)
    await tg.wait_for(lambda c: "Synced: " in c.params.get("text", ""), 60)
    await skip_setup(tg, USER)

    tg.send_text(USER, "/plan")
    kg_draft = await tg.wait_for(lambda c: "plan:approve:" in str(c.params.get("reply_markup")), 30)
    shown = "".join(c.params.get("text", "") for c in tg.sent("sendMessage", USER)[-6:])
    assert re.search(r"\d\skg\b", shown), "loads in kg (the number and unit kept together)"

    tg.send_text(USER, "/settings")
    menu = await tg.wait_for(lambda c: c.params.get("text", "").startswith("Your settings"))
    before = len(tg.calls)
    tg.press(USER, menu, "set:units:lb")
    await tg.wait_for(
        lambda c: c.method == "editMessageText" and "units lb" in c.params.get("text", "")
    )
    stripped = [
        c
        for c in tg.calls[before:]
        if c.method == "editMessageReplyMarkup" and not c.params.get("reply_markup")
    ]
    assert stripped, "the kg draft's buttons go when the units change"

    tg.send_text(USER, "/plan")
    lb_draft = await tg.wait_for(
        lambda c: (
            "plan:approve:" in str(c.params.get("reply_markup"))
            and approve_data(c) != approve_data(kg_draft)
        ),
        30,
    )
    tg.press(USER, kg_draft, approve_data(kg_draft))
    said = await tg.wait_for(lambda c: "nothing went to Hevy" in c.params.get("text", ""), 30)
    assert "a newer plan fits them, here it is" in said.params["text"]
    shown_again = await tg.wait_for(
        lambda c: c is not lb_draft and approve_data_or_none(c) == approve_data(lb_draft), 30
    )
    assert shown_again
    assert hevy.requests_to("/v1/routines", "POST") == 0
    assert hevy.requests_to("/v1/routines", "PUT") == 0
    assert not account.routines

    # The newer lb draft is not "gone": it goes to Hevy, every load a round lb number.
    tg.press(USER, lb_draft, approve_data(lb_draft))
    await tg.wait_for(
        lambda c: "routines are in your Spotter folder" in c.params.get("text", ""), 60
    )
    loads = [
        s["weight_kg"] * LB_PER_KG
        for r in account.routines.values()
        for e in r["exercises"]
        for s in e["sets"]
        if s.get("weight_kg")
    ]
    assert loads and all(abs(lb * 2 - round(lb * 2)) < 0.01 for lb in loads), loads

    # A second tap on the same Approve: no error, no second write.
    puts = hevy.requests_to("/v1/routines", "PUT") + hevy.requests_to("/v1/routines", "POST")
    tg.press(USER, lb_draft, approve_data(lb_draft))
    await tg.wait_for(lambda c: "Already approved" in str(c.params), 30)
    assert puts == hevy.requests_to("/v1/routines", "PUT") + hevy.requests_to(
        "/v1/routines", "POST"
    )
    assert not any("went wrong" in c.params.get("text", "") for c in tg.sent("sendMessage"))


def approve_data_or_none(call) -> str | None:
    try:
        return approve_data(call)
    except (KeyError, IndexError, TypeError):
        return None


async def test_a_profile_saved_in_the_mini_app_supersedes_the_drafts_made_before_it(stack) -> None:
    tg = stack.telegram
    owner = await session_for(stack, USER)
    form = {"goal": "general", "level": "intermediate", "days_per_week": "3",
            "session_minutes": "45", "equipment": ["barbell", "dumbbell", "machine"]}  # fmt: skip
    asked = await stack.post("/app/api/plan", headers=owner, json=form)
    assert asked.status_code == 200, asked.text
    app_draft = asked.json()["params"]["plan"]
    tg.send_text(USER, "/plan")
    chat_draft = await tg.wait_for(
        lambda c: "plan:approve:" in str(c.params.get("reply_markup")), 30
    )
    await asyncio.sleep(0.5)  # the bot notes the preview's message id right after sending it

    before = len(tg.calls)
    saved = await stack.post(
        "/app/api/profile",
        headers=owner,
        json={**form, "units": "lb", "timezone": "Europe/Berlin", "reminder": ""},
    )
    assert saved.status_code == 200, saved.text
    await tg.wait_for(  # the chat draft's buttons go
        lambda c: (
            c.method == "editMessageReplyMarkup"
            and not c.params.get("reply_markup")
            and tg.calls.index(c) >= before
        )
    )

    page = await stack.get("/app/page/plan", headers=owner)
    assert 'data-action="approve"' not in page.text, "a kg draft is still offered to an lb lifter"
    for plan_id in (app_draft, approve_data(chat_draft).rsplit(":", 1)[-1]):
        tapped = await stack.post("/app/api/approve", headers=owner, json={"plan": plan_id})
        assert tapped.status_code == 400 and "nothing went to Hevy" in tapped.json()["error"]
