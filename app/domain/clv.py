"""Closing-line value and settlement of one bet: pure maths over stored numbers.

CLV is the bet's expected value at the *closing* fair probability,
``fair_close_prob * bet_decimal - 1`` (the same formula as the edge at flag time, with the
price the market settled on at first pitch). A bet "beat the close" when that is above 0.
Settlement reads the final score: a moneyline wins with its team, a run line when the
team's score plus the point beats the other's, a total against the runs scored; a tie
with the line is a push (stake back).
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.prices import H2H, SPREADS, TOTALS, american_to_decimal, expected_value


class BetResult(StrEnum):
    WON = "won"
    LOST = "lost"
    PUSH = "push"


def closing_value(fair_close_prob: float, bet_price: int) -> float:
    """EV per unit staked of the bet's price at the closing fair probability."""
    return expected_value(fair_close_prob, american_to_decimal(bet_price))


def settle(
    market: str,
    outcome: str,
    point: float,
    *,
    home_team: str,
    away_team: str,
    home_score: int,
    away_score: int,
) -> BetResult | None:
    """The result of a bet on a final score; None when the outcome names neither side."""
    if market == TOTALS:
        runs = home_score + away_score
        over = outcome.strip().lower() == "over"
        if outcome.strip().lower() not in ("over", "under"):
            return None
        margin = (runs - point) if over else (point - runs)
    elif market in (H2H, SPREADS):
        if outcome == home_team:
            margin = home_score - away_score
        elif outcome == away_team:
            margin = away_score - home_score
        else:
            return None
        margin += point if market == SPREADS else 0.0
    else:
        return None
    if margin > 0:
        return BetResult.WON
    if margin < 0:
        return BetResult.LOST
    return BetResult.PUSH


def profit(result: BetResult, bet_price: int) -> float:
    """Profit per unit staked: ``d - 1`` won, ``-1`` lost, ``0`` push."""
    if result is BetResult.WON:
        return american_to_decimal(bet_price) - 1.0
    return -1.0 if result is BetResult.LOST else 0.0
