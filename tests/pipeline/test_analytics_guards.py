"""The guards of evaluate_event one at a time, on hand-made quotes (numbers by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.config import Settings
from app.domain.prices import add_margin_power, devig_power, implied_probabilities
from app.domain.records import Quote, ValueBet, Verdict
from app.pipeline.analytics import Policy, cap_exposure, evaluate_event
from app.sources.sim_slate import BOOKS, Line

NOW = datetime(2024, 5, 20, 23, 30, tzinfo=UTC)
LOOSE = Policy(min_books=2, max_quote_age_s=900.0)


def line(
    book: str, a: int, b: int, market: str = "h2h", point: float | None = None, age_s: float = 60.0
) -> list[Quote]:
    when = NOW - timedelta(seconds=age_s)
    first, second = ("Over", "Under") if market == "totals" else ("A", "B")
    return [
        Quote("ev", book, market, first, a, point, book_updated_at=when),
        Quote("ev", book, market, second, b, point, book_updated_at=when),
    ]


def board(*lines: list[Quote]) -> list[Quote]:
    return [q for quotes in lines for q in quotes]


def test_a_board_frozen_against_now_is_stale_even_when_its_books_agree() -> None:
    quotes = board(*(line(k, -110, -110, age_s=1000) for k in "pqrs"))
    analysis = evaluate_event(quotes, LOOSE, now=NOW)
    assert analysis.edges == () and analysis.fair_prices == ()
    assert {m.verdict for m in analysis.marks} == {Verdict.STALE}
    assert all("older than now (limit 900s)" in m.note for m in analysis.marks)
    assert evaluate_event(quotes, LOOSE, now=NOW - timedelta(seconds=200)).fair_prices


def test_a_price_far_from_the_fair_price_is_an_outlier_not_a_bet() -> None:
    # Fair 50 %; book q's +180 implies 35.7 %: 14.3 points off, past the 10-point limit
    # (its line -250/+180 has a 7.1 % margin, within bounds).
    quotes = board(*(line(k, -110, -110) for k in "prs"), line("q", -250, 180))
    analysis = evaluate_event(quotes, LOOSE, now=NOW)
    assert analysis.value_bets == ()
    reasons = {(o.book, o.outcome, o.price): o.reason for o in analysis.outliers}
    assert reasons == {
        ("q", "A", -250): "implied probability 21.4% from the fair price (limit 10.0%)",
        ("q", "B", 180): "implied probability 14.3% from the fair price (limit 10.0%)",
    }


def test_an_edge_above_max_edge_is_an_outlier() -> None:
    # +140 against a fair 50 %: EV = 0.5 x 2.40 - 1 = +20 % > 15 %; deviation 8.3 points.
    quotes = board(*(line(k, -110, -110) for k in "prs"), line("q", -175, 140))
    analysis = evaluate_event(quotes, LOOSE, now=NOW)
    assert analysis.value_bets == ()
    reasons = {o.outcome: o.reason for o in analysis.outliers}
    assert reasons["B"] == "edge +20.0% above 15.0%"  # (-175 is 13.6 points off: outlier too)
    relaxed = evaluate_event(quotes, Policy(min_books=2, max_edge=0.25), now=NOW)
    assert [(b.book, b.outcome) for b in relaxed.value_bets] == [("q", "B")]


def test_one_market_per_game_unless_correlated_bets() -> None:
    # Value on the moneyline (+125, 12.5 %) and on the total (Over +115, 7.5 %).
    h2h = [line(k, -110, -110) for k in "prs"] + [line("q", -145, 125)]
    totals = [line(k, -110, -110, "totals", 8.5) for k in "prs"]
    totals.append(line("q", 115, -135, "totals", 8.5))
    quotes = board(*h2h, *totals)
    one = evaluate_event(quotes, LOOSE, now=NOW)
    assert [(b.market, b.outcome) for b in one.value_bets] == [("h2h", "B")]
    both = evaluate_event(quotes, Policy(min_books=2, correlated_bets=True), now=NOW)
    assert [(b.market, b.outcome) for b in both.value_bets] == [("h2h", "B"), ("totals", "Over")]


def test_a_stake_is_capped_at_max_stake_fraction() -> None:
    # +125 at fair 50 %: quarter Kelly 2.5 % = 25.00; a 1 % cap makes it 10.00.
    quotes = board(*(line(k, -110, -110) for k in "prs"), line("q", -145, 125))
    [bet] = evaluate_event(quotes, Policy(min_books=2, max_stake_fraction=0.01), now=NOW).value_bets
    assert bet.stake == pytest.approx(10.0)
    [free] = evaluate_event(quotes, LOOSE, now=NOW).value_bets
    assert free.stake == pytest.approx(25.0)


def test_cap_exposure_scales_every_stake_by_one_factor() -> None:
    bets = [
        ValueBet("e", "h2h", o, 0.0, "q", 125, 0.5, 0.125, s) for o, s in (("A", 30), ("B", 10))
    ]
    capped = cap_exposure(bets, 20.0)
    assert [b.stake for b in capped] == [pytest.approx(15.0), pytest.approx(5.0)]
    assert cap_exposure(bets, 50.0) == bets


@pytest.mark.parametrize("fair", [0.2, 0.45, 0.5, 0.62, 0.9])
@pytest.mark.parametrize("margin", [0.0, 0.02, 0.045, 0.1])
def test_a_power_margin_devigs_back_to_the_fair_probabilities(fair: float, margin: float) -> None:
    implied = add_margin_power([fair, 1 - fair], 1 + margin)
    assert sum(implied) == pytest.approx(1 + margin, abs=1e-12)
    assert devig_power(implied) == pytest.approx([fair, 1 - fair], abs=1e-10)


def test_the_simulator_prices_a_line_so_that_power_gives_its_probability_back() -> None:
    # American prices are whole numbers: the round trip is exact up to that rounding.
    for prob in (0.35, 0.5, 0.58, 0.7):
        quoted = Line(("Home", "Away"), prob, BOOKS[0].margin, None)
        quoted.reprice(NOW)
        back = devig_power(implied_probabilities(quoted.prices))
        assert back[0] == pytest.approx(prob, abs=0.003)


def test_add_margin_power_refuses_an_overround_below_one() -> None:
    with pytest.raises(ValueError, match=r"overround 0\.98 is invalid"):
        add_margin_power([0.5, 0.5], 0.98)


def test_the_policy_reads_every_guard_and_the_maths_from_the_settings() -> None:
    settings = Settings()
    settings.pipeline = replace(
        settings.pipeline,
        devig_method="shin",
        value_edge_threshold=0.031,
        kelly_fraction=0.11,
        bankroll=2500.0,
    )
    guards: dict[str, Any] = {
        "min_books": 5,
        "max_quote_age_s": 123.0,
        "fallback_min_edge": 0.051,
        "min_margin": 0.011,
        "max_margin": 0.081,
        "max_deviation": 0.071,
        "max_edge": 0.21,
        "correlated_bets": True,
        "max_stake_fraction": 0.021,
    }
    settings.analytics = replace(
        settings.analytics, reference_books=["pinnacle", "circasports"], **guards
    )
    assert Policy.from_settings(settings) == Policy(
        method="shin",
        threshold=0.031,
        kelly_fraction=0.11,
        bankroll=2500.0,
        reference_books=("pinnacle", "circasports"),
        **guards,
    )
    assert hash(Policy.from_settings(settings)), "a policy stays hashable: its books are a tuple"
