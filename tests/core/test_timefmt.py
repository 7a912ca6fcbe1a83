"""The one time convention: local times with their zone, relative times with seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import ConfigurationError
from app.core.timefmt import display_zone, local_iso, local_time, relative, relative_iso, span

SUMMER = datetime(2025, 6, 14, 23, 15, 7, tzinfo=UTC)
WINTER = datetime(2025, 1, 14, 23, 15, 7, tzinfo=UTC)
NY = display_zone("America/New_York")


def test_local_times_carry_the_zone_of_that_instant() -> None:
    assert local_time(SUMMER, NY) == "19:15 EDT"
    assert local_time(WINTER, NY) == "18:15 EST"
    assert local_time(SUMMER, NY, seconds=True, day=True) == "2025-06-14 19:15:07 EDT"
    assert local_time(SUMMER, NY, label=False) == "19:15"
    assert local_iso("2025-06-14T23:15:07.000Z", display_zone("x", utc=True)) == "23:15 UTC"
    assert local_iso(None, NY) == "—"


def test_an_unknown_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Mars/Olympus"):
        display_zone("Mars/Olympus")


@pytest.mark.parametrize(
    ("seconds", "precise", "text"),
    [
        (0, True, "0 s"),
        (42.9, True, "42 s"),
        (42.9, False, "<1 min"),
        (60, True, "1 min"),
        (119 * 60, True, "119 min"),
        (3 * 3600, True, "3 h"),
        (3 * 86_400, True, "3 d"),
    ],
)
def test_span_keeps_seconds_under_a_minute(seconds: float, precise: bool, text: str) -> None:
    assert span(seconds, precise=precise) == text


def test_relative_says_past_and_future() -> None:
    assert relative(SUMMER - timedelta(seconds=12), SUMMER) == "12 s ago"
    assert relative(SUMMER + timedelta(seconds=40), SUMMER) == "in 40 s"
    assert relative_iso(None, SUMMER) == "never"
