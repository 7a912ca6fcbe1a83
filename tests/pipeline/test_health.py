"""Health evaluation and ``pressbox health``: statuses, reasons, exit codes, JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.control import lockout
from app.core.clock import FixedClock, zone
from app.core.config import Settings
from app.core.errors import AuthError, TransientError
from app.core.timefmt import local_iso
from app.domain.status import Mode
from app.pipeline.health import evaluate_health, verdict_of
from app.resilience.breaker import on_failure
from app.resilience.quota import record_quota
from app.security.identity import Actor
from app.sources.odds_api import QuotaHeaders
from app.storage.database import Database, sqlite_version_is_safe
from app.storage.mode import set_mode

ODDS_KEY = "health-canary-key-0123456789abcdef"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 6, 14, 20, 0, tzinfo=UTC))


async def _run(db: Database, clock: FixedClock, outcome: str, reason: str | None = None) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO runs (trigger, slate_date, outcome, reason, started_at, finished_at, "
            "owner_host, owner_pid) VALUES ('schedule', '2025-06-14', ?, ?, ?, ?, 'h', 1)",
            (outcome, reason, clock.now_iso(), clock.now_iso()),
        )


async def test_new_database_is_unknown_no_run_yet(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    report = await evaluate_health(db, settings, clock)
    assert (report.status, report.exit_code, report.reasons) == ("UNKNOWN", 3, ["no run yet"])


async def test_ok_then_degraded_is_a_warning(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _run(db, clock, "ok")
    report = await evaluate_health(db, settings, clock)
    assert (report.status, report.exit_code, report.reasons) == ("OK", 0, [])
    assert report.line().startswith("OK: last run 1 ok at 2025-06-14T20:00:00.000Z; mode auto")
    clock.advance(300)
    await _run(db, clock, "degraded", "odds: The Odds API had a server error")
    report = await evaluate_health(db, settings, clock)
    assert report.status == "WARNING" and report.exit_code == 1
    assert report.reasons == ["last run 2 was degraded (odds: The Odds API had a server error)"]


async def test_last_n_failed_runs_are_critical(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _run(db, clock, "ok")
    for _ in range(settings.health.failed_runs_critical - 1):
        clock.advance(60)
        await _run(db, clock, "failed", "both down")
    short = await evaluate_health(db, settings, clock)
    assert short.status == "WARNING", "one short of N: the last run failed"
    assert short.last_run is not None
    assert short.reasons[0] == f"last run {short.last_run.id} was failed (both down)"
    clock.advance(60)
    await _run(db, clock, "failed", "both down")
    report = await evaluate_health(db, settings, clock)
    assert report.status == "CRITICAL" and report.exit_code == 2
    assert report.reasons[0].startswith(
        f"the last {settings.health.failed_runs_critical} runs failed"
    )


async def test_no_success_within_threshold_is_critical_in_auto_warning_when_paused(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _run(db, clock, "ok")
    clock.advance(settings.health.no_success_critical_s + 60)
    await _run(db, clock, "skipped", "another run in progress")
    report = await evaluate_health(db, settings, clock)
    assert report.status == "CRITICAL"
    assert report.reasons == ["no successful run since 2025-06-14 16:00 EDT (3 h 1 min)"]
    async with db.write() as conn:
        await set_mode(conn, Mode.PAUSED, set_by="alice", set_at=clock.now_iso(), reason="deploy")
    report = await evaluate_health(db, settings, clock)
    assert report.status == "WARNING"
    assert report.reasons[0] == "system paused by alice (deploy); scheduled runs wait"


async def test_halted_is_a_warning_then_critical_after_the_threshold(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _run(db, clock, "ok")
    async with db.write() as conn:
        await set_mode(conn, Mode.HALTED, set_by="bob", set_at=clock.now_iso(), reason="bad feed")
    clock.advance(60)
    report = await evaluate_health(db, settings, clock)
    assert (report.status, report.reasons) == (
        "WARNING",
        ["system halted by bob for 60 s (bad feed)"],
    )
    clock.advance(settings.health.halted_critical_after_s)
    report = await evaluate_health(db, settings, clock)
    assert report.status == "CRITICAL"
    assert report.reasons[0].startswith("system halted by bob for 61 min")


async def test_open_breaker_and_low_quota_are_warnings(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _run(db, clock, "ok")
    for _ in range(settings.resilience.breaker_failure_threshold):
        await on_failure(db, "mlb", settings, clock, TransientError("MLB Stats API timed out"), 9.0)
    await on_failure(db, "odds", settings, clock, AuthError("The Odds API refused the key"), 9.0)
    await record_quota(db, clock, QuotaHeaders(remaining=900, used=19_100, last=3))
    report = await evaluate_health(db, settings, clock)
    assert report.status == "WARNING"
    assert report.reasons == [
        "MLB Stats API circuit breaker open (until 16:05:00 EDT; "
        "last error: MLB Stats API timed out. It is usually temporary; the next run retries.)",
        "The Odds API circuit breaker open (until an operator resets it; last error: "
        "The Odds API refused the key. Check the credential with `pressbox secrets status`.)",
        "The Odds API credits low: 900 left (warning at 1000, reserve 500)",
    ]
    assert report.quota is not None and report.quota.low and report.quota.remaining == 900
    mlb = {s.source: s for s in report.sources}["mlb"]
    assert (mlb.circuit_state, mlb.half_open_at) == ("open", "2025-06-14T20:05:00.000Z")


async def test_old_sqlite_is_a_note_not_a_status(
    db: Database, settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.pipeline.health.sqlite_version_is_safe", lambda: False)
    monkeypatch.setattr("app.pipeline.health.sqlite_version", lambda: "3.40.1")
    await _run(db, clock, "ok")
    report = await evaluate_health(db, settings, clock)
    assert report.status == "OK" and not report.sqlite_version_ok
    assert report.notes == [
        "SQLite 3.40.1 is older than 3.51.3 (WAL-reset bug); upgrade the system SQLite or Python"
    ]
    assert "(note: SQLite 3.40.1 is older than 3.51.3" in report.line()


# -- the command ------------------------------------------------------------


def _prepare(db_path: Path, settings: Settings) -> None:
    async def setup() -> None:
        async with Database(db_path) as db:
            clock = FixedClock(datetime.now(UTC))
            await _run(db, clock, "degraded", f"odds: upstream echoed apiKey={ODDS_KEY}")
            await on_failure(db, "odds", settings, clock, TransientError(f"echo {ODDS_KEY}"), 3.0)

    asyncio.run(setup())


def test_cli_line_and_exit_code(db_path: Path, settings: Settings) -> None:
    from app.core.logging import SECRETS

    SECRETS.register(ODDS_KEY)
    _prepare(db_path, settings)
    result = CliRunner().invoke(cli, ["health", "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("WARNING: last run 1 was degraded")
    assert len(result.output.strip().splitlines()) == 1
    assert ODDS_KEY not in result.output


def test_cli_json_is_stable(db_path: Path, settings: Settings) -> None:
    _prepare(db_path, settings)
    result = CliRunner().invoke(cli, ["health", "--json", "--db", str(db_path)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {
        "status",
        "exit_code",
        "reasons",
        "mode",
        "last_run",
        "sources",
        "quota",
        "sqlite_version",
        "sqlite_version_ok",
        "notes",
        "last_success_at",
        "checked_at",
        "security",
    }
    assert data["status"] == "WARNING" and data["exit_code"] == 1
    assert data["mode"]["mode"] == "auto"
    assert data["last_run"]["outcome"] == "degraded"
    assert [s["source"] for s in data["sources"]] == ["odds"]
    assert data["sqlite_version_ok"] is sqlite_version_is_safe()


def test_cli_missing_database_is_unknown_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "absent" / "pressbox.db"
    result = CliRunner().invoke(cli, ["health", "--db", str(missing)])
    assert result.exit_code == 3
    assert result.output.startswith(f"UNKNOWN: database {missing} does not exist")
    assert "Traceback" not in result.output
    assert not missing.exists() and not missing.parent.exists()
    as_json = CliRunner().invoke(cli, ["health", "--json", "--db", str(missing)])
    assert as_json.exit_code == 3 and json.loads(as_json.output)["status"] == "UNKNOWN"


def test_cli_not_a_database_is_unknown(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite at all, just text that is long enough", encoding="utf-8")
    result = CliRunner().invoke(cli, ["health", "--db", str(bogus)])
    assert result.exit_code == 3 and result.output.startswith("UNKNOWN: ")


async def _wrong_keys(db: Database, settings: Settings, clock: FixedClock, n: int) -> None:
    actor = Actor("mallory", None, None, None, 7, "h", "test")
    for _ in range(n):
        async with db.write() as conn:
            reservation = await lockout.reserve(
                conn, action="override", actor=actor, now=clock.now(), settings=settings.security
            )
            if reservation.attempt_id is not None:
                await lockout.settle_wrong(
                    conn,
                    reservation.attempt_id,
                    actor=actor,
                    now=clock.now(),
                    settings=settings.security,
                )


async def test_a_lockout_in_force_is_a_warning_even_before_the_first_run(
    db: Database, settings: Settings, clock: FixedClock
) -> None:
    await _wrong_keys(db, settings, clock, settings.security.max_attempts - 1)
    report = await evaluate_health(db, settings, clock)
    assert report.status == "UNKNOWN"  # failures short of the limit lock nobody
    assert report.security is not None and report.security.locks == ()
    assert report.security.failed_attempts == settings.security.max_attempts - 1

    await _wrong_keys(db, settings, clock, 1)
    report = await evaluate_health(db, settings, clock)
    assert (report.status, report.exit_code) == ("WARNING", 1)
    assert report.security is not None
    (lock,) = report.security.locks
    assert lock.who == "user=mallory sudo=- ssh=-"
    assert report.reasons == [
        "break-glass locked for user=mallory sudo=- ssh=- until "
        f"{local_iso(lock.until, zone(settings.pipeline.timezone))}",
        "no run yet",
    ]
    assert verdict_of(report).status == "WARNING"

    clock.advance(settings.security.lockout_s + 1)
    report = await evaluate_health(db, settings, clock)
    assert report.status == "UNKNOWN" and report.security is not None
    assert report.security.locks == ()
