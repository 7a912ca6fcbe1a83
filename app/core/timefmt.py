"""One time convention for the desk and the CLI: local times labelled with their zone.

Stored times are UTC (``app.core.clock.iso``); people read them in the configured
zone (``pipeline.timezone``), always with the zone's abbreviation so a time is never
ambiguous, or in UTC on request (``--utc``). Relative times keep second precision
under a minute where that tells a quiet system from a hung one (last run, next
run, data age). Pure functions of an injected instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from app.core.clock import parse_iso, zone

MINUTE_S = 60
HOUR_S = 3600
DAY_S = 86_400


def display_zone(name: str, *, utc: bool = False) -> tzinfo:
    """The zone times are shown in: the configured one, or UTC (``--utc``)."""
    return UTC if utc else zone(name)


def zone_label(at: datetime, tz: tzinfo) -> str:
    """The zone's abbreviation at that instant (EDT in June, EST in January)."""
    local = at.astimezone(tz)
    label = local.tzname()
    if label:
        return label
    return tz.key if isinstance(tz, ZoneInfo) else "UTC"


def local_time(
    at: datetime, tz: tzinfo, *, seconds: bool = False, day: bool = False, label: bool = True
) -> str:
    """``19:15 EDT``; ``19:15:07 EDT`` with seconds; ``2025-06-14 19:15 EDT`` with the day."""
    pattern = ("%Y-%m-%d " if day else "") + ("%H:%M:%S" if seconds else "%H:%M")
    text = at.astimezone(tz).strftime(pattern)
    return f"{text} {zone_label(at, tz)}" if label else text


def local_iso(iso_text: str | None, tz: tzinfo, **how: bool) -> str:
    """A stored ISO time shown locally; ``—`` when there is none."""
    if not iso_text:
        return "—"
    return local_time(parse_iso(iso_text), tz, **how)


def span(seconds: float, *, precise: bool = True) -> str:
    """A length of time in the unit that matters: ``12 s``, ``5 min``, ``3 h``, ``2 d``."""
    seconds = abs(seconds)
    if seconds < MINUTE_S:
        return f"{int(seconds)} s" if precise else "<1 min"
    if seconds < 2 * HOUR_S:
        return f"{int(seconds // MINUTE_S)} min"
    if seconds < 2 * DAY_S:
        return f"{int(seconds // HOUR_S)} h"
    return f"{int(seconds // DAY_S)} d"


def relative(at: datetime, now: datetime, *, precise: bool = True) -> str:
    """``12 s ago``, ``in 4 min``: second precision under a minute unless told otherwise."""
    delta = (now - at).total_seconds()
    if delta < 0:
        return f"in {span(delta, precise=precise)}"
    return f"{span(delta, precise=precise)} ago"


def relative_iso(iso_text: str | None, now: datetime, *, precise: bool = True) -> str:
    if not iso_text:
        return "never"
    return relative(parse_iso(iso_text), now, precise=precise)
