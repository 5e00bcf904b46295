"""What the Mini App's forms promise: an error is one sentence about one field, and the
settings a plan was made under can be put back exactly (what Discard does)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.web.miniapp.common import FormError, parse_form
from bot.web.miniapp.profile import ProfileForm, zone_names
from core.engine.adherence import week_streak
from core.models import User, plan_settings, settings_preferences

FORM = {"goal": "strength", "level": "beginner", "days_per_week": 3, "session_minutes": 60,
        "units": "kg", "timezone": "Europe/Berlin", "reminder": ""}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone",
         "“Mars/Olympus” is not a time zone I know: pick one from the list, like Europe/Berlin."),
        ({"reminder": "25:99"}, "reminder", "The reminder needs a time like 07:30, or none."),
        ({"session_minutes": 5}, "session_minutes",
         "Session minutes: input should be greater than or equal to 20."),
    ],
)  # fmt: skip
def test_a_form_error_is_one_sentence_naming_its_field(change, field, sentence) -> None:
    with pytest.raises(FormError) as raised:
        parse_form(ProfileForm, {**FORM, **change})
    assert raised.value.field == field
    assert str(raised.value) == sentence
    assert "Value error" not in str(raised.value)


def test_the_zone_list_holds_real_zones_without_legacy_aliases() -> None:
    zones = zone_names()
    assert "Europe/Berlin" in zones and "America/Argentina/Buenos_Aires" in zones
    assert "UTC" in zones
    assert not [z for z in zones if z.startswith(("US/", "Etc/"))]


def test_a_plans_settings_come_back_exactly() -> None:
    user = User(id=1)
    made = user.preferences.model_copy(
        update={"days_per_week": 4, "session_minutes": 75, "injuries": ["knee"],
                "focus_muscles": ["chest", "back"], "training_days": [1, 2, 4, 5]}
    )  # fmt: skip
    under = plan_settings(user.model_copy(update={"preferences": made}))
    later = user.preferences.model_copy(update={"days_per_week": 3, "goal": "strength"})
    back = settings_preferences(under, later)
    assert plan_settings(user.model_copy(update={"preferences": back})) == under
    assert settings_preferences("", later) == later, "a plan without settings changes nothing"


def test_a_streak_counts_weeks_with_a_workout_back_from_last_week() -> None:
    monday = date(2026, 11, 30)
    weeks = [monday - timedelta(weeks=n) + timedelta(days=2) for n in (1, 2, 3, 5)]
    assert week_streak(weeks, monday) == 3, "a week under way with none yet breaks nothing"
    assert week_streak([*weeks, monday], monday) == 4
    assert week_streak([monday - timedelta(weeks=9)], monday) == 0
