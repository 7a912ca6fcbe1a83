"""The quota forecast with real numbers: a 500-credit plan, three runs an hour."""

from __future__ import annotations

import pytest

from app.domain.quota_forecast import forecast_quota


def test_three_runs_an_hour_at_two_credits_last_three_and_a_half_days() -> None:
    # 24 runs in 8 hours, 2 credits each (one market, two regions): 6 credits an hour.
    forecast = forecast_quota(500, 0, [2] * 24, 8.0)
    assert forecast.per_hour == 6.0
    assert forecast.days_left == pytest.approx(500 / 6 / 24)  # 3.47 days
    assert forecast.sentence() == "lasts 3.5 days at this rate (6 credits/h; 500 above the reserve)"


def test_the_reserve_is_not_spendable() -> None:
    # 500 left, 140 kept back: 360 at 3 runs/h of 3 credits (9/h) = 40 h.
    forecast = forecast_quota(500, 140, [3, 3, 3] * 4, 4.0)
    assert forecast.spendable == 360
    assert forecast.days_left == pytest.approx(360 / 9 / 24)
    assert forecast.sentence().startswith("lasts 1.7 days at this rate (9 credits/h;")


def test_under_a_day_is_said_in_hours() -> None:
    forecast = forecast_quota(50, 0, [5] * 6, 2.0)  # 15 credits/h: 3.3 h
    assert forecast.sentence().startswith("lasts 3 h at this rate")


def test_nothing_spent_means_no_end_in_sight() -> None:
    forecast = forecast_quota(500, 100, [], 24.0)
    assert forecast.days_left is None
    assert forecast.lasts_to_renewal is None
    assert (
        forecast.sentence()
        == "no credits spent in the last 24 h (0 credits/h; 400 above the reserve)"
    )


def test_at_the_reserve_nothing_more_is_spent() -> None:
    forecast = forecast_quota(90, 100, [2, 2], 1.0)
    assert forecast.spendable == 0
    assert forecast.days_left == 0
    assert forecast.sentence().startswith("at the reserve")


def test_renewal_is_compared_with_the_forecast() -> None:
    short = forecast_quota(500, 0, [2] * 24, 8.0, renews_in_days=10)
    assert short.lasts_to_renewal is False
    assert short.sentence().endswith("; the plan renews in 10 days")
    enough = forecast_quota(500, 0, [2] * 24, 8.0, renews_in_days=2)
    assert enough.lasts_to_renewal is True
    idle = forecast_quota(500, 0, [], 8.0, renews_in_days=2)
    assert idle.lasts_to_renewal is True


def test_refunds_never_count_as_negative_spending() -> None:
    assert forecast_quota(500, 0, [-5, 4], 1.0).spent == 4


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        forecast_quota(500, 0, [1], 0)
