"""The trends loader on a real database: a day of runs, its series and the quota forecast."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest

from app.storage.database import Database
from app.storage.read.trends import load_trends
from tests.support.desk_seed import NOW
from tests.support.trend_seed import (
    CREDITS,
    FAILED_ODDS,
    REMAINING,
    RUNS,
    mlb_ms,
    odds_ms,
    run_seconds,
    seed_day,
)

DAY = timedelta(hours=24)


async def test_an_empty_database_has_empty_series_and_no_forecast(db: Database) -> None:
    report = await load_trends(db, since=NOW - DAY, now=NOW, reserve_credits=100)
    assert report.runs == 0
    assert report.run_durations.values == ()
    assert report.run_durations.median is None
    assert report.forecast is None
    assert [s.source for s in report.sources] == ["mlb", "odds"]
    assert all(s.circuit_state == "closed" for s in report.sources)


async def test_a_day_of_runs_becomes_series_oldest_first(db: Database) -> None:
    await seed_day(db, opened_at=NOW - timedelta(hours=2))
    report = await load_trends(db, since=NOW - DAY, now=NOW, reserve_credits=0)
    assert report.runs == RUNS
    assert report.run_durations.values == tuple(run_seconds(i) for i in range(RUNS))
    assert (report.run_durations.low, report.run_durations.high) == (2.0, 4.0)
    assert report.run_durations.unit == "s"
    mlb, odds = report.sources
    assert mlb.latency.values == tuple(mlb_ms(i) for i in range(RUNS))
    assert mlb.latency.median == statistics.median(mlb_ms(i) for i in range(RUNS))
    # A failed odds stage is a failure, not a latency.
    assert odds.latency.values == tuple(odds_ms(i) for i in range(RUNS) if i not in FAILED_ODDS)
    assert sum(odds.failures.values) == len(FAILED_ODDS)
    assert sum(mlb.failures.values) == 0
    assert odds.opened_at is not None
    # Credits left after each run: the stored 500 after the last, plus what later runs spent.
    assert report.quota_left.last == REMAINING
    assert report.quota_left.values[0] == REMAINING + sum(report.credits.values[1:])


async def test_the_forecast_follows_the_worked_example(db: Database) -> None:
    # 3 runs an hour for 8 hours, 2 credits each (two failed ones spent nothing): 44 credits.
    await seed_day(db)
    report = await load_trends(db, since=NOW - DAY, now=NOW, reserve_credits=0)
    forecast = report.forecast
    assert forecast is not None
    spent = CREDITS * (RUNS - len(FAILED_ODDS))
    assert report.window_h == pytest.approx(8.0)
    assert forecast.per_hour == pytest.approx(spent / 8)
    assert forecast.days_left == pytest.approx(REMAINING / (spent / 8) / 24)
    assert forecast.sentence().startswith("lasts 3.8 days at this rate")


async def test_the_reserve_and_the_window_limit_what_is_read(db: Database) -> None:
    await seed_day(db, opened_at=NOW - timedelta(hours=30))
    report = await load_trends(db, since=NOW - timedelta(hours=4), now=NOW, reserve_credits=200)
    assert report.runs == 12  # the last 4 hours only
    assert report.sources[1].opened_at is None  # opened before the window
    assert report.forecast is not None and report.forecast.spendable == REMAINING - 200
