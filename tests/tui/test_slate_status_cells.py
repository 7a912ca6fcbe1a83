"""The desk's games row: a TBD game 2 shows "Gm 2", a suspended game "Susp" (not its inning)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from app.storage.read.models import GameLine
from app.tui.formatting import game_cells

NY = ZoneInfo("America/New_York")
LINE = GameLine(
    game_pk=1,
    official_date="2024-05-20",
    start_time="2024-05-20T07:33:00.000Z",
    away_team_id=135,
    away_team="San Diego Padres",
    home_team_id=144,
    home_team="Atlanta Braves",
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


def test_a_tbd_game_two_shows_gm_2_not_the_placeholder_time() -> None:
    assert game_cells(LINE, NY, {})[0] == "03:33"
    tbd = replace(LINE, start_tbd=True, double_header="Y", game_number=2)
    assert game_cells(tbd, NY, {})[0] == "Gm 2"


def test_a_suspended_game_is_not_shown_as_a_live_inning() -> None:
    suspended = replace(
        LINE, abstract_state="Live", status="Suspended: Rain", inning=7, inning_half="Bottom"
    )
    status = game_cells(suspended, NY, {})[2]
    assert "Susp" in status and "B7" not in status
