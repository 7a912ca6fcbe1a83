"""Price maths: odds conversion, vig removal, consensus fair prices, value and stakes.

Pure functions over floats; no I/O, no clock, no settings object (callers pass the
values of ``pipeline.devig_method``, ``pipeline.value_edge_threshold``,
``pipeline.kelly_fraction`` and ``pipeline.bankroll``). docs/analytics.md explains
the formulas and the choices (default method, median consensus, leave-one-out).

Units: prices are American odds (int, ``|price| >= 100``); "decimal" is the decimal
(European) price, total return per unit staked; probabilities are in (0, 1); edge is
expected profit per unit staked; stakes are in bankroll units.

``ValueError`` here means a programming error upstream: the source parsers reject
malformed prices before they reach this module.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal, TypeAlias

DevigMethod: TypeAlias = Literal["proportional", "power", "shin"]
DEVIG_METHODS: tuple[DevigMethod, ...] = ("proportional", "power", "shin")

# The Odds API market keys pressbox prices (``odds_api.markets`` picks among them).
Market: TypeAlias = Literal["h2h", "spreads", "totals"]
H2H: Market = "h2h"  # moneyline: who wins
SPREADS: Market = "spreads"  # run line: a team with a handicap (``point``)
TOTALS: Market = "totals"  # over/under a number of runs (``point``)
MARKETS: tuple[Market, ...] = (H2H, SPREADS, TOTALS)

# Numerical controls of the root finders: both functions are monotone on a known
# bracket, so bisection always converges; the bound only caps the work.
_MAX_ITERATIONS = 200
_TOLERANCE = 1e-13
# An overround this far below 1 is rounding noise, not a negative margin.
_OVERROUND_SLACK = 1e-9


# --- prices -----------------------------------------------------------------------------


def american_to_decimal(price: int) -> float:
    """Decimal price of an American price.

    ``+A`` (A >= 100): ``d = 1 + A/100``;  ``-A`` (A >= 100): ``d = 1 + 100/A``.
    ``-100`` and ``+100`` are both even money (``d = 2``).
    """
    if price >= 100:
        return 1.0 + price / 100.0
    if price <= -100:
        return 1.0 + 100.0 / -price
    raise ValueError(f"American price {price} is invalid: it must be <= -100 or >= +100")


def decimal_to_american(decimal: float) -> int:
    """American price of a decimal price, rounded to the nearest integer (halves away from 0).

    ``d >= 2``: ``+100 (d - 1)``;  ``1 < d < 2``: ``-100 / (d - 1)``. Even money is ``+100``.
    """
    if not math.isfinite(decimal) or decimal <= 1.0:
        raise ValueError(f"decimal price {decimal!r} is invalid: it must be finite and > 1")
    raw = 100.0 * (decimal - 1.0) if decimal >= 2.0 else -100.0 / (decimal - 1.0)
    return int(math.copysign(math.floor(abs(raw) + 0.5), raw))


def implied_probability(price: int) -> float:
    """The book's implied probability of a price, margin included: ``1 / d``."""
    return 1.0 / american_to_decimal(price)


def implied_probabilities(prices: Iterable[int]) -> list[float]:
    """``implied_probability`` of each price, in order."""
    return [implied_probability(price) for price in prices]


def overround(probs: Sequence[float]) -> float:
    """The book's total implied probability ``S = sum(pi_i)``; ``S - 1`` is its margin."""
    return math.fsum(probs)


def has_margin(probs: Sequence[float]) -> bool:
    """Whether implied probabilities carry a margin (sum to at least 1, up to rounding).

    A set summing below 1 is not one book's market: the prices come from several books
    or several lines.
    """
    return overround(probs) >= 1.0 - _OVERROUND_SLACK


# --- vig removal ------------------------------------------------------------------------


def _check_market(probs: Sequence[float]) -> float:
    if len(probs) < 2:
        raise ValueError(f"a market needs at least 2 outcomes to remove the vig, got {len(probs)}")
    for prob in probs:
        if not (math.isfinite(prob) and 0.0 < prob < 1.0):
            raise ValueError(f"implied probability {prob!r} is invalid: it must be in (0, 1)")
    total = overround(probs)
    if not has_margin(probs):
        raise ValueError(
            f"implied probabilities sum to {total:.6f} < 1: a line without a margin is not "
            "one book's market; check that the prices come from one book and one line"
        )
    return total


def _normalised(values: Sequence[float]) -> list[float]:
    total = math.fsum(values)
    return [value / total for value in values]


