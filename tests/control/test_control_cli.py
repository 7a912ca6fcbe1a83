"""`pressbox admin-key set` and `pressbox control ...` through the real Click entry point."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.control import audit
from app.core.clock import Clock
from app.domain.status import Mode
from app.storage import daemon_state
from app.storage.database import Database
from app.storage.mode import get_mode, set_mode

NEW_KEY = "Operator-chosen-Key-2025!"  # pragma: allowlist secret
OTHER_KEY = "Rotated-admin-Key-0042?"  # pragma: allowlist secret


def invoke(db_path: Path, *args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], input=stdin)


async def _mode(db_path: Path) -> Mode:
    async with Database(db_path) as db, db.read() as conn:
        return (await get_mode(conn)).mode


async def _prepare(db_path: Path, mode: Mode | None = None, daemon_alive: bool = False) -> None:
    now = Clock().now_iso()
    async with Database(db_path) as db, db.write() as conn:
        if mode is not None:
            await set_mode(conn, mode, set_by="test", set_at=now, reason="setup")
        if daemon_alive:
            await daemon_state.beat(
                conn, host="srv", pid=1, started_at=now, now=now, next_run_at=None
            )


async def _trail(db_path: Path) -> list[audit.AuditEntry]:
    async with Database(db_path) as db, db.read() as conn:
        return list(reversed(await audit.recent(conn, 100)))


@pytest.fixture
def keyed_db(db_path: Path) -> Path:
    result = invoke(db_path, "admin-key", "set", stdin=NEW_KEY + "\n")
    assert result.exit_code == 0 and "admin key set" in result.stdout, result.output
    return db_path


def test_admin_key_generate_prints_a_new_key_once_and_rotation_needs_the_old(
    keyed_db: Path,
) -> None:
    refused = invoke(keyed_db, "admin-key", "set", "--generate", stdin="wrong-old-key-123\n")
    assert refused.exit_code == 4 and "wrong admin key" in refused.stderr
    rotated = invoke(keyed_db, "admin-key", "set", "--generate", stdin=NEW_KEY + "\n")
    assert rotated.exit_code == 0
    generated = rotated.stdout.splitlines()[1]
    assert len(generated) >= 43 and "admin key rotated" in rotated.stdout
    old = invoke(keyed_db, "control", "override", "paused", "--reason", "x", stdin=NEW_KEY + "\n")
    assert old.exit_code == 4
    new = invoke(keyed_db, "control", "override", "paused", "--reason", "x", stdin=generated + "\n")
    assert new.exit_code == 0
    trail = asyncio.run(_trail(keyed_db))
    assert all(generated not in str(e) and NEW_KEY not in str(e) for e in trail)


def test_weak_admin_key_refused(db_path: Path) -> None:
    result = invoke(db_path, "admin-key", "set", stdin="password\n")
    assert result.exit_code == 4 and "minimum is 16" in result.stderr


def test_override_needs_a_reason_and_the_key(keyed_db: Path) -> None:
    no_reason = invoke(keyed_db, "control", "override", "halted", stdin=NEW_KEY + "\n")
    assert no_reason.exit_code == 4 and "reason is required" in no_reason.stderr
    wrong = invoke(
        keyed_db, "control", "override", "halted", "--reason", "r", stdin=OTHER_KEY + "\n"
    )
    assert wrong.exit_code == 4 and "wrong admin key" in wrong.stderr
    assert asyncio.run(_mode(keyed_db)) is Mode.AUTO
    done = invoke(keyed_db, "control", "override", "halted", "--reason", "r", stdin=NEW_KEY + "\n")
    assert done.exit_code == 0 and "mode is now halted" in done.stdout
    assert asyncio.run(_mode(keyed_db)) is Mode.HALTED
    bad_mode = invoke(keyed_db, "control", "override", "sideways", "--reason", "r")
    assert bad_mode.exit_code == 2


def test_execute_refused_while_halted(keyed_db: Path) -> None:
    asyncio.run(_prepare(keyed_db, Mode.HALTED))
    result = invoke(keyed_db, "control", "execute", "--reason", "now", stdin=NEW_KEY + "\n")
    assert result.exit_code == 4 and "halted" in result.stderr
    assert asyncio.run(_trail(keyed_db))[-1].outcome == "refused_halted"


def test_execute_handed_to_a_live_daemon(keyed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The daemon's heartbeat is fresh but nothing serves the request: the wait runs out.
    monkeypatch.setenv("PRESSBOX_SECURITY__HANDOFF_WAIT_S", "0.3")
    monkeypatch.setenv("PRESSBOX_DASHBOARD__POLL_INTERVAL_S", "0.1")
    asyncio.run(_prepare(keyed_db, Mode.PAUSED, daemon_alive=True))
    result = invoke(keyed_db, "control", "execute", "--reason", "now", stdin=NEW_KEY + "\n")
    assert result.exit_code == 0, result.output
    assert "handed to the daemon (request #1)" in result.stdout
    assert "request #1 is still pending" in result.stdout


async def _daemon_alive(db_path: Path) -> bool:
    async with Database(db_path) as db, db.read() as conn:
        state = await daemon_state.read_state(conn)
    return state is not None and state.stopped_at is None


def test_execute_reports_the_outcome_of_the_daemons_run(
    keyed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real `pressbox daemon --demo` takes the request; execute exits as `run` would."""
    monkeypatch.setenv("PRESSBOX_DEMO__INTERVAL_S", "600")  # only the request makes it run
    monkeypatch.setenv("PRESSBOX_PIPELINE__LEASE_HEARTBEAT_S", "0.5")
    monkeypatch.setenv("PRESSBOX_DASHBOARD__POLL_INTERVAL_S", "0.2")
    monkeypatch.setenv("PRESSBOX_SECURITY__HANDOFF_WAIT_S", "60")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "pressbox"), "daemon", "--demo", "--db", str(keyed_db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not asyncio.run(_daemon_alive(keyed_db)):
            assert time.monotonic() < deadline, "the daemon never beat"
            time.sleep(0.2)
        result = invoke(keyed_db, "control", "execute", "--reason", "drill", stdin=NEW_KEY + "\n")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    assert "handed to the daemon (request #1)" in result.stdout, result.output
    assert "(by the daemon, request #1)" in result.stdout, result.output
    assert result.exit_code == 0, result.output  # the demo run is ok
    assert daemon.returncode == 0


def test_reset_breaker_closes_the_breaker(keyed_db: Path) -> None:
    result = invoke(
        keyed_db, "control", "reset-breaker", "odds", "--reason", "new key", stdin=NEW_KEY + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "the odds breaker is closed" in result.stdout
    outcomes = [(e.action, e.outcome) for e in asyncio.run(_trail(keyed_db))]
    assert outcomes[-2:] == [("reset_breaker", "accepted"), ("reset_breaker", "done")]


def test_execute_runs_in_process_when_no_daemon(
    keyed_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both upstreams unreachable (a closed loopback port): a real run that fails fast.
    monkeypatch.setenv("PRESSBOX_MLB_API__BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PRESSBOX_ODDS_API__BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PRESSBOX_RESILIENCE__RETRY_ATTEMPTS", "1")
    result = invoke(keyed_db, "control", "execute", "--reason", "test", stdin=NEW_KEY + "\n")
    assert "break-glass run finished: failed" in result.stdout, result.output
    assert result.exit_code == 1  # as `pressbox run`: failed
    outcomes = [(e.action, e.outcome) for e in asyncio.run(_trail(keyed_db))]
    assert outcomes[-2:] == [("execute", "accepted"), ("execute", "done")]
