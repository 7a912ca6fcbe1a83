"""The quota hold recovers: exhausted -> renewed resumes odds, with no credits spent while held."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.core.secrets import StaticSecrets
from app.pipeline.health import evaluate_health
from app.pipeline.runner import PipelineRunner
from app.resilience import quota
from app.sources.odds_api import SPORTS_PATH, QuotaHeaders
from app.storage import source_health
from app.storage.database import Database
from tests.support.loopback import ODDS_KEY, ODDS_PATH, load_fixture, make_settings

RECHECK_S = 900.0
INTERVAL_S = 300.0
COST = 3


class OddsAccount(httpx.AsyncBaseTransport):
    """A fake Odds API account: /odds costs 3 credits, /v4/sports costs none; MLB answers too."""

    def __init__(self, remaining: int, used: int) -> None:
        self.remaining = remaining
        self.used = used
        self.odds_calls = 0
        self.sports_calls = 0
        self.odds_body = json.dumps(load_fixture("odds_api_v4_baseball_mlb_odds.json")).encode()
        self.mlb_body = json.dumps(load_fixture("mlb_statsapi_schedule_2025-06-14.json")).encode()

    def renew(self, plan: int) -> None:
        self.remaining, self.used = plan, 0

    def _headers(self, last: int) -> dict[str, str]:
        return {
            "x-requests-remaining": str(self.remaining),
            "x-requests-used": str(self.used),
            "x-requests-last": str(last),
        }

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/schedule":
            return httpx.Response(200, content=self.mlb_body, request=request)
        if path == SPORTS_PATH:
            self.sports_calls += 1
            return httpx.Response(200, json=[], headers=self._headers(0), request=request)
        assert path == ODDS_PATH, path
        self.odds_calls += 1
        if self.remaining < COST:
            body = {
                "message": "Usage quota has been reached.",
                "error_code": "OUT_OF_USAGE_CREDITS",
            }
            return httpx.Response(401, json=body, headers=self._headers(0), request=request)
        self.remaining -= COST
        self.used += COST
        return httpx.Response(
            200, content=self.odds_body, headers=self._headers(COST), request=request
        )


def _settings(db_path: Path, reserve: int) -> Settings:
    settings = make_settings(db_path, "http://odds.test")
    settings.quota.reserve_credits = reserve
    settings.quota.recheck_s = RECHECK_S
    return settings


def _runner(
    db: Database, settings: Settings, account: OddsAccount, clock: FixedClock
) -> PipelineRunner:
    return PipelineRunner(
        db,
        settings,
        transport=account,
        secrets=StaticSecrets({"odds-api-key": ODDS_KEY}),
        clock=clock,
    )


def _odds_detail(result: object) -> str:
    stages = {s.name: s for s in result.stages}  # type: ignore[attr-defined]
    odds = stages["odds"]
    return f"{odds.status}: {odds.detail or odds.error_summary}"


async def test_exhausted_then_renewed_resumes_within_one_recheck(
    db: Database, db_path: Path
) -> None:
    clock = FixedClock(datetime(2025, 6, 14, 16, 0, tzinfo=UTC))
    settings = _settings(db_path, reserve=0)
    account = OddsAccount(remaining=1, used=499)
    runner = _runner(db, settings, account, clock)

    first = await runner.run("cli")
    assert account.odds_calls == 1 and "quota is exhausted" in _odds_detail(first)

    # Runs every 5 minutes: while the account is empty no odds request is made and the free
    # re-read happens at most once per recheck_s.
    renewal_at: datetime | None = None
    resumed_at: datetime | None = None
    credits_while_exhausted = account.used
    for step in range(1, 40):
        clock.advance(INTERVAL_S)
        if step == 10:
            account.renew(500)
            renewal_at = clock.now()
            credits_while_exhausted = account.used - 0
        before = account.odds_calls
        result = await runner.run("cli")
        if renewal_at is None:
            assert account.odds_calls == before, "no odds request while exhausted"
            assert "quota guard" in _odds_detail(result)
        if account.odds_calls > before:
            assert result.outcome == "ok", _odds_detail(result)
            resumed_at = clock.now()
            break
    assert renewal_at is not None and resumed_at is not None
    assert (resumed_at - renewal_at).total_seconds() <= RECHECK_S
    assert credits_while_exhausted == 0, "the renewal started from a full plan"
    assert account.used == COST, "only the resumed call spent credits"
    # 9 held runs over 45 minutes: one free re-read per 15 minutes, not one per run.
    assert 1 <= account.sports_calls <= 4


async def test_out_of_credits_without_headers_holds_until_a_reread(
    db: Database, db_path: Path
) -> None:
    clock = FixedClock(datetime(2025, 6, 14, 16, 0, tzinfo=UTC))
    settings = _settings(db_path, reserve=0)

    class Headerless(OddsAccount):
        def _headers(self, last: int) -> dict[str, str]:
            return {}

    account = Headerless(remaining=0, used=500)
    runner = _runner(db, settings, account, clock)
    await runner.run("cli")
    async with db.read() as conn:
        row = await source_health.get_source(conn, "odds")
    assert row is not None and row.quota_remaining == 0
    clock.advance(INTERVAL_S)
    held = await runner.run("cli")
    assert account.odds_calls == 1 and "quota guard" in _odds_detail(held)


async def test_reserve_at_plan_size_is_a_warning_not_a_lockout(db: Database, db_path: Path) -> None:
    """The free tier (500 credits) with the default reserve of 500."""
    clock = FixedClock(datetime(2025, 6, 14, 16, 0, tzinfo=UTC))
    settings = _settings(db_path, reserve=500)
    account = OddsAccount(remaining=500, used=0)
    runner = _runner(db, settings, account, clock)
    await runner.run("cli")
    clock.advance(INTERVAL_S)
    second = await runner.run("cli")
    assert account.odds_calls == 2, _odds_detail(second)
    report = await evaluate_health(db, settings, clock)
    assert any(
        "reserve_credits (500) is at or above the plan size (500" in r for r in report.reasons
    )


def test_reserve_problem_only_when_the_reserve_cannot_be_kept() -> None:
    settings = load_settings(dotenv_path=None, quota={"reserve_credits": 500})
    assert quota.reserve_problem(settings, 9_000, 1_000) is None
    assert quota.reserve_problem(settings, None, 10) is None
    assert quota.reserve_problem(settings, 0, 500) is not None
    assert quota.effective_reserve(settings, 0, 500) == 0
    assert quota.effective_reserve(settings, 9_000, 1_000) == 500


async def test_clear_hold_forgets_the_stored_credits(db: Database, db_path: Path) -> None:
    clock = FixedClock(datetime(2025, 6, 14, 16, 0, tzinfo=UTC))
    settings = _settings(db_path, reserve=100)
    await quota.record_quota(db, clock, QuotaHeaders(remaining=0, used=5000, last=0))
    assert not (await quota.check_budget(db, settings, clock, COST)).allowed
    await quota.clear_hold(db, clock)
    assert (await quota.check_budget(db, settings, clock, COST)).allowed


@pytest.mark.parametrize("value", ["inf", "1e30", "-60", "nan", "abc", ""])
def test_absurd_quota_headers_are_unknown(value: str) -> None:
    quota_headers = QuotaHeaders.from_headers(httpx.Headers({"x-requests-remaining": value}))
    assert quota_headers.remaining is None


def test_fractional_quota_header_is_read() -> None:
    quota_headers = QuotaHeaders.from_headers(httpx.Headers({"x-requests-used": "19532.0"}))
    assert quota_headers.used == 19532
