"""One event's prices judged: lines grouped across books, fair prices, edges, value bets.

The maths (conversion, devig, consensus, EV, Kelly) is ``app.domain.prices``; this
module decides which quotes form a line that can be priced and applies the policy
(``pipeline.devig_method/value_edge_threshold/kelly_fraction/bankroll`` and the guards
of the ``analytics`` section, as a ``Policy``): fresh quotes only, enough other books
or a sharp reference, sanity limits (outliers), one bet per outcome and line with a
capped stake. docs/analytics.md explains the formulas, the guards and their defaults.

``ValueError`` here means a programming error upstream. Odd but well-formed *data* (a book
line with a missing side, a total at a point no other book offers, a line with no
margin) is not an error: ``evaluate_event`` leaves such lines out and says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, TypeAlias

from app.core.config import Settings
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
    implied_probability,
    kelly_stake,
    margin,
)
from app.domain.records import (
    Alternative,
    BestPrice,
    FairPrice,
    Outlier,
    PriceEdge,
    PriceMark,
    Quote,
    ValueBet,
    Verdict,
)

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
    outliers: tuple[Outlier, ...] = ()
    marks: tuple[PriceMark, ...] = ()  # prices not judged: stale, too few books, in play


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


_Updated: TypeAlias = dict[tuple[str, str], datetime]  # (market, book) -> last_update


def _collect(
    quotes: Iterable[Quote],
) -> tuple[str, dict[tuple[str, str], _BookSides], _Updated]:
    """The event id, each (market, book)'s quoted sides and update time; refuses bugs."""
    event_id: str | None = None
    by_book: dict[tuple[str, str], _BookSides] = defaultdict(dict)
    updated: _Updated = {}
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
        if quote.book_updated_at is not None:
            key = (quote.market, quote.book)
            updated[key] = max(updated.get(key, quote.book_updated_at), quote.book_updated_at)
    if event_id is None:
        raise ValueError("evaluate_event needs at least one quote: skip events without books")
    return event_id, by_book, updated


def _priced_point(market: str, point: float | None) -> float:
    return 0.0 if market == H2H or point is None else float(point)


def _stale_books(
    updated: _Updated, now: datetime | None, max_age_s: float | None
) -> dict[tuple[str, str], str]:
    """(market, book) lines whose last_update is too old, with why (for game detail).

    Old against the event's newest quote (a book that stopped updating while others
    moved) or against now (the whole board froze). A quote without a time is trusted:
    the Odds API always sends one, so only hand-made quotes lack it.
    """
    if max_age_s is None or not updated:
        return {}
    newest = max(updated.values())
    stale: dict[tuple[str, str], str] = {}
    for key, when in updated.items():
        behind = (newest - when).total_seconds()
        old = (now - when).total_seconds() if now is not None else 0.0
        age = max(behind, old)
        if age > max_age_s:
            against = "the newest quote" if behind >= old else "now"
            stale[key] = f"quote {age:.0f}s older than {against} (limit {max_age_s:.0f}s)"
    return stale


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
            sorted((outcome, _priced_point(market, point)) for outcome, (_, point) in sides.items())
        )
        prices = {outcome: price for outcome, (price, _) in sides.items()}
        problem = _line_problem(market, signature, [prices[o] for o, _ in signature])
        if problem is not None:
            skipped.append(SkippedLine(event_id, market, (book,), signature, problem))
            continue
        lines[(market, signature)][book] = prices
    return dict(lines), skipped


