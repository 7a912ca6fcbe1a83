"""Rewind on the desk: the clock that stands at the moment, and what the data must offer.

While rewound, every screen's "now" is the moment (ages, the stale warning, the
slate's date, the header clock), so the desk shows what it showed then. The data
side is ``app.storage.read.rewind_data.RewindDeskData``, handed in by the
composition root; a desk given any other ``DeskData`` has no rewind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from app.core.clock import Clock

# The help's lines for the rewind keys (the bindings themselves are in app.tui.app).
REWIND_KEYS = (
    ("w", "Rewind: the desk as it stood at a time you type (read-only)"),
    ("[ / ]", "Rewound: step back / forward to the finish of the previous / next run"),
    ("L", "Back to live"),
)


class RewindClock(Clock):
    """``base``'s time, or the moment while the desk is rewound."""

    def __init__(self, base: Clock) -> None:
        self.base = base
        self.moment: datetime | None = None

    def now(self) -> datetime:
        return self.moment if self.moment is not None else self.base.now()

    def live_now(self) -> datetime:
        return self.base.now()


@runtime_checkable
class Rewindable(Protocol):
    """A ``DeskData`` that can answer as of a moment (``None``: live)."""

    moment: datetime | None

    def rewind(self, moment: datetime | None) -> None: ...

    async def run_finish_beside(self, moment: datetime, *, later: bool) -> datetime | None: ...


def rewound_at(clock: Clock) -> datetime | None:
    """The moment the desk stands at, or None when it is live."""
    return clock.moment if isinstance(clock, RewindClock) else None


# A screen whose data stays live on a rewound desk says so in its title.
LIVE_NOTE = " · not rewound: live data"


def live_note(clock: Clock) -> str:
    """``LIVE_NOTE`` while the desk is rewound, else nothing."""
    return LIVE_NOTE if rewound_at(clock) is not None else ""


def live_time(clock: Clock) -> datetime:
    """The time now even while rewound: the "now" of a screen whose data stays live."""
    return clock.live_now() if isinstance(clock, RewindClock) else clock.now()
