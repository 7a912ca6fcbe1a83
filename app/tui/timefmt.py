"""How the desk shows a time: relative or absolute (the `T` key), always with the zone.

The absolute form is the local time with its zone label (``19:15:07 EDT``); the
relative one is ``12 s ago`` / ``in 4 min`` (``app.core.timefmt``, shared with the
CLI). Screens ask ``TimeView`` rather than choosing a form themselves, so one key
switches them all.

The dashboard's relative times (last run, next run, heartbeat, a source's last error,
the header's data age) are redrawn by a timer, not on every second: under a minute
they step at the ``MARKS_S`` (``12 s ago`` would be a lie a second later, and a
per-second redraw costs ~60 B/s where the idle budget is 5 B/s; bench/idle.py). A
stepped time is a lower bound: ``15 s ago`` is at least 15 s ago, ``in 30 s`` at least
30 s away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo

from app.core.clock import parse_iso
from app.core.timefmt import MINUTE_S, local_time, relative

# Under a minute a relative time says only which of these marks it has passed.
MARKS_S = (15, 30)


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

    def moment(self, iso_text: str | None, now: datetime, tz: tzinfo) -> str:
        """The dashboard's form: ``at 19:15:07 EDT``, or stepped ``15 s ago`` / ``in 4 min``."""
        if not iso_text:
            return "never"
        at = parse_iso(iso_text)
        if self.absolute:
            return f"at {local_time(at, tz, seconds=True)}"
        return stepped(at, now)


def stepped(at: datetime, now: datetime) -> str:
    """``<15 s ago``, ``30 s ago``, ``in 15 s``, ``in <15 s``; minutes and more as usual."""
    delta = (now - at).total_seconds()
    if abs(delta) >= MINUTE_S:
        return relative(at, now)
    passed = [mark for mark in MARKS_S if mark <= abs(delta)]
    amount = f"{passed[-1]} s" if passed else f"<{MARKS_S[0]} s"
    return f"{amount} ago" if delta >= 0 else f"in {amount}"


def next_change_s(at: datetime, now: datetime) -> float | None:
    """Seconds until ``stepped(at, now)`` shows something new; None past an hour.

    Past an hour the text changes at most once a minute, which the desk's minute tick
    redraws anyway.
    """
    delta = (now - at).total_seconds()
    if abs(delta) >= 60 * MINUTE_S:
        return None
    if delta >= 0:  # the age grows: the next mark, then the next whole minute
        ahead = [mark for mark in (*MARKS_S, MINUTE_S) if mark > delta]
        return (ahead[0] if ahead else MINUTE_S * (math.floor(delta / MINUTE_S) + 1)) - delta
    left = -delta  # counting down: the text drops just after ``left`` passes a mark
    if left >= MINUTE_S:
        return left - MINUTE_S * math.floor(left / MINUTE_S) + 0.001
    passed = [mark for mark in MARKS_S if mark <= left]
    return left - (passed[-1] if passed else 0) + 0.001


def as_of(at: datetime, tz: tzinfo) -> str:
    """When a screen's data was read: ``as of 19:15:07 EDT``."""
    return f"as of {local_time(at, tz, seconds=True)}"