def _bisect_decreasing(fn: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of a decreasing ``fn`` with ``fn(lo) >= 0 >= fn(hi)``."""
    for _ in range(_MAX_ITERATIONS):
        mid = 0.5 * (lo + hi)
        if fn(mid) > 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= _TOLERANCE * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def devig_proportional(probs: Sequence[float]) -> list[float]:
    """Proportional (multiplicative) vig removal: ``p_i = pi_i / S``.

    Takes the margin off every outcome in proportion to its probability, which leaves
    longshots over-priced (see docs/analytics.md, favourite-longshot bias).
    """
    total = _check_market(probs)
    return [prob / total for prob in probs]


def devig_power(probs: Sequence[float]) -> list[float]:
    """Power vig removal: ``p_i = pi_i ** k`` with ``k >= 1`` solving ``sum(pi_i ** k) = 1``.

    ``sum(pi_i ** k)`` falls strictly as ``k`` grows, equals ``S >= 1`` at ``k = 1`` and
    is at most ``n * max(pi) ** k``, which is <= 1 once ``k >= ln n / -ln max(pi)``:
    bisection on that bracket always converges. Raising to ``k > 1`` shrinks small
    probabilities relatively more, so longshots give up more of the margin.
    """
    total = _check_market(probs)
    if total <= 1.0:
        return _normalised(probs)
    upper = max(1.0, math.log(len(probs)) / -math.log(max(probs)))
    k = _bisect_decreasing(lambda e: math.fsum(p**e for p in probs) - 1.0, 1.0, upper)
    return _normalised([prob**k for prob in probs])


def _shin_probs(probs: Sequence[float], total: float, z: float) -> list[float]:
    # Shin's p_i = (sqrt(z^2 + 4(1-z) a_i) - z) / (2(1-z)) with a_i = pi_i^2 / S, written
    # as 2 a_i / (sqrt(z^2 + 4(1-z) a_i) + z): the same value without the 0/0 at z -> 1.
    result = []
    for prob in probs:
        a = prob * prob / total
        result.append(2.0 * a / (math.sqrt(z * z + 4.0 * (1.0 - z) * a) + z))
    return result


def shin_z(probs: Sequence[float]) -> float:
    """Shin's ``z`` (the modelled share of insider money) for one book's market.

    Solves ``sum(p_i(z)) = 1`` with ``p_i(z) = (sqrt(z^2 + 4(1-z) pi_i^2/S) - z) / (2(1-z))``.
    Every ``p_i(z)`` falls as ``z`` grows; the sum is ``sqrt(S) >= 1`` at ``z = 0`` and
    ``sum(pi_i^2)/S < 1`` at ``z = 1``, so bisection on [0, 1] converges for any number of
    outcomes. (Two-way closed form, used by the tests as a cross-check:
    ``z = 1 - 2(1 - a1 - a2) / (1 - (a1 - a2)^2)``, ``a_i = pi_i^2 / S``.)
    """
    total = _check_market(probs)
    if total <= 1.0:
        return 0.0
    return _bisect_decreasing(lambda z: math.fsum(_shin_probs(probs, total, z)) - 1.0, 0.0, 1.0)


def devig_shin(probs: Sequence[float]) -> list[float]:
    """Shin vig removal: ``p_i = (sqrt(z^2 + 4(1-z) pi_i^2/S) - z) / (2(1-z))``, ``z = shin_z``."""
    total = _check_market(probs)
    return _normalised(_shin_probs(probs, total, shin_z(probs)))


_DEVIGGERS: Mapping[str, Callable[[Sequence[float]], list[float]]] = {
    "proportional": devig_proportional,
    "power": devig_power,
    "shin": devig_shin,
}


def devig(probs: Sequence[float], method: DevigMethod) -> list[float]:
    """Fair probabilities of one book's market (implied probabilities in, same order out)."""
    try:
        remover = _DEVIGGERS[method]
    except KeyError:
        raise ValueError(
            f"unknown devig method {method!r}: use one of {', '.join(DEVIG_METHODS)}"
        ) from None
    return remover(probs)


# --- across books -----------------------------------------------------------------------


def consensus_fair_probs(
    line: Mapping[str, Mapping[str, int]],
    *,
    method: DevigMethod,
    exclude: str | None = None,
) -> dict[str, float]:
    """Consensus fair probability of each outcome of ONE line across books.

    ``line`` maps book -> {outcome: American price}; every book must quote the same
    outcomes (one market, like points only). Each book is devigged on its own, then
    per outcome the **median** across books is taken and the result renormalised to
    sum to 1 (a no-op for two-way lines, where the medians are already complementary).
    ``exclude`` leaves one book out: the consensus a book is judged against must not
    include that book's own, possibly stale, price.
    """
    books = [book for book in sorted(line) if book != exclude]
    if exclude is not None and exclude not in line:
        raise ValueError(f"book {exclude!r} to leave out is not in the line")
    if not books:
        raise ValueError("a consensus needs at least one book (besides any left out)")
    outcomes = sorted(line[books[0]])
    per_outcome: dict[str, list[float]] = {outcome: [] for outcome in outcomes}
    for book in books:
        quoted = line[book]
        if sorted(quoted) != outcomes:
            raise ValueError(
                f"book {book!r} quotes outcomes {sorted(quoted)} but the line has {outcomes}"
            )
        fair = devig(implied_probabilities(quoted[o] for o in outcomes), method)
        for outcome, prob in zip(outcomes, fair, strict=True):
            per_outcome[outcome].append(prob)
    medians = [statistics.median(per_outcome[outcome]) for outcome in outcomes]
    return dict(zip(outcomes, _normalised(medians), strict=True))


def best_price(prices_by_book: Mapping[str, int]) -> tuple[int, tuple[str, ...]]:
    """The best (highest decimal) price for one outcome and every book offering it."""
    if not prices_by_book:
        raise ValueError("best price of an outcome that no book quotes")
    decimals = {book: american_to_decimal(price) for book, price in prices_by_book.items()}
    top = max(decimals.values())
    books = tuple(sorted(book for book, value in decimals.items() if value == top))
    # -100 and +100 tie at even money; report the conventional +100.
    return max(prices_by_book[book] for book in books), books


def expected_value(fair_prob: float, decimal: float) -> float:
    """Edge: expected profit per unit staked, ``EV = p * d - 1``."""
    return fair_prob * decimal - 1.0


def kelly_share(fair_prob: float, decimal: float, fraction: float) -> float:
    """Fractional Kelly share of the bankroll: ``fraction * max(0, (b p - q) / b)``.

    ``b = d - 1`` (net odds), ``q = 1 - p``. Zero when there is no edge: never negative.
    """
    if not 0.0 <= fair_prob <= 1.0:
        raise ValueError(f"probability {fair_prob!r} is invalid: it must be in [0, 1]")
    if not (math.isfinite(decimal) and decimal > 1.0):
        raise ValueError(f"decimal price {decimal!r} is invalid: it must be finite and > 1")
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"Kelly fraction {fraction!r} is invalid: it must be in (0, 1]")
    b = decimal - 1.0
    full = (b * fair_prob - (1.0 - fair_prob)) / b
    return fraction * full if full > 0.0 else 0.0


