"""The Mini App's door through the real process: signed launch data opens a session for an
admitted lifter; forged, stale, foreign or unknown launch data gets 401 and no data. Every page
and action answers only the session's own lifter."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.conftest import TOKEN, link_snapshot
from tests.fakes.telegram import sign_init_data

USER = 5151
STRANGER = 6161


async def test_signed_launch_data_opens_a_session_and_nothing_else_does(stack) -> None:
    tg = stack.telegram
    assert not tg.sent("setChatMenuButton"), "no menu button for a plain-http PUBLIC_URL"
    tg.send_text(USER, "/start")
    await tg.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == USER)

    now = int(time.time())
    opened = await stack.post(
        "/app/api/session", json={"init_data": sign_init_data(TOKEN, USER, now)}
    )
    assert opened.status_code == 200, opened.text
    assert opened.headers["cache-control"] == "no-store"
    session = opened.json()["token"]
    me = await stack.get("/app/api/me", headers={"Authorization": f"Bearer {session}"})
    assert me.status_code == 200 and me.json()["id"] == USER and me.json()["workouts"] == 0

    refused = {
        "forged": sign_init_data(TOKEN, USER, now).replace("hash=", "hash=f"),
        "stale": sign_init_data(TOKEN, USER, now - 2 * 86400),
        "another bot's": sign_init_data("987654321:AAHsomeOtherBotToken_zyxwvutsrq", USER, now),
        "a stranger's": sign_init_data(TOKEN, STRANGER, now),
        "empty": "",
    }
    for what, init_data in refused.items():
        answer = await stack.post("/app/api/session", json={"init_data": init_data})
        assert answer.status_code == 401, what
        assert set(answer.json()) == {"error"}, what

    for bearer in ("-", "not-a-jwt", sign_init_data(TOKEN, USER, now)):
        answer = await stack.get("/app/api/me", headers={"Authorization": f"Bearer {bearer}"})
        assert answer.status_code == 401 and set(answer.json()) == {"error"}
    assert (await stack.get("/app/api/me")).status_code == 401


async def session_for(stack, user_id: int) -> dict[str, str]:
    stack.telegram.send_text(user_id, "/start")
    await stack.telegram.wait_for(
        lambda c: c.method == "sendMessage" and c.params["chat_id"] == user_id
    )
    init_data = sign_init_data(TOKEN, user_id, int(time.time()))
    opened = await stack.post("/app/api/session", json={"init_data": init_data})
    return {"Authorization": f"Bearer {opened.json()['token']}"}


async def test_pages_and_actions_answer_only_their_own_lifter(stack, snapshot_dir) -> None:
    account = await link_snapshot(stack, snapshot_dir, USER)
    owner = await session_for(stack, USER)
    stranger = await session_for(stack, STRANGER)
    workout_id = next(iter(account.workouts.values()))["id"]

    seen = await stack.get(f"/app/page/workout?id={workout_id}", headers=owner)
    assert seen.status_code == 200 and "<h2>" in seen.text
    assert (
        await stack.get(f"/app/page/workout?id={workout_id}", headers=stranger)
    ).status_code == 404
    history = await stack.get("/app/page/history", headers=stranger)
    assert "0 workouts logged" in history.text and "row" not in history.text

    asked = await stack.post(
        "/app/api/plan",
        headers=owner,
        json={"goal": "general", "level": "intermediate", "days_per_week": "3",
              "session_minutes": "45", "equipment": ["barbell", "dumbbell", "machine"]},
    )  # fmt: skip
    assert asked.status_code == 200, asked.text
    plan_id = asked.json()["params"]["plan"]
    for action in ("approve", "discard"):
        taken = await stack.post(f"/app/api/{action}", headers=stranger, json={"plan": plan_id})
        assert taken.status_code == 400 and "gone" in taken.json()["error"]
    assert (await stack.get(f"/app/page/plan?plan={plan_id}", headers=stranger)).status_code == 404
    assert not account.routines or all(
        not r["title"].startswith("Spotter") for r in account.routines.values()
    )

    bad = await stack.post("/app/api/profile", headers=owner, json={"units": "stone"})
    assert bad.status_code == 400 and set(bad.json()) == {"error", "field"}  # beside the field

    exported = await stack.post("/app/api/export", headers=owner, json={})
    assert exported.status_code == 200 and "in your chat" in exported.json()["notice"]
    document = await stack.telegram.wait_for(lambda c: c.method == "sendDocument")
    assert document.params["chat_id"] in (USER, str(USER))
    assert json.loads(document.files["document"])["user"]["id"] == USER

    unsure = await stack.post("/app/api/delete", headers=owner, json={"confirm": "yes"})
    assert unsure.status_code == 400 and (await stack.get("/app/api/me", headers=owner)).is_success
    gone = await stack.post("/app/api/delete", headers=owner, json={"confirm": "delete"})
    assert gone.status_code == 200 and gone.json()["gone"] is True
    assert (await stack.get("/app/page/today", headers=owner)).status_code == 401
    assert (await stack.get("/app/page/today", headers=stranger)).status_code == 200
    for page in ("today", "history", "progress", "plan", "profile", "workout"):
        assert (await stack.get(f"/app/page/{page}")).status_code == 401, page
    for action in ("profile", "plan", "approve", "link", "export", "delete"):
        assert (await stack.post(f"/app/api/{action}", json={})).status_code == 401, action
    assert (await stack.get("/app/api/progress")).status_code == 401


class TestMenuButton:
    """With `PUBLIC_URL` on https the chat's menu button opens the Mini App."""

    @pytest.fixture
    def extra_env(self) -> dict[str, str]:
        return {"SPOTTER_ACCESS": "open", "PUBLIC_URL": "https://spotter.example"}

    @staticmethod
    async def test_an_https_public_url_sets_the_menu_button_to_the_mini_app(stack) -> None:
        (call,) = stack.telegram.sent("setChatMenuButton")
        button = call.params["menu_button"]
        if isinstance(button, str):
            button = json.loads(button)
        assert button == {
            "type": "web_app",
            "text": "Spotter",
            "web_app": {"url": "https://spotter.example/app/"},
        }

    @staticmethod
    async def test_settings_offer_the_profile_page(stack) -> None:
        stack.telegram.send_text(USER, "/settings")
        reply = await stack.telegram.wait_for(lambda c: "Your settings" in c.params.get("text", ""))
        markup = reply.params["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        (last,) = markup["inline_keyboard"][-1]
        assert last["web_app"] == {"url": "https://spotter.example/app/?page=profile"}


async def test_the_browser_zone_is_offered_first_in_the_setup(stack) -> None:
    tg = stack.telegram
    tg.send_text(USER, "/start")
    setup = await tg.wait_for(lambda c: "Setup 1 of 9" in c.params.get("text", ""))
    init_data = sign_init_data(TOKEN, USER, int(time.time()))
    for zone in ("Asia/Tokyo", "Mars/Olympus_Mons"):  # a made-up zone is not kept
        opened = await stack.post("/app/api/session", json={"init_data": init_data, "tz": zone})
        assert opened.status_code == 200
    shown = setup
    for n, step in enumerate(
        ("goal", "level", "days", "minutes", "equipment", "injuries", "units")
    ):
        tg.press(USER, shown, f"ob:{step}:skip")
        shown = await tg.wait_for(lambda c, n=n: f"Setup {n + 2} of 9" in c.params.get("text", ""))
    first = shown.params["reply_markup"]["inline_keyboard"][0][0]
    assert first["callback_data"] == "ob:tz:Asia/Tokyo", shown.params["reply_markup"]
    tg.press(USER, shown, "ob:tz:Asia/Tokyo")
    await tg.wait_for(lambda c: "Setup 9 of 9" in c.params.get("text", ""))
