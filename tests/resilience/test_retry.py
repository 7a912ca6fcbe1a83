"""The retry policy: what is retried, how often, Retry-After, and what gets logged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
import stamina
from pydantic import SecretStr

from app.core.clock import FixedClock
from app.core.config import ResilienceSettings
from app.core.errors import AuthError, PermanentError, QuotaError, SchemaDriftError, TransientError
from app.core.logging import configure_logging
from app.resilience.guard import GuardContext, guarded_call
from app.resilience.retry import AttemptLog, call_with_retry, retry_decision
from app.sources.mlb_api import MlbClient
from app.sources.odds_api import OddsClient
from app.storage.database import Database
from tests.support.loopback import (
    MLB_PATH,
    ODDS_KEY,
    ODDS_PATH,
    Answer,
    LoopbackServer,
    good_answers,
    make_settings,
)


def test_only_transient_errors_are_retried() -> None:
    decide = retry_decision(max_wait_s=8.0)
    assert decide(TransientError("timeout")) is True
    for exc in (
        PermanentError("422"),
        AuthError("401"),
        QuotaError("out of credits"),
        SchemaDriftError("MLB Stats API", "dates", "missing"),
        ValueError("a bug is not retried"),
    ):
        assert decide(exc) is False


def test_retry_after_sets_the_pause_capped_by_max_wait() -> None:
    decide = retry_decision(max_wait_s=8.0)
    assert decide(TransientError("429", retry_after_s=3.0)) == 3.0
    assert decide(TransientError("429", retry_after_s=3600.0)) == 8.0
    assert decide(TransientError("429", retry_after_s=-1.0)) == 0.0


async def test_attempts_are_bounded_and_counted() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise TransientError("not yet")
        return "done"

    record = AttemptLog()
    policy = ResilienceSettings(retry_attempts=4)
    assert await call_with_retry("mlb", flaky, policy, record) == "done"
    assert (calls, record.attempts) == (3, 3)

    calls = 0

    async def always() -> str:
        nonlocal calls
        calls += 1
        raise TransientError("never")

    record = AttemptLog()
    with pytest.raises(TransientError):
        await call_with_retry("mlb", always, ResilienceSettings(retry_attempts=2), record)
    assert (calls, record.attempts) == (2, 2)


async def test_real_backoff_waits_honour_retry_after(
    db: Database, db_path: Path, server: LoopbackServer, fixed_clock: FixedClock
) -> None:
    """Without stamina's test mode: the 429's Retry-After (capped) is the pause actually slept."""
    settings = make_settings(db_path, server.url, retry_attempts=2, retry_max_wait_s=0.05)
    server.program(MLB_PATH, Answer.json({"message": "slow"}, 429, headers={"retry-after": "30"}))
    slept: list[float] = []

    async def fake_sleep(delay: float) -> None:
        slept.append(delay)

    with stamina.set_testing(False), pytest.MonkeyPatch.context() as mp:
        mp.setattr("stamina._core._smart_sleep", fake_sleep)
        async with httpx.AsyncClient() as http:
            client = MlbClient(http, settings.mlb_api, max_bytes=100_000, clock=fixed_clock)
            with pytest.raises(TransientError) as caught:
                await guarded_call(
                    "mlb",
                    lambda: client.schedule(date(2025, 6, 14)),
                    GuardContext(db, settings, fixed_clock),
                )
    assert caught.value.retry_after_s == 30.0
    assert slept == [0.05], "Retry-After of 30 s capped by retry_max_wait_s"
    assert server.count(MLB_PATH) == 2


async def test_canary_key_never_logged_even_when_the_error_echoes_the_url(
    db: Database, db_path: Path, server: LoopbackServer, fixed_clock: FixedClock, tmp_path: Path
) -> None:
    """The upstream echoes the full request URL (key included) in its error body."""
    log_path = configure_logging(tmp_path / "logs", "debug")
    settings = make_settings(db_path, server.url)
    echoed = f"{server.url}{ODDS_PATH}?apiKey={ODDS_KEY}&regions=us"
    server.program(ODDS_PATH, Answer.json({"message": f"bad gateway for {echoed}"}, 502))
    ctx = GuardContext(db, settings, fixed_clock)
    async with httpx.AsyncClient() as http:
        client = OddsClient(
            http, settings.odds_api, SecretStr(ODDS_KEY), max_bytes=100_000, clock=fixed_clock
        )
        with pytest.raises(TransientError) as caught:
            await guarded_call("odds", client.odds, ctx)
    assert server.count(ODDS_PATH) == 3
    assert ODDS_KEY in "".join(server.queries), "the key did travel to the server"
    assert ODDS_KEY not in str(caught.value)

    logged = log_path.read_text(encoding="utf-8")
    events = [json.loads(line) for line in logged.splitlines()]
    retries = [e for e in events if e.get("event") == "retry scheduled"]
    assert len(retries) == 2 and {e["source"] for e in retries} == {"odds"}
    assert not [e for e in events if e.get("event") == "stamina.retry_scheduled"], (
        "stamina's own hooks (which log call arguments) are replaced"
    )
    assert ODDS_KEY not in logged and "apiKey=" not in logged

    async with db.read() as conn, conn.execute("SELECT * FROM source_health") as cur:
        dumped = repr([tuple(r) for r in await cur.fetchall()])
    assert ODDS_KEY not in dumped and "HTTP 502" in dumped


async def test_success_after_transient_failure_records_attempts(
    db: Database, db_path: Path, server: LoopbackServer, fixed_clock: FixedClock
) -> None:
    settings = make_settings(db_path, server.url)
    good_answers(server)
    ctx = GuardContext(db, settings, fixed_clock)
    async with httpx.AsyncClient() as http:
        client = MlbClient(http, settings.mlb_api, max_bytes=100_000, clock=fixed_clock)
        calls = 0

        async def second_time_lucky() -> object:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise TransientError("first attempt lost")
            return await client.schedule(date(2025, 6, 14))

        assert await guarded_call("mlb", second_time_lucky, ctx)
    assert ctx.last_attempts is not None and ctx.last_attempts.attempts == 2


async def test_total_time_bounds_the_retries_before_the_attempts_do() -> None:
    """With real (short) waits, retry_timeout_s stops the loop long before 20 attempts."""
    calls = 0

    async def always() -> str:
        nonlocal calls
        calls += 1
        raise TransientError("still down")

    policy = ResilienceSettings(
        retry_attempts=20,
        retry_timeout_s=0.3,
        retry_initial_wait_s=0.1,
        retry_max_wait_s=0.1,
    )
    record = AttemptLog()
    with stamina.set_testing(False), pytest.raises(TransientError):
        await call_with_retry("odds", always, policy, record)
    # Every wait is at least 0.1 s, so the 0.3 s budget allows a handful of attempts.
    assert 2 <= calls <= 5
    assert record.attempts == calls
