"""How a game's state reads in the games table."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.clock import iso
from app.storage.read.models import GameLine
from app.tui.formatting import _next_run_when, game_status, score
from app.tui.timefmt import TimeView

BASE = GameLine(
    game_pk=1,
    official_date="2025-06-14",
    start_time="2025-06-14T23:15:00.000Z",
    away_team_id=147,
    away_team="New York Yankees",
    home_team_id=111,
    home_team="Boston Red Sox",
    abstract_state="Preview",
    status_code="S",
    status="Scheduled",
    inning=None,
    inning_half=None,
    away_score=None,
    home_score=None,
    event_id=None,
    ml_away=None,
    ml_home=None,
    rl_away=None,
    rl_home=None,
    total_over=None,
    total_under=None,
    value_bets=0,
)


def game(**changes: object) -> GameLine:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def test_states_read_as_an_operator_expects() -> None:
    assert game_status(BASE) == "Sched"
    live = game(abstract_state="Live", status="In Progress", inning=6, inning_half="Top")
    assert "T6" in game_status(live)
    assert "Final" in game_status(game(abstract_state="Final", status="Final"))


def test_a_rainout_says_postponed_not_final() -> None:
    # MLB reports a rainout as abstractGameState "Final" with detailedState "Postponed".
    rainout = game(abstract_state="Final", status_code="D", status="Postponed")
    assert "PPD" in game_status(rainout)
    assert "Final" not in game_status(rainout)


def test_score_only_once_play_started() -> None:
    assert score(BASE) == ""
    assert score(game(abstract_state="Live", away_score=2, home_score=1)) == "2-1"


def test_a_next_run_already_passed_is_due_then_overdue_never_ago() -> None:
    tz, now = ZoneInfo("America/New_York"), datetime(2025, 6, 14, 20, 0, tzinfo=UTC)
    relative, absolute = TimeView(), TimeView(absolute=True)

    def when(offset_s: float, view: TimeView = relative) -> str:
        return _next_run_when(iso(now + timedelta(seconds=offset_s)), now, tz, view)

    assert when(40) == "in 30 s"
    assert when(-10) == "due now"  # the run is starting: never "10 s ago"
    assert "overdue by 5 min" in when(-300)
    assert when(-300, absolute) == "at 15:55:00 EDT"
    assert _next_run_when(None, now, tz, relative) == "not scheduled"
