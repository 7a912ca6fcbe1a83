"""The circuit breaker against the loopback server: opens, refuses, half-opens, closes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import AuthError, ConfigurationError, TransientError
from app.resilience.breaker import BreakerChange, CircuitOpenError, reset_breaker
from app.resilience.guard import GuardContext, guarded_call
from app.sources.mlb_api import MlbClient
from app.sources.odds_api import OddsClient
from app.storage import source_health
from app.storage.database import Database
from app.storage.source_health import SourceHealthRow
from tests.support.loopback import (
    MLB_PATH,
    ODDS_KEY,
    ODDS_PATH,
    Answer,
    LoopbackServer,
    good_answers,
    load_fixture,
    make_settings,
)

DAY = date(2025, 6, 14)


async def _health(db: Database, source: str) -> SourceHealthRow:
    async with db.read() as conn:
        row = await source_health.get_source(conn, source)
    assert row is not None
    return row


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _mlb(http: httpx.AsyncClient, settings: Settings, clock: FixedClock) -> MlbClient:
    return MlbClient(http, settings.mlb_api, max_bytes=100_000, clock=clock)


async def test_opens_refuses_half_opens_and_closes(
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    fixed_clock: FixedClock,
    http: httpx.AsyncClient,
) -> None:
    settings = make_settings(
        db_path, server.url, breaker_failure_threshold=2, breaker_cooldown_s=300
    )
    changes: list[BreakerChange] = []

    async def listen(change: BreakerChange) -> None:
        changes.append(change)

    ctx = GuardContext(db, settings, fixed_clock, on_breaker_change=listen)
    client = _mlb(http, settings, fixed_clock)
    server.program(MLB_PATH, Answer.json({"message": "boom"}, 500))

    for expected_failures in (1, 2):
        with pytest.raises(TransientError):
            await guarded_call("mlb", lambda: client.schedule(DAY), ctx)
        assert (await _health(db, "mlb")).consecutive_failures == expected_failures
    assert server.count(MLB_PATH) == 2 * 3, "each failed call used every retry"
    opened = await _health(db, "mlb")
    assert opened.circuit_state == "open"
    assert opened.opened_at == fixed_clock.now_iso()
    assert opened.last_error_kind == "transient"
    assert opened.last_error is not None and "HTTP 500" in opened.last_error
    assert [(c.old, c.new) for c in changes] == [("closed", "open")]

    # While open: refused with a classified error, and nothing reaches the server.
    server.reset_counts()
    fixed_clock.advance(299)
    with pytest.raises(CircuitOpenError) as refused:
        await guarded_call("mlb", lambda: client.schedule(DAY), ctx)
    assert server.count(MLB_PATH) == 0
    assert "MLB Stats API" in str(refused.value) and "2025-06-14T20:05:00.000Z" in str(
        refused.value
    )
    assert (await _health(db, "mlb")).circuit_state == "open"

    # After the cool-down the next call is the trial; a failed trial re-opens at once.
    fixed_clock.advance(2)
    with pytest.raises(TransientError):
        await guarded_call("mlb", lambda: client.schedule(DAY), ctx)
    reopened = await _health(db, "mlb")
    assert reopened.circuit_state == "open"
    assert reopened.opened_at == fixed_clock.now_iso(), "a fresh cool-down"
    assert [(c.old, c.new) for c in changes][-1] == ("half_open", "open")

    # Next cool-down, the upstream recovered: the trial succeeds and the breaker closes.
    fixed_clock.advance(301)
    good_answers(server)
    games = await guarded_call("mlb", lambda: client.schedule(DAY), ctx)
    assert games, "the recorded slate has games"
    closed = await _health(db, "mlb")
    assert closed.circuit_state == "closed"
    assert closed.consecutive_failures == 0
    assert closed.last_success_at == fixed_clock.now_iso()
    assert closed.latency_ms is not None and closed.latency_ms > 0
    assert [(c.old, c.new) for c in changes][-1] == ("half_open", "closed")


async def test_half_open_state_is_visible_while_the_trial_runs(
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    fixed_clock: FixedClock,
    http: httpx.AsyncClient,
) -> None:
    settings = make_settings(db_path, server.url, breaker_failure_threshold=1)
    client = _mlb(http, settings, fixed_clock)
    server.program(MLB_PATH, Answer.json({"message": "boom"}, 500))
    ctx = GuardContext(db, settings, fixed_clock)
    with pytest.raises(TransientError):
        await guarded_call("mlb", lambda: client.schedule(DAY), ctx)
    fixed_clock.advance(settings.resilience.breaker_cooldown_s)
    seen: list[str] = []

    async def observe() -> list[object]:
        seen.append((await _health(db, "mlb")).circuit_state)
        return []

    await guarded_call("mlb", observe, ctx)
    assert seen == ["half_open"]
    assert (await _health(db, "mlb")).circuit_state == "closed"


async def test_auth_failure_opens_at_once_and_stays_open_until_reset(
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    fixed_clock: FixedClock,
    http: httpx.AsyncClient,
) -> None:
    settings = make_settings(db_path, server.url, breaker_failure_threshold=5)
    errors = load_fixture("odds_api_v4_errors.json")
    server.program(ODDS_PATH, Answer.json(errors["401_invalid_key"], 401))
    client = OddsClient(
        http, settings.odds_api, SecretStr(ODDS_KEY), max_bytes=100_000, clock=fixed_clock
    )
    ctx = GuardContext(db, settings, fixed_clock)

    with pytest.raises(AuthError):
        await guarded_call("odds", client.odds, ctx)
    assert server.count(ODDS_PATH) == 1, "an auth failure is never retried"
    health = await _health(db, "odds")
    assert (health.circuit_state, health.last_error_kind) == ("open", "auth")

    # Long after any cool-down it is still refused, without a request.
    fixed_clock.advance(10 * settings.resilience.breaker_cooldown_s)
    with pytest.raises(CircuitOpenError) as refused:
        await guarded_call("odds", client.odds, ctx)
    assert "reset-breaker odds" in str(refused.value)
    assert server.count(ODDS_PATH) == 1

    change = await reset_breaker(db, "odds", fixed_clock)
    assert change is not None and (change.old, change.new) == ("open", "closed")
    good_answers(server)
    result = await guarded_call("odds", client.odds, ctx)
    assert result.events
    assert (await _health(db, "odds")).circuit_state == "closed"


async def test_reset_of_a_closed_or_unknown_breaker(db: Database, fixed_clock: FixedClock) -> None:
    assert await reset_breaker(db, "mlb", fixed_clock) is None
    with pytest.raises(ConfigurationError):
        await reset_breaker(db, "nope", fixed_clock)


async def test_sources_have_independent_breakers(
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    fixed_clock: FixedClock,
    http: httpx.AsyncClient,
) -> None:
    settings = make_settings(db_path, server.url, breaker_failure_threshold=1)
    good_answers(server)
    server.program(MLB_PATH, Answer.json({"message": "boom"}, 503))
    ctx = GuardContext(db, settings, fixed_clock)
    with pytest.raises(TransientError):
        await guarded_call("mlb", lambda: _mlb(http, settings, fixed_clock).schedule(DAY), ctx)
    client = OddsClient(
        http, settings.odds_api, SecretStr(ODDS_KEY), max_bytes=100_000, clock=fixed_clock
    )
    assert (await guarded_call("odds", client.odds, ctx)).events
    assert (await _health(db, "mlb")).circuit_state == "open"
    assert (await _health(db, "odds")).circuit_state == "closed"
