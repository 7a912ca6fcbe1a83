"""evaluate_event on the Odds API fixture and on hand-made edge cases."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.prices import implied_probabilities
from app.domain.records import Quote, ValueBet, Verdict
from app.pipeline.analytics import EventAnalysis, Policy, evaluate_event
from tests.support.fixture_data import load_fixture

PADRES_EVENT = "4f9a2c7e1b8d4e0a9c3f5b7d2e6a8c1f"
RED_SOX_EVENT = "e3b1f5c2a7d94b6f8c0d1a2b3c4d5e6f"


def fixture_quotes() -> dict[str, list[Quote]]:
    """The fixture's prices as quotes, per event (h2h has no point, as stored)."""
    quotes: dict[str, list[Quote]] = {}
    event: dict[str, Any]
    for event in load_fixture("odds_api_v4_baseball_mlb_odds.json"):
        quotes[event["id"]] = [
            Quote(event["id"], book["key"], market["key"], o["name"], o["price"], o.get("point"))
            for book in event["bookmakers"]
            for market in book["markets"]
            for o in market["outcomes"]
        ]
    return quotes


def maths_only(method: str = "power", threshold: float = 0.02, **guards: Any) -> Policy:
    """The price maths with the guards out of the way (one other book is enough)."""
    return Policy(
        method=method,  # type: ignore[arg-type]
        threshold=threshold,
        kelly_fraction=0.25,
        bankroll=1000.0,
        **{"min_books": 1, "max_quote_age_s": None, "max_stake_fraction": 1.0, **guards},
    )


def analyse(quotes: list[Quote], method: str, threshold: float = 0.02) -> EventAnalysis:
    return evaluate_event(quotes, maths_only(method, threshold))


def flagged(analysis: EventAnalysis) -> set[tuple[str, str, str, int]]:
    return {(v.book, v.market, v.outcome, v.price) for v in analysis.value_bets}


STALE_PADRES = ("betmgm", "h2h", "San Diego Padres", 145)


@pytest.mark.parametrize("method", ["proportional", "power", "shin"])
def test_betmgm_padres_is_the_only_positive_ev_price_on_the_slate(method: str) -> None:
    positive = set()
    for quotes in fixture_quotes().values():
        analysis = analyse(quotes, method)
        positive |= {(e.book, e.market, e.outcome, e.price) for e in analysis.edges if e.edge > 0}
    assert positive == {STALE_PADRES}


def test_padres_edge_with_proportional_devig() -> None:
    # Leave-one-out consensus (DraftKings, FanDuel), proportional: Padres 0.420728.
    # EV = 0.420728 * 2.45 - 1 = +3.08 %. Kelly: b = 1.45,
    # f* = (1.45 * 0.420728 - 0.579272) / 1.45 = 0.021230; quarter -> 0.005308 -> 5.31 units.
    analysis = analyse(fixture_quotes()[PADRES_EVENT], "proportional")
    assert analysis.value_bets == (
        ValueBet(
            PADRES_EVENT,
            "h2h",
            "San Diego Padres",
            0.0,
            "betmgm",
            145,
            pytest.approx(0.420728, abs=1e-6),  # type: ignore[arg-type]
            pytest.approx(0.030784, abs=1e-6),  # type: ignore[arg-type]
            pytest.approx(5.3076, abs=1e-3),  # type: ignore[arg-type]
        ),
    )


def test_padres_edge_with_the_default_power_devig() -> None:
    # Power, per book, Padres: DK 0.411677, FD 0.419615; leave-one-out consensus 0.415646.
    # EV = 0.4156457 * 2.45 - 1 = +1.83 %: positive, but BELOW the shipped 2 % threshold.
    analysis = analyse(fixture_quotes()[PADRES_EVENT], "power", threshold=0.02)
    [padres] = [
        e
        for e in analysis.edges
        if (e.book, e.market, e.outcome) == ("betmgm", "h2h", "San Diego Padres")
    ]
    assert padres.fair_prob == pytest.approx(0.415646, abs=1e-6)
    assert padres.edge == pytest.approx(0.018332, abs=1e-6)
    assert not padres.is_value
    assert analysis.value_bets == ()
    # At a 1 % threshold it is flagged, staked at quarter Kelly:
    # f* = (1.45 * 0.415646 - 0.584354) / 1.45 = 0.012644 -> 0.003161 -> 3.16 units.
    lower = analyse(fixture_quotes()[PADRES_EVENT], "power", threshold=0.01)
    assert flagged(lower) == {STALE_PADRES}
    assert lower.value_bets[0].stake == pytest.approx(3.161, abs=1e-3)


