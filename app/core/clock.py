"""Time in one place: UTC instants stored as ISO text, and MLB's official date.

Timestamps are stored as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` so that text order is
time order in SQL. ``Clock`` is injectable so tests and the demo can fix or
speed up time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.errors import ConfigurationError


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            "invalid setting pipeline.timezone (PRESSBOX_PIPELINE__TIMEZONE): "
            f"unknown time zone {name!r}",
            hint="Use an IANA name such as America/New_York.",
        ) from None


class Clock:
    """Wall clock; subclass or use ``FixedClock`` in tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def now_iso(self) -> str:
        return iso(self.now())

    def official_date(self, tz_name: str) -> date:
        """'Today' for MLB: the calendar date in the league's time zone."""
        return self.now().astimezone(zone(tz_name)).date()


class FixedClock(Clock):
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment = self.moment + timedelta(seconds=seconds)
