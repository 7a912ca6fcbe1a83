"""Odds conversion and vig removal, checked against hand-computed numbers and invariants."""

from __future__ import annotations

import math
import random

import pytest

from app.domain.prices import (
    DEVIG_METHODS,
    american_to_decimal,
    decimal_to_american,
    devig,
    devig_power,
    devig_proportional,
    devig_shin,
    implied_probabilities,
    implied_probability,
    overround,
    shin_z,
)

# --- prices -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "decimal"),
    [(100, 2.0), (-100, 2.0), (145, 2.45), (-200, 1.5), (150, 2.5), (-110, 1 + 100 / 110)],
)
def test_american_to_decimal(price: int, decimal: float) -> None:
    assert american_to_decimal(price) == pytest.approx(decimal, abs=1e-12)


@pytest.mark.parametrize(
    ("decimal", "price"),
    [(2.0, 100), (2.5, 150), (1.5, -200), (2.45, 145), (1.0 + 100 / 110, -110), (1.01, -10000)],
)
def test_decimal_to_american(decimal: float, price: int) -> None:
    assert decimal_to_american(decimal) == price


def test_decimal_to_american_rounds_halves_away_from_zero() -> None:
    # +150.5 and -150.5 (d = 1 + 100/150.5): banker's rounding would give 150 / -150.
    assert decimal_to_american(2.505) == 151
    assert decimal_to_american(1.0 + 100 / 150.5) == -151
    # Just under even money is still a negative price, never +99.
    assert decimal_to_american(1.999) == -100


@pytest.mark.parametrize("price", [100, -100, 145, -200, -110, 105, -105, 999, -10000, 101])
def test_american_round_trip(price: int) -> None:
    back = decimal_to_american(american_to_decimal(price))
    # -100 and +100 are the same price (even money); +100 is the canonical spelling.
    assert back == (100 if price == -100 else price)


def test_every_american_price_survives_the_round_trip() -> None:
    prices = [*range(-2000, -99), *range(100, 2001)]
    bad = [p for p in prices if p != -100 and decimal_to_american(american_to_decimal(p)) != p]
    assert bad == []


@pytest.mark.parametrize("price", [0, 99, -99, 50, -1])
def test_invalid_american_price_is_refused(price: int) -> None:
    with pytest.raises(ValueError, match=r"must be <= -100 or >= \+100"):
        american_to_decimal(price)


@pytest.mark.parametrize("decimal", [1.0, 0.5, -2.0, math.inf, math.nan])
def test_invalid_decimal_price_is_refused(decimal: float) -> None:
    with pytest.raises(ValueError, match="must be finite and > 1"):
        decimal_to_american(decimal)


def test_implied_probability() -> None:
    # -110: 110 / 210 = 0.5238...; +150: 1 / 2.5 = 0.4.
    assert implied_probability(-110) == pytest.approx(0.523810, abs=1e-6)
    assert implied_probability(150) == pytest.approx(0.4)
    assert implied_probabilities([-110, 150]) == [implied_probability(-110), 0.4]


# --- vig removal: hand-computed markets -----------------------------------------------------


def test_minus_110_both_ways_is_fifty_fifty_for_every_method() -> None:
    probs = implied_probabilities([-110, -110])
    assert probs == pytest.approx([0.5238095, 0.5238095], abs=1e-7)
    assert overround(probs) == pytest.approx(1.047619, abs=1e-6)
    for method in DEVIG_METHODS:
        assert devig(probs, method) == pytest.approx([0.5, 0.5], abs=1e-12)


def test_minus_150_plus_130_by_hand() -> None:
    # -150 -> 150/250 = 0.600000, +130 -> 100/230 = 0.434783; S = 1.034783 (3.48 % margin).
    probs = implied_probabilities([-150, 130])
    assert overround(probs) == pytest.approx(1.034783, abs=1e-6)
    # Proportional: 0.6 / 1.034783 = 0.579832, 0.434783 / 1.034783 = 0.420168.
    assert devig_proportional(probs) == pytest.approx([0.579832, 0.420168], abs=1e-6)
    # Power: k = 1.052970 solves 0.6^k + 0.434783^k = 1 -> 0.583983 + 0.416017.
    # The longshot gives up 1.88 points instead of 1.46: the favourite-longshot correction.
    assert devig_power(probs) == pytest.approx([0.583983, 0.416017], abs=1e-6)
    # Shin (two-way = equal margin off each side): 0.6 - 0.017391, 0.434783 - 0.017391.
    assert devig_shin(probs) == pytest.approx([0.582609, 0.417391], abs=1e-6)
    # z from the two-way closed form 1 - 2(1 - a1 - a2) / (1 - (a1 - a2)^2), a_i = pi_i^2 / S.
    a1, a2 = 0.36 / 1.0347826, 0.1890359 / 1.0347826
    assert shin_z(probs) == pytest.approx(1 - 2 * (1 - a1 - a2) / (1 - (a1 - a2) ** 2), abs=1e-6)
    assert shin_z(probs) == pytest.approx(0.034815, abs=1e-6)


