"""Structured logging: one JSON object per line, library chatter turned down, secrets redacted.

Secrets never reach the log at any level. The handler carries a redaction filter that replaces
the process's own secrets (bot token, webhook secret, Claude key, master key) and anything shaped
like a Telegram bot token, a Hevy API key (a UUID) or a one-time link token, in the message,
in every `extra=` field (inside dicts and lists too; any other object by its text) and in
tracebacks. Every logger goes through that one handler: libraries that bring their own
(uvicorn's) are routed to it, so none prints a plain line past the filter. Library loggers
that print whole requests and updates (httpx, PTB) are capped above DEBUG whatever LOG_LEVEL
says.

One record is let through on purpose: the first-start admin claim link, which is how the
operator becomes admin (it is logged once, carries `operator_secret=True`, and is single-use).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

REDACTED = "‹redacted›"
_SHAPES = re.compile(
    r"\d{6,12}:[A-Za-z0-9_-]{30,}"  # Telegram bot token (also inside bot<token>/ URLs)
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # Hevy key
    r"|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"  # login/invite/claim token
)
# Loggers that echo whole requests, URLs (with the bot token) or updates (with pasted keys).
CAPPED = {
    "httpx": logging.WARNING,
    "httpx2": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "pymongo": logging.WARNING,
    "telegram": logging.INFO,
    "anthropic": logging.INFO,
}


class Redactor(logging.Filter):
    """Replaces secrets in a record before any handler formats it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _SHAPES.sub(REDACTED, text)

    def _scrub(self, value: object, depth: int = 0) -> object:
        """`value` with secrets redacted: containers keep their shape for the JSON line (a few
        levels deep), any other object (an exception, a model) becomes its redacted text."""
        if value is None or isinstance(value, bool | int | float):
            return value
        if depth < 8 and isinstance(value, dict):
            return {self.redact(str(k)): self._scrub(v, depth + 1) for k, v in value.items()}
        if depth < 8 and isinstance(value, list | tuple | set | frozenset):
            return [self._scrub(v, depth + 1) for v in value]
        return self.redact(value if isinstance(value, str) else str(value))

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "operator_secret", False):
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, self._scrub(value))
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON; `extra=` fields become keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and k != "exc_text"}
        )
        entry.pop("operator_secret", None)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, default=str)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Send JSON lines to stderr at `level`, with `secrets` (and secret shapes) redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in CAPPED.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    route_to_root()


def route_to_root() -> None:
    """Take their own handlers from every library logger that set some up (uvicorn's plain
    lines, say), so their records reach the root's redacting JSON handler instead."""
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.handlers.clear()
            logger.propagate = True
