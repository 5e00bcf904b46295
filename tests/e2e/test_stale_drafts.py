"""Drafts follow the settings (issue 23) and a double tap on Approve is answered calmly
(issue 22), through the real `spotter run`, the fake Bot API and the Hevy sandbox."""

from __future__ import annotations

from core.units import LB_PER_KG
from sandbox.generator import Lifter
from sandbox.seed import load_generated
from tests.e2e.conftest import skip_setup

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
    assert " kg" in "".join(c.params.get("text", "") for c in tg.sent("sendMessage", USER)[-6:])

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