def test_shin_and_power_agree_on_a_symmetric_market() -> None:
    probs = implied_probabilities([-125, -125, -125])
    assert devig_shin(probs) == pytest.approx([1 / 3] * 3, abs=1e-12)
    assert devig_power(probs) == pytest.approx(devig_shin(probs), abs=1e-12)
    # Symmetric two-way: Shin's z equals the margin, S - 1.
    two = implied_probabilities([-120, -120])
    assert shin_z(two) == pytest.approx(overround(two) - 1, abs=1e-12)


def test_a_market_without_margin_is_returned_as_is() -> None:
    fair = [0.25, 0.35, 0.4]
    for method in DEVIG_METHODS:
        assert devig(fair, method) == pytest.approx(fair, abs=1e-12)
    assert shin_z(fair) == 0.0


# --- vig removal: invariants on random markets (fixed seed) ---------------------------------


def random_market(rng: random.Random) -> list[float]:
    """Implied probabilities of a random n-way book market with a 0-15 % margin."""
    while True:
        n = rng.randint(2, 6)
        weights = [rng.uniform(0.02, 1.0) for _ in range(n)]
        margin = rng.uniform(0.0, 0.15)
        implied = [w / sum(weights) * (1 + margin) for w in weights]
        if max(implied) < 1.0:
            return implied


def test_every_method_returns_probabilities_summing_to_one() -> None:
    rng = random.Random(20250614)
    for _ in range(300):
        implied = random_market(rng)
        for method in DEVIG_METHODS:
            fair = devig(implied, method)
            assert math.fsum(fair) == pytest.approx(1.0, abs=1e-12), (method, implied)
            assert all(0.0 < p <= q + 1e-12 for p, q in zip(fair, implied, strict=True))
            # Removing the vig never reorders the outcomes.
            order = sorted(range(len(implied)), key=implied.__getitem__)
            assert [fair[i] for i in order] == sorted(fair), (method, implied)


def test_power_and_shin_shade_the_longshot_more_than_proportional() -> None:
    # The favourite-longshot correction, ordered: power <= Shin <= proportional.
    rng = random.Random(7)
    for _ in range(300):
        implied = sorted(random_market_two_way(rng), reverse=True)  # favourite first
        proportional = devig_proportional(implied)[1]
        shin = devig_shin(implied)[1]
        assert devig_power(implied)[1] <= shin + 1e-12 <= proportional + 2e-12, implied


def random_market_two_way(rng: random.Random) -> list[float]:
    while True:
        price_a = rng.choice([rng.randint(-400, -100), rng.randint(100, 400)])
        price_b = rng.choice([rng.randint(-400, -100), rng.randint(100, 400)])
        implied = implied_probabilities([price_a, price_b])
        if overround(implied) >= 1.0:
            return implied


def test_two_way_shin_equals_the_additive_method() -> None:
    # A known property of Shin's model with two outcomes: the margin comes off each side
    # in equal absolute amounts, p_i = pi_i - (S - 1) / 2. An independent cross-check of
    # the bisection.
    rng = random.Random(11)
    for _ in range(300):
        implied = random_market_two_way(rng)
        share = (overround(implied) - 1) / 2
        assert devig_shin(implied) == pytest.approx([p - share for p in implied], abs=1e-10)


# --- vig removal: programming errors ---------------------------------------------------------


@pytest.mark.parametrize("method", DEVIG_METHODS)
def test_one_outcome_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="at least 2 outcomes"):
        devig([0.9], method)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.3, math.nan])
def test_probability_outside_the_open_unit_interval_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=r"must be in \(0, 1\)"):
        devig_power([0.5, bad])


@pytest.mark.parametrize("method", DEVIG_METHODS)
def test_a_negative_margin_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match=r"sum to 0\.900000 < 1"):
        devig([0.45, 0.45], method)  # type: ignore[arg-type]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown devig method 'additive'"):
        devig([0.55, 0.5], "additive")  # type: ignore[arg-type]
