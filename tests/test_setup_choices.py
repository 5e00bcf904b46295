"""/settings offers what the setup offers (issue 25, item 8): the same days, 1 to 7."""

from __future__ import annotations

from bot.telegram.handlers import onboarding, settings
from core.models import User


def test_settings_offer_the_same_days_as_the_setup() -> None:
    rows = settings.keyboard(User(id=1, chat_id=1), "days").inline_keyboard
    offered = [b.text for b in rows[0]]
    assert offered == list(onboarding.options("days", None)) == [str(n) for n in range(1, 8)]
