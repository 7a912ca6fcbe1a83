"""The desk's time view: relative or absolute (`t`), always local with the zone."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.timefmt import display_zone
from app.tui.timefmt import TimeView, as_of

SUMMER = datetime(2025, 6, 14, 23, 15, 7, tzinfo=UTC)
NY = display_zone("America/New_York")


def test_the_desk_view_switches_between_relative_and_absolute() -> None:
    view = TimeView()
    stamp = "2025-06-14T23:15:00.000Z"
    assert view.when(stamp, SUMMER, NY) == "7 s ago"
    assert view.toggle() is True
    assert view.when(stamp, SUMMER, NY) == "19:15:00 EDT"
    assert view.when(None, SUMMER, NY) == "never"
    assert as_of(SUMMER, NY) == "as of 19:15:07 EDT"
