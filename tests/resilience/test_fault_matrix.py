"""The fault matrix of issue 3, per source, through the real runner and real sockets.

Each case: a good run first (games and odds stored), then one fault on one
source. The fault must end in the right classification, the right number of
requests at the server (retries), the right breaker state in the database,
a ``degraded`` run (the other source still lands), an intact database and
every row stored before the fault still there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import PipelineRunner, RunResult
from app.storage import source_health
from app.storage.database import Database
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

ATTEMPTS = 3  # resilience.retry_attempts in make_settings
BIG = 100_000  # resilience.max_response_bytes in make_settings


@dataclass(frozen=True)
class Fault:
    name: str
    answer: Answer | None  # None: the source's URL points at a closed port
    error_kind: str
    requests: int  # how many reached the server
    circuit: str  # after one faulty run (threshold 2, so only auth opens at once)
    stage_status: str = "failed"
    outcome: str = "degraded"


def _faults(source: str) -> list[Fault]:
    wrong_shape: object = {"dates": "soon"} if source == "mlb" else {"events": []}
    empty: object = {"totalGames": 0, "dates": []} if source == "mlb" else []
    errors = load_fixture("odds_api_v4_errors.json")
    # Only The Odds API has a quota; its exhausted-credits 401 is not a credential failure.
    quota = (
        [
            Fault(
                "401 no credits",
                Answer.json(errors["401_out_of_usage_credits"], 401),
                "quota",
                1,
                "closed",
            )
        ]
        if source == "odds"
        else []
    )
    return [
        *quota,
        Fault("timeout", Answer(200, b"[]", delay_s=1.5), "transient", ATTEMPTS, "closed"),
        Fault("connection refused", None, "transient", 0, "closed"),
        Fault(
            "429 retry-after",
            Answer.json({"message": "slow down"}, 429, headers={"retry-after": "1"}),
            "transient",
            ATTEMPTS,
            "closed",
        ),
        Fault("500", Answer.json({"message": "boom"}, 500), "transient", ATTEMPTS, "closed"),
        Fault("502", Answer(502, b"<html>bad gateway</html>"), "transient", ATTEMPTS, "closed"),
        Fault("401", Answer.json(errors["401_invalid_key"], 401), "auth", 1, "open"),
        Fault("422", Answer.json(errors["422_missing_region"], 422), "permanent", 1, "closed"),
        Fault("malformed json", Answer(200, b'{"dates": [', {}), "permanent", 1, "closed"),
        Fault("wrong shape", Answer.json(wrong_shape), "permanent", 1, "closed"),
        Fault("empty list", Answer.json(empty), "", 1, "closed", "ok", "ok"),
        Fault("huge", Answer(200, b"[" + b" " * (BIG + 10) + b"]"), "permanent", 1, "closed"),
    ]


CASES = [(source, fault) for source in ("mlb", "odds") for fault in _faults(source)]


async def _count(db: Database, table: str) -> int:
    async with db.read() as conn, conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


def _runner(db: Database, settings: Settings, clock: FixedClock) -> PipelineRunner:
    return PipelineRunner(
        db,
        settings,
        secrets=StaticSecrets({"odds-api-key": ODDS_KEY}),
        clock=clock,
    )


@pytest.mark.parametrize(
    ("source", "fault"), CASES, ids=[f"{s}-{f.name.replace(' ', '_')}" for s, f in CASES]
)
async def test_fault_lands_degraded_and_keeps_stored_rows(
    source: str,
    fault: Fault,
    db: Database,
    db_path: Path,
    server: LoopbackServer,
    closed_port: int,
    fixed_clock: FixedClock,
) -> None:
    settings = make_settings(db_path, server.url)
    good_answers(server)
    first = await _runner(db, settings, fixed_clock).run("cli")
    assert first.outcome == "ok", first.reason
    before = {t: await _count(db, t) for t in ("games", "odds_latest", "odds_moves")}
    assert before["games"] > 0 and before["odds_latest"] > 0

    path = MLB_PATH if source == "mlb" else ODDS_PATH
    section = "mlb_api" if source == "mlb" else "odds_api"
    if fault.answer is None:
        getattr(settings, section).base_url = f"http://127.0.0.1:{closed_port}"
    else:
        server.program(path, fault.answer)
    server.reset_counts()
    fixed_clock.advance(60)

    result: RunResult = await _runner(db, settings, fixed_clock).run("cli")

    stage = {s.name: s for s in result.stages}["schedule" if source == "mlb" else "odds"]
    assert result.outcome == fault.outcome, result.reason
    assert stage.status == fault.stage_status
    if fault.error_kind:
        assert stage.error_kind == fault.error_kind
        assert ODDS_KEY not in (stage.error_summary or "")
        assert "?" not in (stage.error_summary or ""), "no query string in a message"
    assert server.count(path) == fault.requests
    other = ODDS_PATH if source == "mlb" else MLB_PATH
    assert server.count(other) == 1, "the healthy source is still called once"

    async with db.read() as conn:
        health = await source_health.get_source(conn, source)
    assert health is not None
    assert health.circuit_state == fault.circuit
    if fault.error_kind:
        assert health.last_error_kind == fault.error_kind
        assert health.consecutive_failures == 1
        assert ODDS_KEY not in (health.last_error or "")
    after = {t: await _count(db, t) for t in before}
    for table, count in before.items():
        assert after[table] >= count, f"{table} lost rows"
    assert await db.integrity_problems() == []


async def test_both_sources_down_is_a_failed_run_that_keeps_everything(
    db: Database, db_path: Path, server: LoopbackServer, fixed_clock: FixedClock
) -> None:
    settings = make_settings(db_path, server.url)
    good_answers(server)
    assert (await _runner(db, settings, fixed_clock).run("cli")).outcome == "ok"
    games = await _count(db, "games")
    server.program(MLB_PATH, Answer.json({"message": "down"}, 503))
    server.program(ODDS_PATH, Answer.json({"message": "down"}, 503))
    result = await _runner(db, settings, fixed_clock).run("cli")
    assert result.outcome == "failed"
    assert await _count(db, "games") == games
    assert await db.integrity_problems() == []


def test_cli_after_a_fault_db_check_passes_and_health_tells_why(
    db_path: Path, server: LoopbackServer, fixed_clock: FixedClock
) -> None:
    """The CLI face of a fault: `db check` is clean, `health` names the cause, no traceback."""
    settings = make_settings(db_path, server.url)
    good_answers(server)
    errors = load_fixture("odds_api_v4_errors.json")

    async def two_runs() -> str:
        async with Database(db_path) as db:
            assert (await _runner(db, settings, fixed_clock).run("cli")).outcome == "ok"
            server.program(ODDS_PATH, Answer.json(errors["401_invalid_key"], 401))
            return (await _runner(db, settings, fixed_clock).run("cli")).outcome

    assert asyncio.run(two_runs()) == "degraded"
    check = CliRunner().invoke(cli, ["db", "check", "--db", str(db_path)])
    assert check.exit_code == 0, check.output
    health = CliRunner().invoke(cli, ["health", "--db", str(db_path)])
    # The real clock is years after the fixed one: no success "within the threshold" -> CRITICAL,
    # and the reasons still name the degraded run and the open breaker.
    assert health.exit_code in (1, 2)
    assert "The Odds API circuit breaker open (until an operator resets it" in health.output
    assert "Traceback" not in health.output + check.output
    assert ODDS_KEY not in health.output + check.output
