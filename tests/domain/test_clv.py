"""Closing-line value and settlement, against hand-worked numbers."""

from __future__ import annotations

import pytest

from app.domain.clv import BetResult, closing_value, profit, settle

TEAMS = {"home_team": "Toronto Blue Jays", "away_team": "Houston Astros"}


def test_clv_is_the_ev_at_the_closing_fair_probability() -> None:
    assert closing_value(77 / 137, 110) == pytest.approx(0.5620438 * 2.1 - 1, abs=1e-6)
    assert closing_value(0.5, -110) == pytest.approx(0.5 * (1 + 100 / 110) - 1)


@pytest.mark.parametrize(
    ("market", "outcome", "point", "home", "away", "result"),
    [
        ("h2h", "Houston Astros", 0.0, 1, 3, BetResult.WON),
        ("h2h", "Toronto Blue Jays", 0.0, 1, 3, BetResult.LOST),
        ("spreads", "Toronto Blue Jays", 1.5, 1, 2, BetResult.WON),
        ("spreads", "Houston Astros", -1.5, 1, 2, BetResult.LOST),
        ("spreads", "Houston Astros", -2.0, 1, 3, BetResult.PUSH),
        ("totals", "Over", 8.5, 7, 9, BetResult.WON),
        ("totals", "Under", 8.5, 7, 9, BetResult.LOST),
        ("totals", "Under", 16.0, 7, 9, BetResult.PUSH),
    ],
)
def test_settlement_reads_the_final_score(
    market: str, outcome: str, point: float, home: int, away: int, result: BetResult
) -> None:
    assert settle(market, outcome, point, home_score=home, away_score=away, **TEAMS) is result


def test_an_outcome_naming_neither_side_is_not_settled() -> None:
    assert settle("h2h", "Boston Red Sox", 0.0, home_score=1, away_score=3, **TEAMS) is None
    assert settle("totals", "Exactly", 8.5, home_score=1, away_score=3, **TEAMS) is None
    assert settle("player_props", "Over", 0.5, home_score=1, away_score=3, **TEAMS) is None


def test_profit_per_unit() -> None:
    assert profit(BetResult.WON, 110) == pytest.approx(1.1)
    assert profit(BetResult.WON, -125) == pytest.approx(0.8)
    assert profit(BetResult.LOST, 110) == -1.0
    assert profit(BetResult.PUSH, 110) == 0.0
