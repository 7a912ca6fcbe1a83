"""Scoring devig methods against results: log loss, Brier, deciles, bias, bootstrap, backtest.

Pure functions over two-way moneylines with a known winner; ``bench/calibration.py``
runs them on the 2010–2022 archive and ``pressbox calibration`` on the operator's own
stored closing lines. docs/analytics.md ("Calibration") explains the measures.

A game's fair home probability is the devigged closing line (``prices.devig``); a
method's *log loss* is ``-mean(y ln p + (1 - y) ln(1 - p))`` and its *Brier score*
``mean((p - y)^2)`` with ``y = 1`` when the home side won.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.prices import (
    DEVIG_METHODS,
    DevigMethod,
    american_to_decimal,
    devig,
    expected_value,
    implied_probabilities,
)

DECILES = 10


@dataclass(frozen=True, slots=True)
class GameLine:
    """One game: home and away American prices (closing, optionally opening) and the winner."""

    home_close: int
    away_close: int
    home_won: bool
    home_open: int | None = None
    away_open: int | None = None


@dataclass(frozen=True, slots=True)
class Decile:
    """Predictions in ``[low, high)``: how many, their mean, how often they came true."""

    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float


@dataclass(frozen=True, slots=True)
class MethodScore:
    method: DevigMethod
    games: int
    log_loss: float
    brier: float
    deciles: tuple[Decile, ...]
    favourite_bias: float  # mean(won - p) over favourites: > 0 means favourites under-priced
    underdog_bias: float  # the same over underdogs


@dataclass(frozen=True, slots=True)
class Difference:
    """``mean(loss_a - loss_b)`` per game and its bootstrap percentile interval."""

    first: DevigMethod
    second: DevigMethod
    mean: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Backtest:
    """Flags at the opening price against the closing fair price (one stake per flag)."""

    method: DevigMethod
    threshold: float
    flags: int
    mean_clv: float
    realised_return: float  # profit per unit staked over the flags


def home_fair_prob(home: int, away: int, method: DevigMethod) -> float:
    return devig(implied_probabilities((home, away)), method)[0]


def game_losses(games: Sequence[GameLine], method: DevigMethod) -> list[float]:
    """Each game's log loss under ``method``."""
    losses = []
    for game in games:
        p = home_fair_prob(game.home_close, game.away_close, method)
        losses.append(-math.log(p if game.home_won else 1.0 - p))
    return losses


def _deciles(pairs: Sequence[tuple[float, bool]]) -> tuple[Decile, ...]:
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(DECILES)]
    for p, won in pairs:
        bins[min(int(p * DECILES), DECILES - 1)].append((p, won))
    result = []
    for index, members in enumerate(bins):
        if not members:
            continue
        result.append(
            Decile(
                index / DECILES,
                (index + 1) / DECILES,
                len(members),
                math.fsum(p for p, _ in members) / len(members),
                sum(1 for _, won in members if won) / len(members),
            )
        )
    return tuple(result)


def _bias(pairs: Sequence[tuple[float, bool]]) -> float:
    if not pairs:
        return 0.0
    return math.fsum((1.0 if won else 0.0) - p for p, won in pairs) / len(pairs)


def score_predictions(method: DevigMethod, home: Sequence[tuple[float, bool]]) -> MethodScore:
    """The scores of home-win probabilities ``(p, home_won)`` of one method."""
    if not home:
        raise ValueError("scoring needs at least one game")
    losses = [-math.log(p if won else 1.0 - p) for p, won in home]
    brier = math.fsum((p - (1.0 if won else 0.0)) ** 2 for p, won in home) / len(home)
    # Both sides of every game, so each decile holds the same games seen from either side.
    sides = [*home, *((1.0 - p, not won) for p, won in home)]
    favourites = [(p, won) for p, won in sides if p > 0.5]
    underdogs = [(p, won) for p, won in sides if p < 0.5]
    return MethodScore(
        method,
        len(home),
        math.fsum(losses) / len(losses),
        brier,
        _deciles(sides),
        _bias(favourites),
        _bias(underdogs),
    )


def score_method(games: Sequence[GameLine], method: DevigMethod) -> MethodScore:
    """Log loss, Brier, calibration by decile and favourite/underdog bias of one method."""
    home = [(home_fair_prob(g.home_close, g.away_close, method), g.home_won) for g in games]
    return score_predictions(method, home)


def bootstrap_difference(
    games: Sequence[GameLine],
    first: DevigMethod,
    second: DevigMethod,
    *,
    resamples: int = 1000,
    seed: int = 20101022,
    level: float = 0.95,
) -> Difference:
    """Mean per-game log-loss difference ``first - second`` with a percentile bootstrap CI."""
    a, b = game_losses(games, first), game_losses(games, second)
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    n = len(diffs)
    rng = random.Random(seed)
    means = sorted(math.fsum(rng.choices(diffs, k=n)) / n for _ in range(resamples))
    tail = (1.0 - level) / 2.0
    low = means[math.floor(tail * (resamples - 1))]
    high = means[math.ceil((1.0 - tail) * (resamples - 1))]
    return Difference(first, second, math.fsum(diffs) / n, low, high)


def backtest_open(
    games: Sequence[GameLine], method: DevigMethod, *, threshold: float = 0.02
) -> Backtest:
    """Flag each opening price whose EV at the closing fair probability is >= ``threshold``.

    That EV is the flag's closing-line value; the realised return is the profit of a
    one-unit stake on every flag (``d - 1`` won, ``-1`` lost).
    """
    clvs: list[float] = []
    profit: list[float] = []
    for game in games:
        if game.home_open is None or game.away_open is None:
            continue
        p_home = home_fair_prob(game.home_close, game.away_close, method)
        for price, prob, won in (
            (game.home_open, p_home, game.home_won),
            (game.away_open, 1.0 - p_home, not game.home_won),
        ):
            decimal = american_to_decimal(price)
            clv = expected_value(prob, decimal)
            if clv >= threshold:
                clvs.append(clv)
                profit.append(decimal - 1.0 if won else -1.0)
    flags = len(clvs)
    return Backtest(
        method,
        threshold,
        flags,
        math.fsum(clvs) / flags if flags else 0.0,
        math.fsum(profit) / flags if flags else 0.0,
    )


def score_all(games: Sequence[GameLine]) -> list[MethodScore]:
    """Every devig method's score, best (lowest log loss) first."""
    return sorted((score_method(games, m) for m in DEVIG_METHODS), key=lambda s: s.log_loss)