def test_padres_edge_with_shin_devig() -> None:
    # Shin two-way = equal margin off each side: DK 0.413470, FD 0.421239 -> 0.417354.
    # EV = 0.417354 * 2.45 - 1 = +2.25 %, above a 2 % threshold.
    analysis = analyse(fixture_quotes()[PADRES_EVENT], "shin", threshold=0.02)
    assert flagged(analysis) == {STALE_PADRES}
    assert analysis.value_bets[0].edge == pytest.approx(0.022518, abs=1e-5)


def test_fair_prices_use_every_book_and_carry_the_db_key() -> None:
    analysis = analyse(fixture_quotes()[PADRES_EVENT], "proportional")
    fair = {(f.market, f.outcome, f.point): f for f in analysis.fair_prices}
    assert set(fair) == {
        ("h2h", "Los Angeles Dodgers", 0.0),
        ("h2h", "San Diego Padres", 0.0),
        ("spreads", "Los Angeles Dodgers", -1.5),
        ("spreads", "San Diego Padres", 1.5),
        ("totals", "Over", 8.5),
        ("totals", "Under", 8.5),
    }
    padres = fair[("h2h", "San Diego Padres", 0.0)]
    # Median of the three books' proportional probabilities (see test_value.py): 0.417007,
    # a fair decimal of 2.398040 -> +140.
    assert padres.fair_prob == pytest.approx(0.417007, abs=1e-6)
    assert padres.fair_american == 140
    assert fair[("h2h", "Los Angeles Dodgers", 0.0)].fair_american == -140
    assert (padres.books, padres.method) == (3, "proportional")


def test_best_prices_per_outcome_and_line() -> None:
    analysis = analyse(fixture_quotes()[PADRES_EVENT], "power")
    best = {(b.market, b.outcome, b.point): (b.price, b.books) for b in analysis.best_prices}
    assert best[("h2h", "San Diego Padres", 0.0)] == (145, ("betmgm",))
    assert best[("h2h", "Los Angeles Dodgers", 0.0)] == (-150, ("fanduel",))
    assert best[("spreads", "San Diego Padres", 1.5)] == (-140, ("betmgm",))
    assert best[("totals", "Over", 8.5)] == (-102, ("fanduel",))
    assert best[("totals", "Under", 8.5)] == (-115, ("betmgm", "draftkings"))


def test_betmgm_total_of_9_is_not_compared_with_9_5() -> None:
    analysis = analyse(fixture_quotes()[RED_SOX_EVENT], "power")
    totals = [f for f in analysis.fair_prices if f.market == "totals"]
    assert {(f.outcome, f.point, f.books) for f in totals} == {
        ("Over", 9.5, 2),
        ("Under", 9.5, 2),
    }
    # BetMGM's 9 is its own line: a best price is still reported, but nothing is priced or
    # judged at it, and the reason says so.
    assert ("totals", "Over", 9.0) in {(b.market, b.outcome, b.point) for b in analysis.best_prices}
    assert all(e.point == 9.5 for e in analysis.edges if e.market == "totals")
    assert {e.book for e in analysis.edges if e.market == "totals"} == {"draftkings", "fanduel"}
    assert analysis.skipped == ()
    alone = {(m.book, m.outcome, m.point, m.verdict, m.note) for m in analysis.marks}
    note = "0 other book(s) at this line; at least 1 needed"
    assert alone == {
        ("betmgm", "Over", 9.0, Verdict.TOO_FEW_BOOKS, note),
        ("betmgm", "Under", 9.0, Verdict.TOO_FEW_BOOKS, note),
    }


def test_two_books_judge_each_other() -> None:
    # Totals 9.5 on the Red Sox game: DK -110/-110 is judged against FanDuel alone.
    analysis = analyse(fixture_quotes()[RED_SOX_EVENT], "proportional")
    [dk_over] = [e for e in analysis.edges if (e.book, e.outcome) == ("draftkings", "Over")]
    fanduel = implied_probabilities([-108, -112])
    assert dk_over.fair_prob == pytest.approx(fanduel[0] / sum(fanduel), abs=1e-12)


def q(book: str, market: str, outcome: str, price: int, point: float | None = None) -> Quote:
    return Quote("ev1", book, market, outcome, price, point)


def test_spread_lines_with_the_favourite_swapped_are_different_lines() -> None:
    quotes = [
        q("a", "spreads", "Home", 140, -1.5),
        q("a", "spreads", "Away", -165, 1.5),
        q("b", "spreads", "Home", 135, -1.5),
        q("b", "spreads", "Away", -160, 1.5),
        q("c", "spreads", "Home", -250, 1.5),  # the other team at -1.5: not comparable
        q("c", "spreads", "Away", 200, -1.5),
    ]
    analysis = analyse(quotes, "power")
    assert {(f.outcome, f.point) for f in analysis.fair_prices} == {("Home", -1.5), ("Away", 1.5)}
    alone = {(m.book, m.outcome, m.point, m.verdict) for m in analysis.marks}
    assert alone == {
        ("c", "Away", -1.5, Verdict.TOO_FEW_BOOKS),
        ("c", "Home", 1.5, Verdict.TOO_FEW_BOOKS),
    }


