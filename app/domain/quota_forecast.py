"""How long The Odds API credits last at the rate they are being spent.

The credits above the reserve (``quota.reserve_credits``) are what scheduled runs may
spend; the rate is the credits the runs spent over a recent window. Pure: the caller
reads the stored numbers (``source_health.quota_remaining``, ``runs.credits_used``)
and hands them in with the window they cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class QuotaForecast:
    """The credits left above the reserve, the burn rate, and the days they last."""

    remaining: int
    reserve: int
    spendable: int  # remaining above the reserve, never negative
    spent: int  # credits spent inside the window
    window_h: float
    per_hour: float
    days_left: float | None  # None: nothing spent in the window, the credits last
    renews_in_days: float | None = None

    @property
    def lasts_to_renewal(self) -> bool | None:
        """Whether the credits outlast the plan's renewal (None: renewal or rate unknown)."""
        if self.renews_in_days is None:
            return None
        if self.days_left is None:
            return True
        return self.days_left >= self.renews_in_days

    def sentence(self) -> str:
        """``lasts 3.5 days at this rate (6 credits/h; 500 above the reserve)``."""
        rate = f"{_number(self.per_hour)} credits/h; {self.spendable} above the reserve"
        if self.spendable == 0:
            return f"at the reserve: scheduled runs spend nothing more ({rate})"
        if self.days_left is None:
            return f"no credits spent in the last {_number(self.window_h)} h ({rate})"
        text = f"lasts {_days(self.days_left)} at this rate ({rate})"
        if self.lasts_to_renewal is False and self.renews_in_days is not None:
            text += f"; the plan renews in {_days(self.renews_in_days)}"
        return text


def forecast_quota(
    remaining: int,
    reserve: int,
    spent: Sequence[int],
    window_h: float,
    *,
    renews_in_days: float | None = None,
) -> QuotaForecast:
    """The forecast from the credits left and each run's spending over ``window_h`` hours."""
    if window_h <= 0:
        raise ValueError("the window must be longer than zero hours")
    total = sum(max(0, credits) for credits in spent)
    spendable = max(0, remaining - reserve)
    per_hour = total / window_h
    days_left = spendable / per_hour / HOURS_PER_DAY if per_hour > 0 else None
    return QuotaForecast(
        remaining=remaining,
        reserve=reserve,
        spendable=spendable,
        spent=total,
        window_h=window_h,
        per_hour=per_hour,
        days_left=days_left,
        renews_in_days=renews_in_days,
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def _days(days: float) -> str:
    if days < 1:
        return f"{days * HOURS_PER_DAY:.0f} h"
    if days >= 10:
        return f"{days:.0f} days"
    return f"{_number(round(days, 1))} day" + ("" if round(days, 1) == 1 else "s")