@dataclass(frozen=True, slots=True)
class Policy:
    """The maths settings and the guards, as ``evaluate_event`` applies them.

    The defaults are the settings' defaults; ``from_settings`` reads a ``Settings``.
    ``max_quote_age_s=None`` turns the freshness guard off (hand-made quotes).
    """

    method: DevigMethod = "power"
    threshold: float = 0.02
    kelly_fraction: float = 0.25
    bankroll: float = 1000.0
    min_books: int = 3  # other books, after leaving the judged one out
    max_quote_age_s: float | None = 900.0
    reference_books: tuple[str, ...] = ()
    fallback_min_edge: float = 0.04
    min_margin: float = 0.0
    max_margin: float = 0.10
    max_deviation: float = 0.10
    max_edge: float = 0.15
    correlated_bets: bool = False
    max_stake_fraction: float = 0.03

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        pipeline, guards = settings.pipeline, settings.analytics
        maths: dict[str, Any] = {
            "method": pipeline.devig_method,
            "threshold": pipeline.value_edge_threshold,
            "kelly_fraction": pipeline.kelly_fraction,
            "bankroll": pipeline.bankroll,
        }
        # Every other field is the ``analytics`` guard of the same name (a new guard is one
        # field here and one setting there); the books are a list there, a tuple here.
        named = {f.name: getattr(guards, f.name) for f in fields(cls) if f.name not in maths}
        named["reference_books"] = tuple(guards.reference_books)
        return cls(**maths, **named)


@dataclass
class _Found:
    """What pricing the lines of one event found so far."""

    fair_prices: list[FairPrice]
    edges: list[PriceEdge]
    outliers: list[Outlier]
    marks: list[PriceMark]


def _mark_line(
    found: _Found,
    event_id: str,
    market: str,
    signature: _Signature,
    line: _Line,
    verdict: Verdict,
    note: str,
) -> None:
    for book in sorted(line):
        for outcome, point in signature:
            found.marks.append(
                PriceMark(
                    event_id, market, outcome, point, book, line[book][outcome], verdict, note
                )
            )


def _margin_outliers(
    event_id: str, market: str, signature: _Signature, line: _Line, policy: Policy
) -> list[Outlier]:
    """One outlier per book line whose margin is out of bounds, named by its favourite side."""
    found = []
    for book in sorted(line):
        prices = line[book]
        book_margin = margin(prices[o] for o, _ in signature)
        if policy.min_margin <= book_margin <= policy.max_margin:
            continue
        bound = (
            f"above {policy.max_margin:.1%}"
            if book_margin > policy.max_margin
            else f"below {policy.min_margin:.1%}"
        )
        quoted = "/".join(f"{prices[o]:+d}" for o, _ in signature)
        outcome, point = max(signature, key=lambda side: implied_probability(prices[side[0]]))
        reason = f"margin {book_margin:.1%} {bound} ({quoted})"
        found.append(Outlier(event_id, market, outcome, point, book, prices[outcome], reason))
    return found


def _fair_source(line: _Line, policy: Policy) -> tuple[tuple[str, ...], float]:
    """The reference books quoted at this line (none: consensus) and the threshold to use."""
    refs = tuple(book for book in policy.reference_books if book in line)
    if refs:
        return refs, policy.threshold
    if policy.reference_books:
        return (), max(policy.threshold, policy.fallback_min_edge)
    return (), policy.threshold


def _judge(
    event_id: str,
    market: str,
    outcome: str,
    point: float,
    book: str,
    price: int,
    prob: float,
    threshold: float,
    policy: Policy,
) -> tuple[PriceEdge, Outlier | None]:
    """One price against its fair probability: value, judged, or an outlier (and why)."""
    edge = expected_value(prob, american_to_decimal(price))
    deviation = abs(implied_probability(price) - prob)
    reason = None
    if deviation > policy.max_deviation:
        reason = (
            f"implied probability {deviation:.1%} from the fair price "
            f"(limit {policy.max_deviation:.1%})"
        )
    elif edge > policy.max_edge:
        reason = f"edge {edge:+.1%} above {policy.max_edge:.1%}"
    if reason is not None:
        judged = PriceEdge(
            event_id,
            market,
            outcome,
            point,
            book,
            price,
            prob,
            edge,
            False,
            Verdict.OUTLIER,
            reason,
        )
        return judged, Outlier(event_id, market, outcome, point, book, price, reason)
    is_value = edge >= threshold and edge > 0.0
    verdict = Verdict.VALUE if is_value else Verdict.JUDGED
    return PriceEdge(
        event_id, market, outcome, point, book, price, prob, edge, is_value, verdict
    ), None


