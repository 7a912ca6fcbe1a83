"""A moment an operator types (``pressbox --at``, the desk's ``w``): local time or explicit.

``2026-07-04 19:42`` is the wall time of the configured zone (``pipeline.timezone``);
``2026-07-04T23:42Z`` or ``2026-07-04 19:42-04:00`` carry their own offset. Seconds are
optional. A moment after ``now`` is refused: nothing is stored about it yet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.core.errors import ConfigurationError

EXAMPLE = "2026-07-04 19:42"
_HINT = (
    f"Type a date and time like {EXAMPLE} (the desk's time zone) "
    "or with an offset: 2026-07-04T23:42Z, 2026-07-04 19:42-04:00."
)


def parse_moment(text: str, tz: ZoneInfo, *, now: datetime) -> datetime:
    """The aware UTC moment ``text`` names, or ``ConfigurationError`` saying what to type."""
    cleaned = " ".join(text.split())
    shown = cleaned[:40] or "nothing"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ConfigurationError(f"not a time: {shown!r}", hint=_HINT) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    moment = value.astimezone(UTC)
    if moment > now:
        local = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        raise ConfigurationError(
            f"{local} is in the future: rewind shows what was stored",
            hint="Pick a moment before now, or open the live desk without --at.",
        )
    return moment
