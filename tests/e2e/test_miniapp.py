"""The Mini App's door through the real process: signed launch data opens a session for an
admitted lifter; forged, stale, foreign or unknown launch data gets 401 and no data."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.conftest import TOKEN
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