def _price_line(
    event_id: str, market: str, signature: _Signature, line: _Line, policy: Policy, found: _Found
) -> None:
    """Fair prices and every book's edge, against a reference or the other books' consensus."""
    outliers = _margin_outliers(event_id, market, signature, line, policy)
    found.outliers += outliers
    bad_books = {o.book: o.reason for o in outliers}
    for book, reason in sorted(bad_books.items()):
        for outcome, point in signature:
            found.marks.append(
                PriceMark(
                    event_id,
                    market,
                    outcome,
                    point,
                    book,
                    line[book][outcome],
                    Verdict.OUTLIER,
                    reason,
                )
            )
    clean = {book: prices for book, prices in line.items() if book not in bad_books}
    refs, threshold = _fair_source(clean, policy)
    judged_books = [book for book in sorted(clean) if book not in refs]
    if refs:
        reference = consensus_fair_probs({b: clean[b] for b in refs}, method=policy.method)
        fair_of = {book: reference for book in judged_books}
        basis, books = reference, len(refs)
        method = f"{policy.method}:{'+'.join(refs)}"
    else:
        others = len(clean) - 1
        if others < policy.min_books:
            note = (
                f"{max(others, 0)} other book(s) at this line; at least {policy.min_books} needed"
            )
            _mark_line(found, event_id, market, signature, clean, Verdict.TOO_FEW_BOOKS, note)
            return
        basis = consensus_fair_probs(clean, method=policy.method)
        fair_of = {
            book: consensus_fair_probs(clean, method=policy.method, exclude=book)
            for book in judged_books
        }
        books, method = len(clean), policy.method
    found.fair_prices += [
        FairPrice(
            event_id,
            market,
            outcome,
            point,
            basis[outcome],
            decimal_to_american(1.0 / basis[outcome]),
            books,
            method,
        )
        for outcome, point in signature
    ]
    for book in judged_books:
        for outcome, point in signature:
            edge, outlier = _judge(
                event_id,
                market,
                outcome,
                point,
                book,
                clean[book][outcome],
                fair_of[book][outcome],
                threshold,
                policy,
            )
            found.edges.append(edge)
            if outlier is not None:
                found.outliers.append(outlier)


def _stake(edge: PriceEdge, policy: Policy) -> float:
    stake = kelly_stake(
        edge.fair_prob,
        american_to_decimal(edge.price),
        fraction=policy.kelly_fraction,
        bankroll=policy.bankroll,
    )
    return min(stake, policy.max_stake_fraction * policy.bankroll)


def select_bets(edges: Sequence[PriceEdge], policy: Policy) -> list[ValueBet]:
    """One value bet per outcome and line (the best price), one per market, one per game.

    The best eligible price is the highest decimal price among the books with value
    there (ties: the larger edge, then the book's name); the other books become its
    alternatives. Of one market's candidates only the largest edge is kept (never both
    sides, never two totals of one game), and of one game's markets only the largest
    unless ``correlated_bets``.
    """
    by_outcome: dict[tuple[str, str, str, float], list[PriceEdge]] = defaultdict(list)
    for edge in edges:
        if edge.verdict is Verdict.VALUE:
            by_outcome[(edge.event_id, edge.market, edge.outcome, edge.point)].append(edge)
    candidates: list[ValueBet] = []
    for offers in by_outcome.values():
        offers.sort(key=lambda e: (-american_to_decimal(e.price), -e.edge, e.book))
        best, rest = offers[0], offers[1:]
        candidates.append(
            ValueBet(
                best.event_id,
                best.market,
                best.outcome,
                best.point,
                best.book,
                best.price,
                best.fair_prob,
                best.edge,
                _stake(best, policy),
                tuple(Alternative(e.book, e.price, e.edge) for e in rest),
            )
        )
    candidates.sort(key=lambda b: (-b.edge, b.market, b.outcome, b.point))
    kept: list[ValueBet] = []
    for bet in candidates:
        same_market = any(k.event_id == bet.event_id and k.market == bet.market for k in kept)
        same_game = any(k.event_id == bet.event_id for k in kept)
        if same_market or (same_game and not policy.correlated_bets):
            continue
        kept.append(bet)
    return sorted(kept, key=lambda b: (b.market, b.outcome, b.point))


