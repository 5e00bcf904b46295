"""Settings from the environment (and `.env`), exactly the operator contract in DESIGN.md."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.errors import ConfigError

# How an operator gets each value; used to turn a validation error into one actionable line.
HINTS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "create a bot with @BotFather in Telegram and copy its token",
    "TELEGRAM_BASE_URL": "leave it unset for Telegram's own API, or give a Bot API server URL",
    "ANTHROPIC_API_KEY": "create a key at console.anthropic.com, or leave it unset",
    "ANTHROPIC_BASE_URL": "leave it unset for Anthropic's own API",
    "SPOTTER_MODEL": "use a Claude model id such as claude-sonnet-5-5",
    "SPOTTER_SMALL_MODEL": "use a Claude model id such as claude-haiku-5-5",
    "HEVY_BASE_URL": "leave it unset for https://api.hevyapp.com",
    "DATABASE_URL": "use sqlite:///data/spotter.db or a mongodb:// / mongodb+srv:// URL",
    "SPOTTER_SECRET_KEY": "run `spotter keygen` and set the line it prints",
    "PUBLIC_URL": "give the http(s) address where users reach this bot's web app",
    "WEB_HOST": "give an interface address such as 127.0.0.1 or 0.0.0.0",
    "WEB_PORT": "give a TCP port between 1 and 65535",
    "FORWARDED_ALLOW_IPS": (
        "give your reverse proxy's addresses or networks separated by commas "
        "(e.g. 127.0.0.1,172.16.0.0/12), or * when only the proxy can reach the web app"
    ),
    "TELEGRAM_WEBHOOK_SECRET": "use 1-256 characters from A-Z, a-z, 0-9, _ and -",
    "SYNC_INTERVAL_SECONDS": "give a whole number of seconds, at least 60",
    "SPOTTER_DAILY_TOKEN_BUDGET": "give a whole number of tokens, 0 or more",
    "SPOTTER_ACCESS": "use invite or open",
    "SPOTTER_ADMINS": "give Telegram user ids separated by commas, e.g. 12345,67890",
    "LOG_LEVEL": "use DEBUG, INFO, WARNING or ERROR",
}

_BOT_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Every variable of the operator contract; field names are the variable names, lowercased."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    spotter_model: str = Field(default="claude-sonnet-5-5", min_length=1)
    spotter_small_model: str = Field(default="claude-haiku-5-5", min_length=1)
    hevy_base_url: str = "https://api.hevyapp.com"
    database_url: str = "sqlite:///data/spotter.db"
    spotter_secret_key: SecretStr | None = None
    public_url: str = "http://localhost:8080"
    web_host: str = Field(default="127.0.0.1", min_length=1)
    web_port: int = Field(default=8080, ge=1, le=65535)
    # Whose X-Forwarded-For the web app believes (uvicorn's default: a proxy on this machine).
    forwarded_allow_ips: str = "127.0.0.1,::1"
    telegram_webhook_secret: SecretStr | None = None
    sync_interval_seconds: int = Field(default=900, ge=60)
    spotter_daily_token_budget: int = Field(default=200_000, ge=0)
    spotter_access: Literal["invite", "open"] = "invite"
    spotter_admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("telegram_base_url", "hevy_base_url", "public_url", "anthropic_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "mongodb://", "mongodb+srv://")):
            raise ValueError("must start with sqlite:///, mongodb:// or mongodb+srv://")
        if value.startswith("sqlite:///") and not value.removeprefix("sqlite:///"):
            raise ValueError("names no database file")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        for part in parts:
            if part != "*":
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError(f"{part!r} is not an address or a network") from None
        return ",".join(parts)

    @field_validator("telegram_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _BOT_TOKEN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("has characters Telegram does not allow")
        return value

    @field_validator("spotter_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def embedded(self) -> bool:
        """True when the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite:///")

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file `DATABASE_URL` names (relative paths are relative to the cwd)."""
        if not self.embedded:
            raise ConfigError("DATABASE_URL does not name a SQLite file")
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def data_dir(self) -> Path:
        """Where embedded mode keeps its files (the database's folder)."""
        return self.sqlite_path.parent

    def secret_values(self) -> list[str]:
        """Every secret set here, in plain text: what the log redacts."""
        secrets = (
            self.telegram_bot_token,
            self.anthropic_api_key,
            self.spotter_secret_key,
            self.telegram_webhook_secret,
        )
        values = [s.get_secret_value() for s in secrets if s is not None]
        return values + [part.strip() for v in values for part in v.split(",") if "," in v]

    def require(self, *names: str) -> None:
        """Raise ConfigError for the first of `names` (env variable names) that is unset."""
        for name in names:
            if getattr(self, name.lower()) is None:
                raise ConfigError(f"{name} is not set: {HINTS[name]}.")


def load_settings(**overrides: object) -> Settings:
    """Read settings; any invalid value becomes one ConfigError line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        reason = error["msg"].removeprefix("Value error, ")
        hint = HINTS.get(name, "see README.md")
        raise ConfigError(f"{name} is invalid ({reason}): {hint}.") from None
