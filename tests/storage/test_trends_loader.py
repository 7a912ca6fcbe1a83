"""The trends loader on a real database: a day of runs, its series and the quota forecast."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest

from app.core.clock import iso
from app.storage.database import Database
from app.storage.read.trends import load_trends
from tests.support.desk_seed import NOW
from tests.support.trend_seed import (
    CREDITS,
    FAILED_ODDS,
    REMAINING,
    RUNS,
    mlb_ms,
    mlb_retries,
    odds_ms,
    quota_after,
    run_seconds,
    run_start,
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
    await seed_day(db)
    report = await load_trends(db, since=NOW - DAY, now=NOW, reserve_credits=0)
    assert report.runs == RUNS
    assert report.run_durations.values == tuple(run_seconds(i) for i in range(RUNS))
    assert (report.run_durations.low, report.run_durations.high) == (2.0, 4.0)
    assert report.run_durations.unit == "s"
    mlb, odds = report.sources
    # One call per run and source, read from the history the guarded calls left.
    assert mlb.latency_measured == odds.latency_measured == "calls"
    assert mlb.latency.values == tuple(mlb_ms(i) for i in range(RUNS))
    assert mlb.latency.median == statistics.median(mlb_ms(i) for i in range(RUNS))
    assert odds.latency.values == tuple(odds_ms(i) for i in range(RUNS))  # failures too
    assert mlb.retries.values == tuple(float(mlb_retries(i)) for i in range(RUNS))
    assert sum(odds.retries.values) == 2 * len(FAILED_ODDS)
    # Each failed odds call opened the breaker; the next run's success closed it.
    assert (odds.openings, mlb.openings) == (len(FAILED_ODDS), 0)
    assert odds.last_opened_at == iso(run_start(max(FAILED_ODDS)) + timedelta(seconds=1))
    assert odds.circuit_state == "closed"
    # The quota readings, one per successful odds call; the last is the stored 500.
    assert report.quota_left.values == tuple(
        float(quota_after(i)) for i in range(RUNS) if i not in FAILED_ODDS
    )
    assert report.quota_left.last == REMAINING


async def test_before_the_history_latency_is_the_stage_and_credits_are_rebuilt(
    db: Database,
) -> None:
    await seed_day(db)
    async with db.write() as conn:
        await conn.execute("DELETE FROM source_health_history")
    report = await load_trends(db, since=NOW - DAY, now=NOW, reserve_credits=0)
    mlb, odds = report.sources
    assert mlb.latency_measured == "stages"
    assert mlb.latency.values == tuple(mlb_ms(i) for i in range(RUNS))
    # A failed stage delivered nothing: no latency from it.
    assert odds.latency.values == tuple(odds_ms(i) for i in range(RUNS) if i not in FAILED_ODDS)
    assert odds.retries.values == () and odds.openings == 0
    # Credits left after each run: the stored 500 after the last, plus what later runs spent.
    assert report.quota_left.last == REMAINING
    assert report.quota_left.values == tuple(float(quota_after(i)) for i in range(RUNS))


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
    await seed_day(db)
    report = await load_trends(db, since=NOW - timedelta(hours=4), now=NOW, reserve_credits=200)
    assert report.runs == 12  # the last 4 hours only
    odds = report.sources[1]
    assert odds.openings == 1  # run 17 opened it inside the window, run 5 before it
    assert len(odds.latency.values) == 12
    assert report.forecast is not None and report.forecast.spendable == REMAINING - 200
