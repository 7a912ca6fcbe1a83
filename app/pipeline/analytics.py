"""Pricing maths: odds conversion, vig removal, consensus fair prices, value and stakes.

Pure functions over floats; no I/O, no clock, no settings object (callers pass the
values of ``pipeline.devig_method``, ``pipeline.value_edge_threshold``,
``pipeline.kelly_fraction`` and ``pipeline.bankroll``). docs/analytics.md explains
the formulas and the choices (default method, median consensus, leave-one-out).

Units: prices are American odds (int, ``|price| >= 100``); "decimal" is the decimal
(European) price, total return per unit staked; probabilities are in (0, 1); edge is
expected profit per unit staked; stakes are in bankroll units.

``ValueError`` here means a programming error upstream: the source parsers reject
malformed prices before they reach this module. Odd but well-formed *data* (a book
line with a missing side, a total at a point no other book offers, a line with no
margin) is not an error: ``evaluate_event`` leaves such lines out and says why.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeAlias

DevigMethod: TypeAlias = Literal["proportional", "power", "shin"]
DEVIG_METHODS: tuple[DevigMethod, ...] = ("proportional", "power", "shin")

H2H = "h2h"
SPREADS = "spreads"
TOTALS = "totals"
MARKETS: tuple[str, ...] = (H2H, SPREADS, TOTALS)

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


# --- vig removal ------------------------------------------------------------------------


def _check_market(probs: Sequence[float]) -> float:
    if len(probs) < 2:
        raise ValueError(f"a market needs at least 2 outcomes to remove the vig, got {len(probs)}")
    for prob in probs:
        if not (math.isfinite(prob) and 0.0 < prob < 1.0):
            raise ValueError(f"implied probability {prob!r} is invalid: it must be in (0, 1)")
    total = overround(probs)
    if total < 1.0 - _OVERROUND_SLACK:
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


# --- one event --------------------------------------------------------------------------


class QuoteLike(Protocol):
    """One book's current price for one outcome (a row of ``odds_latest``)."""

    @property
    def event_id(self) -> str: ...
    @property
    def book(self) -> str: ...
    @property
    def market(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def price(self) -> int: ...
    @property
    def point(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Quote:
    """A plain ``QuoteLike``."""

    event_id: str
    book: str
    market: str
    outcome: str
    price: int
    point: float | None = None


@dataclass(frozen=True, slots=True)
class FairPrice:
    """Consensus fair price of one outcome of one line (``point`` 0.0 for h2h)."""

    event_id: str
    market: str
    outcome: str
    point: float
    fair_prob: float
    fair_american: int
    books: int
    method: str


@dataclass(frozen=True, slots=True)
class BestPrice:
    """The best price for one outcome at one line, and the books offering it."""

    event_id: str
    market: str
    outcome: str
    point: float
    price: int
    books: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PriceEdge:
    """One book's price judged against the consensus of the other books at that line."""

    event_id: str
    market: str
    outcome: str
    point: float
    book: str
    price: int
    fair_prob: float
    edge: float
    is_value: bool


@dataclass(frozen=True, slots=True)
class ValueBet:
    """A price whose edge reaches the threshold, with its fractional Kelly stake."""

    event_id: str
    market: str
    outcome: str
    point: float
    book: str
    price: int
    fair_prob: float
    edge: float
    stake: float


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A book's line (or a group of books at one line) that was not priced, and why."""

    event_id: str
    market: str
    books: tuple[str, ...]
    points: tuple[tuple[str, float], ...]
    reason: str


@dataclass(frozen=True, slots=True)
class EventAnalysis:
    """Everything ``evaluate_event`` found for one event. Tuples are sorted, deterministic."""

    event_id: str
    fair_prices: tuple[FairPrice, ...]
    best_prices: tuple[BestPrice, ...]
    edges: tuple[PriceEdge, ...]
    value_bets: tuple[ValueBet, ...]
    skipped: tuple[SkippedLine, ...]


# A line is identified by its market and the (outcome, point) of every side: two books
# are compared only when these are identical (Over 9 is not Over 9.5; a run line with
# the favourite at -1.5 is not one with the other team at -1.5).
_Signature: TypeAlias = tuple[tuple[str, float], ...]


def _line_problem(market: str, sides: _Signature, prices: Sequence[int]) -> str | None:
    """Why one book's quotes for a market are not a priceable line (None if they are)."""
    if len(sides) < 2:
        return f"only {len(sides)} outcome quoted; a line needs every side"
    points = [point for _, point in sides]
    if market == TOTALS and len(set(points)) != 1:
        return f"total points differ between outcomes: {sorted(set(points))}"
    if market == SPREADS and (len(sides) != 2 or points[0] != -points[1]):
        return f"spread points are not one line (opposite points): {points}"
    if overround(implied_probabilities(prices)) < 1.0 - _OVERROUND_SLACK:
        return "the prices have no margin (implied probabilities sum below 1)"
    return None


_BookSides: TypeAlias = dict[str, tuple[int, float | None]]  # outcome -> (price, point)
_Line: TypeAlias = dict[str, dict[str, int]]  # book -> {outcome: price}


def _collect(quotes: Iterable[QuoteLike]) -> tuple[str, dict[tuple[str, str], _BookSides]]:
    """The event id and each (market, book)'s quoted sides; refuses programming errors."""
    event_id: str | None = None
    by_book: dict[tuple[str, str], _BookSides] = defaultdict(dict)
    for quote in quotes:
        if event_id is None:
            event_id = quote.event_id
        elif quote.event_id != event_id:
            raise ValueError(
                f"evaluate_event got quotes of two events ({event_id!r}, {quote.event_id!r})"
            )
        american_to_decimal(quote.price)  # a malformed price is a bug upstream: fail here
        sides = by_book[(quote.market, quote.book)]
        if quote.outcome in sides:
            raise ValueError(
                f"duplicate quote: {quote.book!r} {quote.market!r} {quote.outcome!r} twice"
            )
        sides[quote.outcome] = (quote.price, quote.point)
    if event_id is None:
        raise ValueError("evaluate_event needs at least one quote: skip events without books")
    return event_id, by_book


def _group_lines(
    event_id: str, by_book: Mapping[tuple[str, str], _BookSides]
) -> tuple[dict[tuple[str, _Signature], _Line], list[SkippedLine]]:
    """Books grouped by identical line; each book line that cannot be priced, with why."""
    skipped: list[SkippedLine] = []
    lines: dict[tuple[str, _Signature], _Line] = defaultdict(dict)
    for (market, book), sides in sorted(by_book.items()):
        if market not in MARKETS:
            skipped.append(SkippedLine(event_id, market, (book,), (), "unsupported market"))
            continue
        if market != H2H and any(point is None for _, point in sides.values()):
            skipped.append(SkippedLine(event_id, market, (book,), (), "an outcome has no point"))
            continue
        signature = tuple(
            sorted(
                (outcome, 0.0 if market == H2H or point is None else float(point))
                for outcome, (_, point) in sides.items()
            )
        )
        prices = {outcome: price for outcome, (price, _) in sides.items()}
        problem = _line_problem(market, signature, [prices[o] for o, _ in signature])
        if problem is not None:
            skipped.append(SkippedLine(event_id, market, (book,), signature, problem))
            continue
        lines[(market, signature)][book] = prices
    return dict(lines), skipped


@dataclass(frozen=True, slots=True)
class _Policy:
    method: DevigMethod
    threshold: float
    kelly_fraction: float
    bankroll: float


def _price_line(
    event_id: str, market: str, signature: _Signature, line: _Line, policy: _Policy
) -> tuple[list[FairPrice], list[PriceEdge], list[ValueBet]]:
    """Fair prices (all books) and every book's edge against the other books' consensus."""
    consensus = consensus_fair_probs(line, method=policy.method)
    fair_prices = [
        FairPrice(
            event_id,
            market,
            outcome,
            point,
            consensus[outcome],
            decimal_to_american(1.0 / consensus[outcome]),
            len(line),
            policy.method,
        )
        for outcome, point in signature
    ]
    edges: list[PriceEdge] = []
    value_bets: list[ValueBet] = []
    for book in sorted(line):
        others = consensus_fair_probs(line, method=policy.method, exclude=book)
        for outcome, point in signature:
            price = line[book][outcome]
            decimal = american_to_decimal(price)
            prob = others[outcome]
            edge = expected_value(prob, decimal)
            is_value = edge >= policy.threshold and edge > 0.0
            edges.append(
                PriceEdge(event_id, market, outcome, point, book, price, prob, edge, is_value)
            )
            if is_value:
                stake = kelly_stake(
                    prob, decimal, fraction=policy.kelly_fraction, bankroll=policy.bankroll
                )
                value_bets.append(
                    ValueBet(event_id, market, outcome, point, book, price, prob, edge, stake)
                )
    return fair_prices, edges, value_bets


def evaluate_event(
    quotes: Iterable[QuoteLike],
    *,
    method: DevigMethod,
    threshold: float,
    kelly_fraction: float,
    bankroll: float,
    min_books: int = 2,
) -> EventAnalysis:
    """Fair prices, best prices, edges and value bets for ONE event.

    Quotes are grouped per (market, book) into lines; books are compared only at an
    identical line (same outcomes, same points). A line with at least ``min_books``
    books gets a consensus fair price (all its books) and, for each book's price, an
    edge ``EV = p * d - 1`` against the leave-one-out consensus of the *other* books;
    a price with ``EV >= threshold`` (and ``EV > 0``) is a value bet, staked at
    fractional Kelly. Best prices are reported for every valid line, whatever its
    number of books. ``point`` is 0.0 for h2h, the outcome's own point otherwise.
    """
    if min_books < 2:
        raise ValueError(f"min_books {min_books} is invalid: a consensus needs at least 2 books")
    if method not in DEVIG_METHODS:
        raise ValueError(f"unknown devig method {method!r}: use one of {', '.join(DEVIG_METHODS)}")
    policy = _Policy(method, threshold, kelly_fraction, bankroll)
    event_id, by_book = _collect(quotes)
    lines, skipped = _group_lines(event_id, by_book)

    fair_prices: list[FairPrice] = []
    best_prices: list[BestPrice] = []
    edges: list[PriceEdge] = []
    value_bets: list[ValueBet] = []
    for (market, signature), line in sorted(lines.items()):
        for outcome, point in signature:
            price, books = best_price({book: quoted[outcome] for book, quoted in line.items()})
            best_prices.append(BestPrice(event_id, market, outcome, point, price, books))
        if len(line) < min_books:
            reason = f"{len(line)} book(s) at this line; at least {min_books} needed"
            skipped.append(SkippedLine(event_id, market, tuple(sorted(line)), signature, reason))
            continue
        line_fair, line_edges, line_bets = _price_line(event_id, market, signature, line, policy)
        fair_prices += line_fair
        edges += line_edges
        value_bets += line_bets

    return EventAnalysis(
        event_id,
        tuple(fair_prices),
        tuple(best_prices),
        tuple(edges),
        tuple(value_bets),
        tuple(skipped),
    )