def test_malformed_book_lines_are_skipped_with_a_reason() -> None:
    quotes = [
        q("a", "h2h", "Home", -120),
        q("a", "h2h", "Away", 100),
        q("b", "h2h", "Home", -125),
        q("b", "h2h", "Away", 105),
        q("c", "h2h", "Home", -120),  # one side only
        q("d", "totals", "Over", -110, 8.5),  # over and under at different points
        q("d", "totals", "Under", -110, 9.0),
        q("e", "spreads", "Home", -110, -1.5),  # not opposite points
        q("e", "spreads", "Away", -110, -1.5),
        q("f", "h2h_lay", "Home", 120),  # a market we do not price
        q("g", "totals", "Over", -110),  # no point
        q("g", "totals", "Under", -110),
        q("h", "spreads", "Home", 110, -1.5),  # no margin (arbitrage against itself)
        q("h", "spreads", "Away", 110, 1.5),
    ]
    analysis = analyse(quotes, "power")
    reasons = {s.books[0]: s.reason for s in analysis.skipped}
    assert reasons == {
        "c": "only 1 outcome quoted; a line needs every side",
        "d": "total points differ between outcomes: [8.5, 9.0]",
        "e": "spread points are not one line (opposite points): [-1.5, -1.5]",
        "f": "unsupported market",
        "g": "an outcome has no point",
        "h": "the prices have no margin (implied probabilities sum below 1)",
    }
    assert {f.books for f in analysis.fair_prices} == {2}


def test_a_zero_edge_is_never_a_value_bet_even_at_threshold_zero() -> None:
    quotes = [q(book, "h2h", side, -110) for book in ("a", "b", "c") for side in ("X", "Y")]
    analysis = evaluate_event(
        quotes, Policy(threshold=0.0, kelly_fraction=1.0, bankroll=100.0, min_books=2)
    )
    assert analysis.value_bets == ()
    assert len(analysis.edges) == 6
    assert all(e.edge < 0 and not e.is_value for e in analysis.edges)


def test_stakes_are_never_negative_and_value_bets_match_flags() -> None:
    for quotes in fixture_quotes().values():
        analysis = analyse(quotes, "proportional", threshold=0.0)
        assert all(v.stake > 0 for v in analysis.value_bets)
        flags = {(e.book, e.market, e.outcome, e.point) for e in analysis.edges if e.is_value}
        bets = {(v.book, v.market, v.outcome, v.point) for v in analysis.value_bets}
        assert bets <= flags
        assert len({v.market for v in analysis.value_bets}) == len(analysis.value_bets) <= 1
        assert bool(bets) == bool(flags), "a flagged price always makes a bet somewhere"


def test_results_do_not_depend_on_quote_order() -> None:
    quotes = fixture_quotes()[PADRES_EVENT]
    assert analyse(quotes, "shin") == analyse(list(reversed(quotes)), "shin")


def test_programming_errors_are_refused() -> None:
    good = [q("a", "h2h", "X", -110), q("a", "h2h", "Y", -110)]
    with pytest.raises(ValueError, match="two events"):
        analyse([*good, Quote("ev2", "a", "h2h", "Z", -110)], "power")
    with pytest.raises(ValueError, match="duplicate quote"):
        analyse([*good, q("a", "h2h", "X", -105)], "power")
    with pytest.raises(ValueError, match=r"American price 50 is invalid"):
        analyse([*good, q("b", "h2h", "X", 50)], "power")
    with pytest.raises(ValueError, match="at least one quote"):
        analyse([], "power")
    with pytest.raises(ValueError, match="unknown devig method"):
        analyse(good, "additive")
    with pytest.raises(ValueError, match="min_books 0 is invalid"):
        evaluate_event(good, Policy(min_books=0))


def test_min_books_is_honoured() -> None:
    # Three books: leaving one out leaves two, fewer than the default three.
    analysis = evaluate_event(fixture_quotes()[PADRES_EVENT], maths_only(min_books=3))
    assert analysis.fair_prices == ()
    assert analysis.edges == ()
    assert len(analysis.marks) == 18
    assert {m.verdict for m in analysis.marks} == {Verdict.TOO_FEW_BOOKS}
    assert len(analysis.best_prices) == 6
