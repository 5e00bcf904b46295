"""Bucketing moments into days, ISO weeks and months, in the lifter's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Bucket = Literal["day", "week", "month"]


def local(moment: datetime, tz: str = "UTC") -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def bucket_of(moment: datetime, bucket: Bucket, tz: str = "UTC") -> str:
    """`2026-03-02`, `2026-W10` or `2026-03` for `moment` in time zone `tz`."""
    day = local(moment, tz).date()
    if bucket == "day":
        return day.isoformat()
    if bucket == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_window(monday: date, tz: str = "UTC") -> tuple[datetime, datetime]:
    """The UTC instants bounding the local ISO week that starts on `monday`."""
    zone = ZoneInfo(tz)
    start = datetime.combine(monday, datetime.min.time(), zone)
    return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)


def day_start(day: date, tz: str = "UTC") -> datetime:
    """The UTC instant at which the local `day` begins."""
    return datetime.combine(day, datetime.min.time(), ZoneInfo(tz)).astimezone(UTC)
