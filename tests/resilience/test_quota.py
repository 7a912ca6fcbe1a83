"""The Odds API quota guard: reserve, daily budget, bookkeeping from the headers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import PipelineRunner
from app.resilience.quota import (
    QuotaDecision,
    call_cost,
    check_budget,
    days_left_in_month,
    record_quota,
)
from app.sources.odds_api import QuotaHeaders
from app.storage import source_health
from app.storage.database import Database
from tests.support.loopback import ODDS_KEY, ODDS_PATH, LoopbackServer, good_answers, make_settings


def _settings(db_path: Path, reserve: int = 500) -> Settings:
    return load_settings(
        dotenv_path=None,
        db={"path": db_path},
        quota={"reserve_credits": reserve},
        odds_api={"markets": ["h2h", "spreads", "totals"], "regions": ["us"]},
    )


async def _add_run(db: Database, started_at: str, credits: int) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO runs (trigger, slate_date, outcome, started_at, owner_host, owner_pid, "
            "credits_used) VALUES ('cli', '2025-06-14', 'ok', ?, 'h', 1, ?)",
            (started_at, credits),
        )


def test_cost_and_days_left() -> None:
    assert call_cost(load_settings(dotenv_path=None, odds_api={"regions": ["us", "uk"]})) == 6
    assert days_left_in_month(datetime(2025, 6, 14)) == 17
    assert days_left_in_month(datetime(2025, 6, 30)) == 1
    assert days_left_in_month(datetime(2024, 2, 1)) == 29


async def test_first_call_without_quota_information_is_allowed(
    db: Database, db_path: Path, fixed_clock: FixedClock
) -> None:
    decision = await check_budget(db, _settings(db_path), fixed_clock, 3)
    assert decision == QuotaDecision(True, decision.reason, None, None)


async def test_budget_spreads_credits_over_the_days_left(
    db: Database, db_path: Path, fixed_clock: FixedClock
) -> None:
    settings = _settings(db_path, reserve=500)
    await record_quota(db, fixed_clock, QuotaHeaders(remaining=2200, used=100, last=3))
    # 2025-06-14 in New York: 17 days left, (2200 - 500) / 17 = 100 credits a day.
    allowed = await check_budget(db, settings, fixed_clock, 3)
    assert allowed.allowed and allowed.daily_budget == pytest.approx(100.0)

    # 99 spent today (by runs started after local midnight = 04:00 UTC): the next 3 would exceed.
    await _add_run(db, "2025-06-14T03:59:00.000Z", 50)  # yesterday in New York: not counted
    await _add_run(db, "2025-06-14T12:00:00.000Z", 99)
    await record_quota(db, fixed_clock, QuotaHeaders(remaining=2101, used=199, last=3))
    refused = await check_budget(db, settings, fixed_clock, 3)
    assert not refused.allowed
    assert "today's budget is 100 credits" in refused.reason and "99 are spent" in refused.reason

    # Tomorrow the day starts afresh.
    fixed_clock.advance(24 * 3600)
    assert (await check_budget(db, settings, fixed_clock, 3)).allowed


async def test_reserve_is_never_touched(db: Database, db_path: Path) -> None:
    # Last day of the month: the whole spendable rest is today's, but not the reserve.
    clock = FixedClock(datetime(2025, 6, 30, 20, 0, tzinfo=UTC))
    settings = _settings(db_path, reserve=500)
    await record_quota(db, clock, QuotaHeaders(remaining=503, used=9000, last=3))
    assert (await check_budget(db, settings, clock, 3)).allowed
    await record_quota(db, clock, QuotaHeaders(remaining=502, used=9001, last=3))
    decision = await check_budget(db, settings, clock, 3)
    assert not decision.allowed and "reserve of 500" in decision.reason
    assert decision.remaining == 502


async def test_partial_headers_keep_what_was_known(db: Database, fixed_clock: FixedClock) -> None:
    await record_quota(db, fixed_clock, QuotaHeaders(remaining=900, used=100, last=3))
    await record_quota(db, fixed_clock, QuotaHeaders(remaining=None, used=None, last=None))
    await record_quota(db, fixed_clock, None)
    fixed_clock.advance(5)
    await record_quota(db, fixed_clock, QuotaHeaders(remaining=897, used=None, last=None))
    async with db.read() as conn:
        row = await source_health.get_source(conn, "odds")
    assert row is not None
    assert (row.quota_remaining, row.quota_used, row.quota_last) == (897, 100, 3)
    assert row.quota_updated_at == fixed_clock.now_iso()
    assert row.circuit_state == "closed", "quota bookkeeping does not touch the breaker"


async def test_runner_skips_the_odds_stage_before_the_reserve_is_touched(
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    fixed_clock: FixedClock,
) -> None:
    """The runner asks the guard before the request."""
    settings = make_settings(db_path, server.url)
    settings.quota.reserve_credits = 500
    good_answers(server, remaining=502)  # the first call reports 502 left
    runner = PipelineRunner(
        db, settings, secrets=StaticSecrets({"odds-api-key": ODDS_KEY}), clock=fixed_clock
    )
    first = await runner.run("cli")
    assert first.outcome == "ok"
    assert server.count(ODDS_PATH) == 1

    fixed_clock.advance(300)
    second = await runner.run("cli")
    odds = {s.name: s for s in second.stages}["odds"]
    assert second.outcome == "degraded"
    assert odds.status == "skipped" and "reserve of 500" in (odds.detail or "")
    assert server.count(ODDS_PATH) == 1, "the guard held the call: no request was made"
