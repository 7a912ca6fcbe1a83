"""Real processes on one database: concurrent runs, kill -9 mid-run, the CLI contract."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from app.storage.database import Database
from tests.support.pipeline import RunnerFactory, count, pressbox_bin

ROOT = Path(__file__).resolve().parents[2]
# The demo without its rotating faults: outcomes must not depend on which run meets one.
QUIET_DEMO = {"PRESSBOX_DEMO__FAULT_EVERY": "0"}


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **QUIET_DEMO, **extra}


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def _wait_for(predicate: object, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_four_concurrent_runs_never_overlap(tmp_path: Path) -> None:
    db_path = tmp_path / "shared.db"
    procs = [
        subprocess.Popen(
            [pressbox_bin(), "run", "--demo", "--db", str(db_path)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert all(code in (0, 3) for code, _, _ in results), results
    assert any(code == 0 for code, _, _ in results)
    ran = _rows(
        db_path,
        "SELECT started_at, finished_at, outcome FROM runs WHERE outcome != 'skipped' "
        "ORDER BY started_at",
    )
    assert len(ran) == sum(1 for code, _, _ in results if code == 0)
    assert all(outcome == "ok" and finished for _, finished, outcome in ran)
    for (_, end, _), (start, _, _) in itertools.pairwise(ran):
        assert str(end) <= str(start), ran
    skipped = _rows(db_path, "SELECT reason FROM runs WHERE outcome = 'skipped'")
    assert all("another run is in progress" in str(r[0]) for r in skipped)


async def test_kill_9_mid_run_leaves_a_sound_database_and_the_next_run_takes_over(
    tmp_path: Path, db_path: Path, make_runner: RunnerFactory
) -> None:
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.slow_run", str(db_path), str(ready)],
        env=_env(PYTHONPATH=str(ROOT)),
    )
    try:
        _wait_for(ready.exists)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)  # reaped: its pid is dead, not a zombie

    check = subprocess.run(
        [pressbox_bin(), "db", "check", "--db", str(db_path)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert _rows(db_path, "SELECT outcome, owner_pid FROM runs") == [("running", child.pid)]
    assert _rows(db_path, "SELECT name, status FROM run_stages ORDER BY position") == [
        ("schedule", "ok"),
        ("odds", "running"),
    ]

    async with Database(db_path) as db:
        assert await db.integrity_problems() == []
        games_before = await count(db, "games")
        assert games_before > 0  # what the killed run stored is still there
    result = await make_runner().run("cli")
    assert result.outcome == "ok"
    rows = _rows(db_path, "SELECT id, outcome, reason FROM runs ORDER BY id")
    assert rows[0][1] == "abandoned" and f"pid {child.pid}" in str(rows[0][2])
    assert rows[1][0] == result.run_id and rows[1][1] == "ok"
    assert _rows(db_path, "SELECT status FROM run_stages WHERE run_id = 1 AND name = 'odds'") == [
        ("failed",)
    ]


def _pressbox(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pressbox_bin(), *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_run_exit_codes_and_summary_line(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    ok = _pressbox("run", "--demo", "--db", db)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("run 1 ok: ") and "games" in ok.stdout and "value bets" in ok.stdout

    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO system_mode (id, mode, set_by, set_at, reason) "
            "VALUES (1, 'paused', 'ops', '2025-06-14T12:00:00.000Z', 'maintenance')"
        )
    skipped = _pressbox("run", "--demo", "--db", db)
    assert skipped.returncode == 3
    assert skipped.stdout.startswith("run 2 skipped: ") and "paused" in skipped.stdout

    failed = _pressbox(
        "run",
        "--db",
        str(tmp_path / "live.db"),
        PRESSBOX_MLB_API__BASE_URL="http://127.0.0.1:9",
        PRESSBOX_RESILIENCE__RETRY_ATTEMPTS="1",
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "failed" in failed.stdout and "odds: " in failed.stdout
    assert "127.0.0.1" not in failed.stdout


def test_invalid_date_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    bad = _pressbox("run", "--demo", "--db", str(tmp_path / "d.db"), "--date", "2025-02-30")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "pressbox: invalid --date '2025-02-30': expected YYYY-MM-DD, e.g. 2025-06-14"
    ]
    assert not (tmp_path / "d.db").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_daemon_stops_cleanly_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    db_path = tmp_path / "daemon.db"
    daemon = subprocess.Popen(
        [pressbox_bin(), "daemon", "--demo", "--db", str(db_path)],
        env=_env(PRESSBOX_DEMO__INTERVAL_S="0.2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(
            lambda: (
                db_path.exists()
                and _safe_rows(db_path, "SELECT COUNT(*) FROM runs WHERE outcome = 'ok'") >= 2
            )
        )
        daemon.send_signal(signum)
        code = daemon.wait(timeout=30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    assert code == 0, daemon.stderr.read() if daemon.stderr else ""
    (state,) = _rows(db_path, "SELECT pid, stopped_at FROM daemon_state")
    assert state[0] == daemon.pid and state[1] is not None
    assert _rows(db_path, "SELECT COUNT(*) FROM runs WHERE outcome = 'running'") == [(0,)]
    assert _rows(db_path, "SELECT owner_pid FROM lease") == [(None,)]


def _safe_rows(db_path: Path, sql: str) -> int:
    try:
        return int(_rows(db_path, sql)[0][0])  # type: ignore[call-overload]
    except sqlite3.OperationalError:
        return 0  # not migrated yet
