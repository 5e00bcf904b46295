"""A settings save changes only what it was asked to, on a lifter who still exists: a Mini App save
racing a /delete leaves the lifter deleted and says so, and a save in the Mini App and one in the
chat at the same moment both hold."""

from __future__ import annotations

import html
import json
import re

import pytest

from core.models import Units
from tests.fakes.telegram import Call
from tests.races import after_next
from tests.test_import_chat import USER, Spotter, spotter  # noqa: F401  (the fixture)

PROFILE = {
    "goal": "strength",
    "level": "intermediate",
    "days_per_week": 3,
    "session_minutes": 60,
    "equipment": ["barbell", "dumbbell", "machine"],
    "injuries": [],
    "units": "lb",
    "timezone": "UTC",
    "reminder": "",
}


def after_the_mini_app_reads_the_lifter(spotter: Spotter, monkeypatch, then) -> None:  # noqa: F811
    """Run `then` right after the Mini App's request has read the lifter, before it saves."""
    after_next(monkeypatch, spotter.runtime.insights, "user", then)


async def test_a_mini_app_save_racing_a_delete_leaves_the_lifter_deleted_and_says_so(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = spotter.runtime.store
    after_the_mini_app_reads_the_lifter(spotter, monkeypatch, lambda: store.erase_user(USER))
    answer = await spotter.web.post("/app/api/profile", json=PROFILE, headers=spotter.mini_app())
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "Your data was deleted, so nothing was saved: send /start to Spotter to come back."
    )
    assert await store.users.get(USER) is None
    assert await store.users.count() == 0


async def test_a_mini_app_units_save_and_a_chat_time_zone_at_once_both_hold(
    spotter: Spotter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def chat_sets_the_zone() -> None:
        spotter.telegram.send_text(USER, "tz Asia/Tokyo")
        await spotter.handle()

    after_the_mini_app_reads_the_lifter(spotter, monkeypatch, chat_sets_the_zone)
    answer = await spotter.web.post("/app/api/profile", json=PROFILE, headers=spotter.mini_app())
    assert answer.status_code == 200, answer.text
    assert spotter.telegram.texts(USER)[-1] == "Time zone set to Asia/Tokyo."
    user = await spotter.runtime.store.users.get(USER)
    assert (user.units, user.timezone) == (Units.LB, "Asia/Tokyo")


async def the_profile_form(spotter: Spotter) -> dict:  # noqa: F811
    """The Profile form as the page shows it: its fields' values and the hidden `loaded`."""
    page = await spotter.web.get("/app/page/profile", headers=spotter.mini_app())
    assert page.status_code == 200, page.text
    (shown,) = re.findall(r'name="loaded" value="([^"]*)"', page.text)
    return {**json.loads(html.unescape(shown)), "loaded": html.unescape(shown)}


async def tap_in_the_chat(spotter: Spotter, data: str) -> None:  # noqa: F811
    settings = Call("sendMessage", {"chat_id": USER, "message_id": 9, "text": "Settings"}, 0.0)
    spotter.telegram.press(USER, settings, data)
    await spotter.handle()


async def test_a_profile_form_loaded_before_a_chat_change_saves_only_what_was_changed_on_it(
    spotter: Spotter,  # noqa: F811
) -> None:
    form = await the_profile_form(spotter)
    assert form["days_per_week"] == 3 and form["units"] == "kg"
    await tap_in_the_chat(spotter, "set:days:4")  # the chat, after the form loaded
    await tap_in_the_chat(spotter, "set:minutes:45")
    answer = await spotter.web.post(
        "/app/api/profile",
        json={**form, "units": "lb", "session_minutes": 90},  # the lifter changed these here
        headers=spotter.mini_app(),
    )
    assert answer.status_code == 200, answer.text
    user = await spotter.runtime.store.users.get(USER)
    assert user.units == Units.LB
    assert user.preferences.days_per_week == 4  # the chat's, untouched on the form
    assert user.preferences.session_minutes == 90  # changed in both: the form's, changed here


async def test_a_profile_form_without_what_it_loaded_saves_every_field(
    spotter: Spotter,  # noqa: F811
) -> None:
    form = await the_profile_form(spotter)
    await tap_in_the_chat(spotter, "set:days:4")
    del form["loaded"]
    answer = await spotter.web.post("/app/api/profile", json=form, headers=spotter.mini_app())
    assert answer.status_code == 200, answer.text
    assert (await spotter.runtime.store.users.get(USER)).preferences.days_per_week == 3
