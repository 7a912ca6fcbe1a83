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


def test_dashboard_times_step_under_a_minute_and_say_a_lower_bound() -> None:
    from datetime import timedelta

    from app.tui.timefmt import next_change_s, stepped

    def at(seconds: float) -> datetime:
        return SUMMER - timedelta(seconds=seconds)

    assert [stepped(at(s), SUMMER) for s in (3, 15, 29, 30, 59, 60, 150)] == [
        "<15 s ago",
        "15 s ago",
        "15 s ago",
        "30 s ago",
        "30 s ago",
        "1 min ago",
        "2 min ago",
    ]
    assert [stepped(at(-s), SUMMER) for s in (3, 15, 29, 59, 60, 150)] == [
        "in <15 s",
        "in 15 s",
        "in 15 s",
        "in 30 s",
        "in 1 min",
        "in 2 min",
    ]
    assert next_change_s(at(20), SUMMER) == 10  # "30 s ago" at 30 s
    assert next_change_s(at(45), SUMMER) == 15  # "1 min ago" at 60 s
    assert round(next_change_s(at(-40), SUMMER) or 0, 2) == 10  # "in 15 s" below 30 s left
    assert next_change_s(at(2 * 3600), SUMMER) is None  # the minute tick is enough
    view = TimeView(absolute=True)
    assert view.moment("2025-06-14T23:15:00.000Z", SUMMER, NY) == "at 19:15:00 EDT"
