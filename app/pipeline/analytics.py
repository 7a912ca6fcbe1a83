"""One event's prices judged: lines grouped across books, fair prices, edges, value bets.

The maths (conversion, devig, consensus, EV, Kelly) is ``app.domain.prices``; this
module decides which quotes form a line that can be priced and applies the policy
(``pipeline.devig_method``, ``pipeline.value_edge_threshold``,
``pipeline.kelly_fraction``, ``pipeline.bankroll``, passed in by the caller).
docs/analytics.md explains the formulas and the choices.

``ValueError`` here means a programming error upstream. Odd but well-formed *data* (a book
line with a missing side, a total at a point no other book offers, a line with no
margin) is not an error: ``evaluate_event`` leaves such lines out and says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from app.domain.prices import (
    DEVIG_METHODS,
    H2H,
    MARKETS,
    SPREADS,
    TOTALS,
    DevigMethod,
    american_to_decimal,
    best_price,
    consensus_fair_probs,
    decimal_to_american,
    expected_value,
    has_margin,
    implied_probabilities,
    kelly_stake,
)
from app.domain.records import BestPrice, FairPrice, PriceEdge, Quote, ValueBet

# --- one event --------------------------------------------------------------------------


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
    if not has_margin(implied_probabilities(prices)):
        return "the prices have no margin (implied probabilities sum below 1)"
    return None


_BookSides: TypeAlias = dict[str, tuple[int, float | None]]  # outcome -> (price, point)
_Line: TypeAlias = dict[str, dict[str, int]]  # book -> {outcome: price}


def _collect(quotes: Iterable[Quote]) -> tuple[str, dict[tuple[str, str], _BookSides]]:
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
    quotes: Iterable[Quote],
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
