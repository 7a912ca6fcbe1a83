"""The alert service: rules, dedupe, rate limit, recording, retry, and never failing a run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from alerts_smtp import SMTP_PASSWORD, SMTP_USER, Inbox, SmtpServer, Tls, free_port

from app.alerts import store
from app.alerts.mailer import SmtpMailer
from app.alerts.rules import override_executed, quota_low
from app.alerts.service import DUPLICATE, AlertService
from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.core.errors import AuthError, TransientError
from app.core.logging import configure_logging
from app.core.secrets import StaticSecrets
from app.domain.status import Mode
from app.pipeline.runner import PipelineRunner
from app.resilience.breaker import on_failure, reset_breaker
from app.resilience.quota import record_quota
from app.sources.odds_api import QuotaHeaders
from app.storage.database import Database
from app.storage.mode import set_mode


@dataclass(frozen=True)
class Result:
    run_id: int | None
    outcome: str
    reason: str | None = None


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 6, 14, 20, 0, tzinfo=UTC))


def _settings(db_path: Path, port: int, **alerts: Any) -> Settings:
    return load_settings(
        dotenv_path=None,
        db={"path": db_path},
        alerts={
            "enabled": True,
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "tls_mode": "plain-local",
            "smtp_username": "",
            "recipients": ["oncall@example.test"],
            "timeout_s": 5,
            **alerts,
        },
        resilience={"retry_attempts": 3},
    )


def _service(
    db: Database, settings: Settings, clock: FixedClock, tls: Tls | None = None
) -> AlertService:
    secrets = StaticSecrets({"smtp-password": SMTP_PASSWORD})
    mailer = SmtpMailer(settings.alerts, secrets, tls_context=tls.client if tls else None)
    return AlertService(db, settings, clock, secrets, mailer=mailer)


async def _add_run(db: Database, clock: FixedClock, outcome: str, reason: str | None = None) -> int:
    async with db.write() as conn:
        cur = await conn.execute(
            "INSERT INTO runs (trigger, slate_date, outcome, reason, started_at, finished_at, "
            "owner_host, owner_pid) VALUES ('schedule', '2025-06-14', ?, ?, ?, ?, 'h', 1)",
            (outcome, reason, clock.now_iso(), clock.now_iso()),
        )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def _alerts(db: Database) -> list[store.AlertRow]:
    async with db.read() as conn:
        return list(reversed(await store.recent(conn, 100)))


async def test_failed_run_alert_arrives_once_within_the_window(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    service = _service(db, _settings(db_path, plain_smtp.port), clock)
    run_id = await _add_run(db, clock, "failed", "schedule: MLB Stats API had a server error")
    await service.after_run(Result(run_id, "failed", "schedule: MLB Stats API had a server error"))

    [message] = plain_smtp.inbox.messages
    assert message["Subject"] == f"[pressbox] run {run_id} failed"
    body = message.get_payload()
    assert "MLB Stats API had a server error" in body and clock.now_iso() in body

    clock.advance(300)
    second = await _add_run(db, clock, "failed", "again")
    await service.after_run(Result(second, "failed", "again"))
    assert len(plain_smtp.inbox.messages) == 1, "a duplicate within the window is not sent"
    [row] = await _alerts(db)
    assert (row.kind, row.status, row.attempts) == ("run_failed", "sent", 1)

    clock.advance(3600)
    third = await _add_run(db, clock, "failed", "still")
    await service.after_run(Result(third, "failed", "still"))
    subjects = [m["Subject"] for m in plain_smtp.inbox.messages]
    assert f"[pressbox] run {third} failed" in subjects, "after the window the reminder goes out"
    assert "[pressbox] no successful run ever" in subjects, "and no run succeeded for an hour"


async def test_rate_limit_and_disabled_are_recorded_as_suppressed(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    service = _service(db, _settings(db_path, plain_smtp.port, max_per_hour=2), clock)
    statuses = [
        await service.raise_alert(override_executed(m, "alice", "drill", clock.now_iso()))
        for m in ("paused", "auto", "halted")
    ]
    assert statuses == ["sent", "sent", "suppressed"]
    assert len(plain_smtp.inbox.messages) == 2
    assert (await _alerts(db))[-1].last_error == "rate limit of 2 per hour"

    disabled = _service(db, _settings(db_path, plain_smtp.port, enabled=False), clock)
    clock.advance(7200)
    await disabled.override_executed("auto", "alice", "lifting")
    row = (await _alerts(db))[-1]
    assert (row.kind, row.status) == ("override", "suppressed")
    assert "alice set the system mode to auto" in row.body
    assert len(plain_smtp.inbox.messages) == 2


async def test_smtp_down_then_back_is_retried_by_the_next_flush(
    db: Database, db_path: Path, clock: FixedClock
) -> None:
    port = free_port()
    service = _service(db, _settings(db_path, port), clock)
    run_id = await _add_run(db, clock, "failed", "boom")
    await service.after_run(Result(run_id, "failed", "boom"))  # must not raise
    [row] = await _alerts(db)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None and "plain-local" in row.last_error

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.advance(60)
        report = await service.flush_pending()
    finally:
        controller.stop()
    assert (report.sent, report.failed) == (1, 0)
    [row] = await _alerts(db)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, clock.now_iso())
    assert [m["Subject"] for m in inbox.messages] == [row.subject]


async def test_run_is_not_failed_by_a_rejected_smtp_login(
    db: Database, db_path: Path, starttls_smtp: SmtpServer, tls: Tls, clock: FixedClock
) -> None:
    """A real run whose sources are down, with an alert hook whose SMTP login is rejected."""
    settings = _settings(
        db_path, starttls_smtp.port, tls_mode="starttls", smtp_username="someone-else@example.test"
    )
    settings.resilience.retry_attempts = 1
    service = _service(db, settings, clock, tls)

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"message": "maintenance"})

    runner = PipelineRunner(
        db,
        settings,
        transport=httpx.MockTransport(down),
        secrets=StaticSecrets({"odds-api-key": "odds-key-canary-0123456789"}),
        clock=clock,
        after_run=service.after_run,
    )
    result = await runner.run("cli")
    assert result.outcome == "failed"
    assert set(starttls_smtp.inbox.logins) == {("someone-else@example.test", False)}
    rows = await _alerts(db)
    assert [r.kind for r in rows] == ["run_failed"]
    assert rows[0].status == "failed" and "535" in (rows[0].last_error or "")


async def test_breaker_alerts_once_per_opening_and_once_per_closing(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    settings = _settings(db_path, plain_smtp.port)
    service = _service(db, settings, clock)
    await on_failure(db, "odds", settings, clock, AuthError("The Odds API refused the key"), 12.0)
    run_id = await _add_run(db, clock, "degraded", "odds: refused")
    await service.after_run(Result(run_id, "degraded"))
    clock.advance(4000)  # past the dedupe window: still no second "opened" for the same outage
    await service.after_run(Result(run_id, "degraded"))
    breaker = [m for m in plain_smtp.inbox.messages if "circuit breaker" in m["Subject"]]
    assert [m["Subject"] for m in breaker] == ["[pressbox] The Odds API circuit breaker opened"]
    assert "reset-breaker odds" in breaker[0].get_payload()

    await reset_breaker(db, "odds", clock)
    await service.after_run(Result(run_id, "ok"))
    await service.after_run(Result(run_id, "ok"))
    subjects = [m["Subject"] for m in plain_smtp.inbox.messages if "circuit" in m["Subject"]]
    assert subjects[1:] == ["[pressbox] The Odds API circuit breaker closed"]

    # A new outage is a new alert, delivered through the guard's hook as well.
    for _ in range(settings.resilience.breaker_failure_threshold):
        change = await on_failure(db, "odds", settings, clock, TransientError("502"), 5.0)
    assert change is not None
    await service.breaker_changed(change)
    subjects = [m["Subject"] for m in plain_smtp.inbox.messages if "circuit" in m["Subject"]]
    assert subjects[2:] == ["[pressbox] The Odds API circuit breaker opened"]


async def test_quota_low_degraded_streak_and_no_success(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    settings = _settings(db_path, plain_smtp.port, degraded_repeat=2, no_success_after_s=3600)
    service = _service(db, settings, clock)
    await record_quota(db, clock, QuotaHeaders(remaining=800, used=19_200, last=3))
    first = await _add_run(db, clock, "degraded", "odds: x")
    await service.after_run(Result(first, "degraded"))
    clock.advance(300)
    second = await _add_run(db, clock, "degraded", "odds: y")
    await service.after_run(Result(second, "degraded"))
    clock.advance(2 * 3600)
    third = await _add_run(db, clock, "failed", "all down")
    await service.after_run(Result(third, "failed", "all down"))
    kinds = [r.kind for r in await _alerts(db)]
    # quota_low again: the dedupe window (1 h) has passed, so the reminder goes out.
    assert kinds == ["quota_low", "run_degraded", "run_failed", "quota_low", "no_success"]
    subjects = [m["Subject"] for m in plain_smtp.inbox.messages]
    assert "[pressbox] Odds API credits low (800 left)" in subjects
    assert "[pressbox] the last 2 runs were degraded" in subjects


async def _value_bet(db: Database, clock: FixedClock, book: str, edge: float) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO games (game_pk, official_date, start_time, away_team_id, "
            "away_team, home_team_id, home_team, abstract_state, status_code, status, updated_at) "
            "VALUES (1, '2025-06-14', '2025-06-14T23:05:00.000Z', 1, 'Boston Red Sox', 2, "
            "'New York Yankees', 'Preview', 'S', 'Scheduled', ?)",
            (clock.now_iso(),),
        )
        await conn.execute(
            "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, "
            "game_pk, price, fair_prob, edge, stake, active, first_seen_at, updated_at) VALUES "
            "('ev1', 'h2h', 'Boston Red Sox', 0, ?, '2025-06-14', 1, 150, 0.45, ?, 0.01, 1, ?, ?)",
            (book, edge, clock.now_iso(), clock.now_iso()),
        )


async def test_new_value_bets_above_the_edge_once_and_never_while_halted(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    service = _service(db, _settings(db_path, plain_smtp.port, value_bet_edge=0.04), clock)
    await _value_bet(db, clock, "draftkings", 0.125)
    await _value_bet(db, clock, "fanduel", 0.01)  # below the alert edge
    clock.advance(1)
    await service.after_run(Result(1, "ok"))
    [message] = plain_smtp.inbox.messages
    assert message["Subject"] == "[pressbox] 1 new value bet(s), best edge 12.5%"
    body = message.get_payload()
    assert "Boston Red Sox @ New York Yankees: h2h Boston Red Sox at draftkings +150" in body
    assert "fanduel" not in body

    clock.advance(300)
    await service.after_run(Result(2, "ok"))
    assert len(plain_smtp.inbox.messages) == 1, "the same bet is not alerted twice"

    async with db.write() as conn:
        await set_mode(conn, Mode.HALTED, set_by="bob", set_at=clock.now_iso(), reason="bad feed")
    await _value_bet(db, clock, "betmgm", 0.2)
    clock.advance(1)
    await service.after_run(Result(3, "ok"))
    assert len(plain_smtp.inbox.messages) == 1, "no value-bet alert while halted"


async def test_smtp_password_never_leaks(
    db: Database,
    db_path: Path,
    starttls_smtp: SmtpServer,
    tls: Tls,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    log_path = configure_logging(tmp_path / "logs", "debug")
    settings = _settings(db_path, starttls_smtp.port, tls_mode="starttls", smtp_username=SMTP_USER)
    service = _service(db, settings, clock, tls)
    run_id = await _add_run(db, clock, "failed", f"echo {SMTP_PASSWORD}")
    await service.after_run(Result(run_id, "failed", f"upstream echoed {SMTP_PASSWORD}"))
    [message] = starttls_smtp.inbox.messages
    assert starttls_smtp.inbox.logins == [(SMTP_USER, True)]
    assert SMTP_PASSWORD not in message.as_string(), "registered secrets are redacted in bodies"
    async with db.read() as conn, conn.execute("SELECT * FROM alerts") as cur:
        rows = json.dumps([list(r) for r in await cur.fetchall()])
    assert SMTP_PASSWORD not in rows
    assert SMTP_PASSWORD not in log_path.read_text(encoding="utf-8")


async def test_duplicate_is_not_recorded(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    service = _service(db, _settings(db_path, plain_smtp.port), clock)
    assert await service.raise_alert(quota_low(10, 1000, 500)) == "sent"
    assert await service.raise_alert(quota_low(9, 1000, 500)) == DUPLICATE
    assert len(await _alerts(db)) == 1


async def test_no_success_is_not_alerted_while_halted(
    db: Database, db_path: Path, plain_smtp: SmtpServer, clock: FixedClock
) -> None:
    service = _service(db, _settings(db_path, plain_smtp.port, no_success_after_s=600), clock)
    await _add_run(db, clock, "ok")
    async with db.write() as conn:
        await set_mode(conn, Mode.HALTED, set_by="bob", set_at=clock.now_iso(), reason="feed")
    clock.advance(3600)
    skipped = await _add_run(db, clock, "skipped", "system is halted")
    await service.after_run(Result(skipped, "skipped", "system is halted"))
    assert plain_smtp.inbox.messages == []
    async with db.write() as conn:
        await set_mode(conn, Mode.AUTO, set_by="bob", set_at=clock.now_iso(), reason="fixed")
    await service.after_run(Result(skipped, "skipped"))
    assert [m["Subject"] for m in plain_smtp.inbox.messages] == [
        "[pressbox] no successful run since 2025-06-14T20:00:00.000Z"
    ]
