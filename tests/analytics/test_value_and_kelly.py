"""Consensus fair prices, best prices, edge and Kelly stakes."""

from __future__ import annotations

import pytest

from app.domain.prices import (
    best_price,
    consensus_fair_probs,
    expected_value,
    kelly_share,
    kelly_stake,
)

# The fixture's Dodgers-Padres moneyline: DraftKings, FanDuel and a stale BetMGM.
PADRES_LINE = {
    "draftkings": {"Los Angeles Dodgers": -155, "San Diego Padres": 130},
    "fanduel": {"Los Angeles Dodgers": -150, "San Diego Padres": 126},
    "betmgm": {"Los Angeles Dodgers": -165, "San Diego Padres": 145},
}


def test_consensus_is_the_median_of_each_books_fair_probability() -> None:
    # Proportional, per book, Padres: DK 0.434783/1.042626 = 0.417007,
    # FD 0.442478/1.042478 = 0.424448, MGM 0.408163/1.030805 = 0.395966.
    # Sorted 0.395966 < 0.417007 < 0.424448: the median is DraftKings' 0.417007, and the
    # stale BetMGM does not drag it down as a mean (0.412474) would.
    fair = consensus_fair_probs(PADRES_LINE, method="proportional")
    assert fair["San Diego Padres"] == pytest.approx(0.417007, abs=1e-6)
    assert fair["Los Angeles Dodgers"] == pytest.approx(0.582993, abs=1e-6)


def test_leave_one_out_excludes_the_book_being_judged() -> None:
    # Without BetMGM: mean of DK and FD (median of two) = (0.417007 + 0.424448) / 2.
    fair = consensus_fair_probs(PADRES_LINE, method="proportional", exclude="betmgm")
    assert fair["San Diego Padres"] == pytest.approx(0.420728, abs=1e-6)
    assert sum(fair.values()) == pytest.approx(1.0, abs=1e-12)


def test_consensus_of_a_three_way_line_is_renormalised() -> None:
    line = {
        "a": {"x": 110, "y": 180, "z": 250},
        "b": {"x": 100, "y": 200, "z": 250},
        "c": {"x": 120, "y": 170, "z": 240},
    }
    fair = consensus_fair_probs(line, method="power")
    assert sum(fair.values()) == pytest.approx(1.0, abs=1e-12)
    assert fair["x"] > fair["y"] > fair["z"]


def test_consensus_refuses_inconsistent_input() -> None:
    with pytest.raises(ValueError, match="not in the line"):
        consensus_fair_probs(PADRES_LINE, method="power", exclude="caesars")
    with pytest.raises(ValueError, match=r"at least one book \(besides any left out\)"):
        consensus_fair_probs({"a": {"x": -110, "y": -110}}, method="power", exclude="a")
    with pytest.raises(ValueError, match="quotes outcomes"):
        consensus_fair_probs(
            {"a": {"x": -110, "y": -110}, "b": {"x": -110, "z": -110}}, method="power"
        )


def test_best_price_is_the_highest_decimal_with_every_book_offering_it() -> None:
    assert best_price({"dk": 130, "fd": 126, "mgm": 145}) == (145, ("mgm",))
    assert best_price({"dk": -155, "fd": -150, "mgm": -165}) == (-150, ("fd",))
    assert best_price({"dk": -110, "fd": -110, "mgm": -115}) == (-110, ("dk", "fd"))
    # Even money both ways is one price, spelled +100.
    assert best_price({"dk": -100, "fd": 100}) == (100, ("dk", "fd"))
    with pytest.raises(ValueError, match="no book quotes"):
        best_price({})


def test_expected_value_per_unit() -> None:
    # 0.420728 * 2.45 - 1 = +3.08 %; a fair coin at -110 loses 4.55 %.
    assert expected_value(0.420728, 2.45) == pytest.approx(0.030784, abs=1e-6)
    assert expected_value(0.5, 1 + 100 / 110) == pytest.approx(-0.045455, abs=1e-6)


def test_kelly_full_and_fractional() -> None:
    # p = 0.55 at +100: b = 1, f* = (1 * 0.55 - 0.45) / 1 = 0.10; quarter Kelly 0.025.
    assert kelly_share(0.55, 2.0, 1.0) == pytest.approx(0.10)
    assert kelly_share(0.55, 2.0, 0.25) == pytest.approx(0.025)
    assert kelly_stake(0.55, 2.0, fraction=0.25, bankroll=1000.0) == pytest.approx(25.0)
    # p = 0.40 at +200: b = 2, f* = (0.8 - 0.6) / 2 = 0.10.
    assert kelly_share(0.40, 3.0, 1.0) == pytest.approx(0.10)


@pytest.mark.parametrize(("prob", "decimal"), [(0.5, 2.0), (0.45, 2.0), (0.2, 3.0), (0.0, 5.0)])
def test_kelly_never_stakes_without_an_edge(prob: float, decimal: float) -> None:
    assert kelly_share(prob, decimal, 1.0) == 0.0
    assert kelly_stake(prob, decimal, fraction=0.5, bankroll=1000.0) == 0.0


def test_kelly_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="probability"):
        kelly_share(1.2, 2.0, 0.25)
    with pytest.raises(ValueError, match="decimal price"):
        kelly_share(0.5, 1.0, 0.25)
    with pytest.raises(ValueError, match="Kelly fraction"):
        kelly_share(0.5, 2.0, 0.0)
    with pytest.raises(ValueError, match="bankroll"):
        kelly_stake(0.55, 2.0, fraction=0.25, bankroll=-1.0)