def cap_exposure(bets: Sequence[ValueBet], cap: float) -> list[ValueBet]:
    """The stakes scaled down together so that they sum to at most ``cap``."""
    total = sum(bet.stake for bet in bets)
    if total <= cap or total <= 0.0:
        return list(bets)
    scale = cap / total
    return [replace(bet, stake=bet.stake * scale) for bet in bets]


def mark_in_play(quotes: Iterable[Quote], note: str) -> tuple[PriceMark, ...]:
    """Every quote of a started game, stored as in play and never priced."""
    return tuple(
        PriceMark(
            q.event_id,
            q.market,
            q.outcome,
            _priced_point(q.market, q.point),
            q.book,
            q.price,
            Verdict.IN_PLAY,
            note,
        )
        for q in quotes
    )


def evaluate_event(
    quotes: Iterable[Quote], policy: Policy, *, now: datetime | None = None
) -> EventAnalysis:
    """Fair prices, best prices, edges, outliers and value bets for ONE pre-game event.

    Quotes are grouped per (market, book) into lines; books are compared only at an
    identical line (same outcomes, same points). A stale book line (``last_update``
    more than ``max_quote_age_s`` behind the event's newest quote or ``now``) is left
    out. A book line whose margin is out of bounds is an outlier and left out. Each
    remaining price gets an edge ``EV = p * d - 1`` against the reference books, or
    else against the consensus of the other books when at least ``min_books`` remain;
    a price too far from the fair price, or with too large an edge, is an outlier; a
    price with ``EV >= threshold`` is value, and ``select_bets`` keeps one bet per
    outcome and line. Best prices are reported for every fresh valid line.
    ``point`` is 0.0 for h2h, the outcome's own point otherwise.
    """
    if policy.min_books < 1:
        raise ValueError(f"min_books {policy.min_books} is invalid: a consensus needs another book")
    if policy.method not in DEVIG_METHODS:
        raise ValueError(
            f"unknown devig method {policy.method!r}: use one of {', '.join(DEVIG_METHODS)}"
        )
    event_id, by_book, updated = _collect(quotes)
    found = _Found([], [], [], [])
    stale = _stale_books(updated, now, policy.max_quote_age_s)
    for (market, book), why in sorted(stale.items()):
        for outcome, (price, point) in sorted(by_book.pop((market, book)).items()):
            found.marks.append(
                PriceMark(
                    event_id,
                    market,
                    outcome,
                    _priced_point(market, point),
                    book,
                    price,
                    Verdict.STALE,
                    why,
                )
            )
    lines, skipped = _group_lines(event_id, by_book)

    best_prices: list[BestPrice] = []
    for (market, signature), line in sorted(lines.items()):
        for outcome, point in signature:
            price, books = best_price({book: quoted[outcome] for book, quoted in line.items()})
            best_prices.append(BestPrice(event_id, market, outcome, point, price, books))
        _price_line(event_id, market, signature, line, policy, found)

    return EventAnalysis(
        event_id,
        tuple(found.fair_prices),
        tuple(best_prices),
        tuple(found.edges),
        tuple(select_bets(found.edges, policy)),
        tuple(skipped),
        tuple(found.outliers),
        tuple(found.marks),
    )
