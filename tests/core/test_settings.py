"""Settings: the operator contract's names, defaults, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.models import time_zone
from core.settings import HINTS, Settings, load_settings

TOKEN = "123456789:AAHfakeTokenForTests_abcdefghijk"


def test_every_documented_variable_is_a_setting_and_nothing_else() -> None:
    design = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    fields = {name.upper() for name in Settings.model_fields}
    assert fields == set(HINTS)
    for name in fields:
        assert f"`{name}`" in design, f"{name} is not documented in README.md"


def test_defaults_match_the_design() -> None:
    s = load_settings()
    assert s.database_url == "sqlite:///data/spotter.db" and s.embedded
    assert s.data_dir == Path("data")
    assert s.telegram_base_url == "https://api.telegram.org/bot"
    assert s.hevy_base_url == "https://api.hevyapp.com"
    assert (s.spotter_model, s.spotter_small_model) == ("claude-sonnet-5-5", "claude-haiku-5-5")
    assert (s.web_host, s.web_port, s.public_url) == ("127.0.0.1", 8080, "http://localhost:8080")
    assert s.forwarded_allow_ips == "127.0.0.1,::1", "a proxy on this machine, as uvicorn's"
    assert (s.sync_interval_seconds, s.spotter_daily_token_budget) == (900, 200_000)
    assert (s.spotter_access, s.spotter_admins, s.log_level) == ("invite", [], "INFO")
    assert s.telegram_bot_token is None and s.anthropic_api_key is None


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    Path(".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nSPOTTER_ACCESS=open\n")
    monkeypatch.setenv("SPOTTER_ADMINS", "12345, 67890")
    monkeypatch.setenv("log_level", "debug")
    s = load_settings()
    assert s.telegram_bot_token.get_secret_value() == TOKEN
    assert s.spotter_access == "open"
    assert s.spotter_admins == [12345, 67890]
    assert s.log_level == "DEBUG"


def test_secrets_do_not_show_in_repr() -> None:
    s = load_settings(telegram_bot_token=TOKEN, anthropic_api_key="sk-ant-secret")
    assert TOKEN not in repr(s) and "sk-ant-secret" not in repr(s)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "postgres://localhost/spotter"),
        ("DATABASE_URL", "sqlite:///"),
        ("WEB_PORT", "70000"),
        ("SYNC_INTERVAL_SECONDS", "5"),
        ("SPOTTER_ACCESS", "everyone"),
        ("SPOTTER_ADMINS", "alice"),
        ("PUBLIC_URL", "localhost:8080"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces"),
        ("FORWARDED_ALLOW_IPS", "proxy.internal"),
    ],
)
def test_an_invalid_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as excinfo:
        load_settings()
    message = str(excinfo.value)
    assert message.startswith(f"{name} is invalid")
    assert "\n" not in message
    assert HINTS[name] in message
    if name == "TELEGRAM_BOT_TOKEN":
        assert value not in message


def test_require_names_the_missing_variable() -> None:
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN is not set: .*@BotFather"):
        load_settings().require("TELEGRAM_BOT_TOKEN")
    load_settings(telegram_bot_token=TOKEN).require("TELEGRAM_BOT_TOKEN")


@pytest.mark.parametrize("name", ["Mars/Olympus", "A" * 300, "../../etc/passwd", "", "UTC\x00"])
def test_a_time_zone_that_is_not_one_is_a_value_error_not_a_crash(name: str) -> None:
    with pytest.raises(ValueError, match="is not a time zone name"):
        time_zone(name)
    assert time_zone("Europe/Berlin") == "Europe/Berlin"