def kelly_stake(fair_prob: float, decimal: float, *, fraction: float, bankroll: float) -> float:
    """Stake in bankroll units: ``bankroll * kelly_share(p, d, fraction)``."""
    if not (math.isfinite(bankroll) and bankroll >= 0.0):
        raise ValueError(f"bankroll {bankroll!r} is invalid: it must be finite and >= 0")
    return bankroll * kelly_share(fair_prob, decimal, fraction)


def margin(prices: Iterable[int]) -> float:
    """A book market's margin: ``sum(1/d_i) - 1`` (0.045 for -110/-110)."""
    return overround(implied_probabilities(prices)) - 1.0


def add_margin_power(probs: Sequence[float], total: float) -> list[float]:
    """Implied probabilities carrying a margin the way ``devig_power`` removes it.

    ``pi_i = p_i ** (1/k)`` with ``k >= 1`` such that ``sum(pi_i) = total``: the exact
    inverse of the power method, so devigging these gives back ``probs``.
    """
    if total < 1.0 or not math.isfinite(total):
        raise ValueError(f"overround {total!r} is invalid: it must be finite and >= 1")
    fair = _normalised(probs)
    if total == 1.0:
        return fair
    for prob in fair:
        if not 0.0 < prob < 1.0:
            raise ValueError(f"probability {prob!r} is invalid: it must be in (0, 1)")
    # sum(p ** e) falls from n (e = 0) to 1 (e = 1) as e grows: solve for e = 1/k.
    e = _bisect_decreasing(lambda x: math.fsum(p**x for p in fair) - total, 0.0, 1.0)
    return [prob**e for prob in fair]
