"""What every sqlite repository shares."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.sqlite.connection import Database


def to_ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def to_dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class Repo:
    def __init__(self, db: Database) -> None:
        self._db = db
