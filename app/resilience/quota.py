"""The Odds API budget: keep a reserve, spread the rest over the days left in the month.

Every answer from The Odds API reports the account's credits in ``x-requests-*``
headers; ``record_quota`` keeps the last ones in ``source_health``. Before the
odds call the runner asks ``check_budget`` with the call's cost
(``len(markets) * len(regions)``):

    spendable   = remaining + used_today - reserve_credits
    daily budget = spendable / days left in the month (today included)

``used_today`` is the sum of ``runs.credits_used`` for runs started since local
midnight in ``pipeline.timezone``; adding it back gives the credits the day
started with, so the budget does not shrink as the day goes by. The call is
refused when it would take today's spending over the daily budget or touch
the reserve. With no quota information yet (the very first call) it is allowed:
the answer's headers start the bookkeeping. The month is the calendar month in
``pipeline.timezone``; The Odds API renews on the subscription date, so near a
renewal the guard is conservative, never lavish.

A refusal because the call would touch the reserve (credits exhausted, or at
the reserve) is a *hold*, not a verdict for ever: the plan renews. While held,
``recheck_due`` says when to re-read the numbers (at most every
``quota.recheck_s``) with ``GET /v4/sports``, which The Odds API documents as
costing no credits; as soon as the renewed numbers allow the call, odds resume.
``clear_hold`` (``control reset-breaker odds``) forgets the stored numbers, so
the next run asks again. A reserve at or above the plan size (used + remaining)
could never be satisfied: it is ignored, and ``reserve_problem`` says so in
``health``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING

from app.core.clock import Clock, iso, parse_iso, zone
from app.core.config import Settings
from app.domain.status import Source
from app.storage import source_health
from app.storage.database import Database
from app.storage.read.rows import fetch_int

if TYPE_CHECKING:  # `pressbox health` reads quotas without importing httpx
    from app.sources.odds_api import QuotaHeaders


@dataclass(frozen=True)
class QuotaDecision:
    allowed: bool
    reason: str
    remaining: int | None
    daily_budget: float | None
    # Refused because the call would touch the reserve: re-read the credits when due.
    held: bool = False


def call_cost(settings: Settings) -> int:
    return len(settings.odds_api.markets) * len(settings.odds_api.regions)


def days_left_in_month(local_day: datetime) -> int:
    last = calendar.monthrange(local_day.year, local_day.month)[1]
    return last - local_day.day + 1


def start_of_local_day(clock: Clock, tz_name: str) -> datetime:
    local = clock.now().astimezone(zone(tz_name))
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


async def credits_used_today(db: Database, settings: Settings, clock: Clock) -> int:
    since = iso(start_of_local_day(clock, settings.pipeline.timezone))
    async with db.read() as conn:
        return await fetch_int(
            conn, "SELECT COALESCE(SUM(credits_used), 0) FROM runs WHERE started_at >= ?", (since,)
        )


def plan_size(remaining: int | None, used: int | None) -> int | None:
    """The account's monthly credits as the headers imply them (used + remaining)."""
    if remaining is None or used is None:
        return None
    return max(remaining, 0) + max(used, 0)


def reserve_problem(settings: Settings, remaining: int | None, used: int | None) -> str | None:
    """A configuration warning when the reserve could never be kept (it is then ignored)."""
    plan = plan_size(remaining, used)
    reserve = settings.quota.reserve_credits
    if plan is None or plan == 0 or reserve < plan:
        return None
    return (
        f"quota.reserve_credits ({reserve}) is at or above the plan size ({plan} credits = "
        "used + remaining): the reserve is ignored; lower quota.reserve_credits"
    )


def effective_reserve(settings: Settings, remaining: int | None, used: int | None) -> int:
    if reserve_problem(settings, remaining, used) is not None:
        return 0
    return settings.quota.reserve_credits


async def check_budget(db: Database, settings: Settings, clock: Clock, cost: int) -> QuotaDecision:
    """May the next odds call (costing ``cost`` credits) be made now?"""
    async with db.read() as conn:
        row = await source_health.get_source(conn, Source.ODDS)
    remaining = row.quota_remaining if row is not None else None
    if remaining is None or row is None:
        return QuotaDecision(True, "no quota information yet; this call will report it", None, None)
    reserve = effective_reserve(settings, remaining, row.quota_used)
    used_today = await credits_used_today(db, settings, clock)
    local_now = clock.now().astimezone(zone(settings.pipeline.timezone))
    days = days_left_in_month(local_now)
    budget = max(remaining + used_today - reserve, 0) / days
    if remaining - cost < reserve:
        return QuotaDecision(
            False,
            f"the call costs {cost} credits and only {remaining} remain, "
            f"which would touch the reserve of {reserve}",
            remaining,
            budget,
            held=True,
        )
    if used_today + cost > budget:
        return QuotaDecision(
            False,
            f"today's budget is {budget:.0f} credits ({remaining} remain, reserve {reserve}, "
            f"{days} days left this month) and {used_today} are spent; the call costs {cost}",
            remaining,
            budget,
        )
    return QuotaDecision(
        True,
        f"{used_today + cost} of today's {budget:.0f} credits after this call",
        remaining,
        budget,
    )


async def record_quota(db: Database, clock: Clock, quota_headers: QuotaHeaders | None) -> None:
    """Remember the last quota headers; missing values keep what was known."""
    if quota_headers is None:
        return
    remaining, used, last = quota_headers.remaining, quota_headers.used, quota_headers.last
    if remaining is None and used is None and last is None:
        return
    async with db.write() as conn:
        await source_health.record_quota(
            conn, Source.ODDS, remaining=remaining, used=used, last=last, at=clock.now_iso()
        )


async def recheck_due(db: Database, settings: Settings, clock: Clock) -> bool:
    """Held credits are re-read at most every ``quota.recheck_s`` (since the last reading)."""
    async with db.read() as conn:
        row = await source_health.get_source(conn, Source.ODDS)
    if row is None or row.quota_updated_at is None:
        return True
    age = (clock.now() - parse_iso(row.quota_updated_at)).total_seconds()
    return age >= settings.quota.recheck_s


async def record_recheck(db: Database, clock: Clock, quota_headers: QuotaHeaders | None) -> None:
    """A free re-read: stamp the reading time even when the answer carried no numbers."""
    remaining = quota_headers.remaining if quota_headers is not None else None
    used = quota_headers.used if quota_headers is not None else None
    async with db.write() as conn:
        await source_health.record_quota(
            conn, Source.ODDS, remaining=remaining, used=used, last=None, at=clock.now_iso()
        )


async def record_exhausted(db: Database, clock: Clock) -> None:
    """The API said the credits are gone (an OUT_OF_USAGE_CREDITS answer without numbers)."""
    async with db.write() as conn:
        await source_health.record_quota(
            conn, Source.ODDS, remaining=0, used=None, last=None, at=clock.now_iso()
        )


async def clear_hold(db: Database, clock: Clock) -> None:
    """Forget the stored credits (break-glass): the next run's call reports them afresh."""
    async with db.write() as conn:
        await source_health.clear_quota_remaining(conn, Source.ODDS, at=clock.now_iso())
