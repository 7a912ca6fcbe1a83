"""How the desk shows a time: relative or absolute (the `T` key), always with the zone.

The absolute form is the local time with its zone label (``19:15:07 EDT``); the
relative one is ``12 s ago`` / ``in 4 min`` (``app.core.timefmt``, shared with the
CLI). Screens ask ``TimeView`` rather than choosing a form themselves, so one key
switches them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from app.core.clock import parse_iso
from app.core.timefmt import local_time, relative


@dataclass
class TimeView:
    """The desk's choice of time form; shared by every screen through ``DeskContext``."""

    absolute: bool = False

    def toggle(self) -> bool:
        self.absolute = not self.absolute
        return self.absolute

    def when(self, iso_text: str | None, now: datetime, tz: tzinfo) -> str:
        if not iso_text:
            return "never"
        at = parse_iso(iso_text)
        if self.absolute:
            return local_time(at, tz, seconds=True)
        return relative(at, now)


def as_of(at: datetime, tz: tzinfo) -> str:
    """When a screen's data was read: ``as of 19:15:07 EDT``."""
    return f"as of {local_time(at, tz, seconds=True)}"
