"""The Mini App's launch data is checked as Telegram documents it, and sessions are bound to the
user and short-lived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.web.miniapp.auth import Rejected, issue_session, user_from_init_data, user_from_session
from tests.fakes.telegram import sign_init_data

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def signed(user_id: int = 42, age: timedelta = timedelta(minutes=5), **fields: str) -> str:
    return sign_init_data(TOKEN, user_id, int((NOW - age).timestamp()), **fields)


def test_launch_data_signed_for_this_bot_names_its_user() -> None:
    assert user_from_init_data(signed(), TOKEN, NOW) == 42
    assert user_from_init_data(signed(start_param="plan"), TOKEN, NOW) == 42


@pytest.mark.parametrize(
    ("init_data", "says"),
    [
        ("", "no launch data"),
        (signed().replace("42", "43"), "not signed for this bot"),  # another user's id swapped in
        (sign_init_data("999:otherbot", 42, int(NOW.timestamp())), "not signed for this bot"),
        (signed(age=timedelta(days=1, minutes=1)), "too old"),
        (signed(age=-timedelta(minutes=5)), "too old"),  # signed in the future
        (signed() + "&auth_date=1", "repeated field"),
        (signed().replace("hash=", "hash=0"), "not signed"),
        ("%%%", "malformed"),
        ("x" * 9000, "no launch data"),
    ],
)
def test_forged_stale_or_foreign_launch_data_is_rejected(init_data: str, says: str) -> None:
    with pytest.raises(Rejected, match=says):
        user_from_init_data(init_data, TOKEN, NOW)


def test_a_session_is_bound_to_its_user_and_this_bot_and_expires() -> None:
    now = datetime.now(UTC)
    token = issue_session(42, TOKEN, now)
    assert user_from_session(token, TOKEN, now) == 42
    with pytest.raises(Rejected):
        user_from_session(token, "999:otherbot", now)
    with pytest.raises(Rejected):
        user_from_session(token[:-2] + "xx", TOKEN, now)
    with pytest.raises(Rejected):
        user_from_session(issue_session(42, TOKEN, now - timedelta(hours=2)), TOKEN, now)
