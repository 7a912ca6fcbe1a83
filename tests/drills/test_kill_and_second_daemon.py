"""Drills: the daemon killed with -9 at random points, and a second daemon started by mistake."""

from __future__ import annotations

import random
import select
import signal
import time
from pathlib import Path

import pytest

from tests.support.fleet import demo_env, rows, scalar, start_daemon, stop, wait_for

pytestmark = pytest.mark.integration

KILLS = 8
SEED = 1414  # the kill points are random, but the same in every CI run


def consistent(db: Path) -> None:
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    # A finished run has its finish time; a stage of a finished run is not left running.
    assert rows(db, "SELECT id FROM runs WHERE outcome != 'running' AND finished_at IS NULL") == []
    assert (
        rows(
            db,
            "SELECT s.run_id FROM run_stages s JOIN runs r ON r.id = s.run_id "
            "WHERE s.status = 'running' AND r.outcome != 'running'",
        )
        == []
    )


def test_kill_9_at_random_points_never_leaves_a_run_running(tmp_path: Path) -> None:
    db = tmp_path / "drill.db"
    env = demo_env(tmp_path, PRESSBOX_DEMO__INTERVAL_S="0.1")
    pick = random.Random(SEED)
    killed_pids = []
    for _ in range(KILLS):
        before = scalar(db, "SELECT COUNT(*) FROM runs")
        daemon = start_daemon(db, env)
        # Wait until this daemon has started a run of its own, then kill it somewhere in it
        # or between runs: the delay is random over about one run's length.
        wait_for(lambda: scalar(db, "SELECT COUNT(*) FROM runs") > before, what="a run")  # noqa: B023
        time.sleep(pick.uniform(0.0, 0.6))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=30)
        killed_pids.append(daemon.pid)
        consistent(db)

    # The next daemon takes over: every run the kills interrupted is marked abandoned.
    daemon = start_daemon(db, env)
    last = scalar(db, "SELECT MAX(id) FROM runs")
    try:
        wait_for(
            lambda: (
                scalar(db, "SELECT COUNT(*) FROM runs WHERE id > ? AND outcome = 'ok'", (last,))
                >= 2
            ),
            what="two ok runs after the kills",
        )
    finally:
        assert stop(daemon) == 0
    consistent(db)
    assert rows(db, "SELECT id FROM runs WHERE outcome = 'running'") == []
    abandoned = rows(db, "SELECT reason FROM runs WHERE outcome = 'abandoned'")
    assert abandoned  # a demo run lasts longer than the pause between runs: kills land mid-run
    assert all(any(f"pid {pid}" in str(r[0]) for pid in killed_pids) for r in abandoned)
    assert scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'ok'") >= 2


def test_a_second_daemon_waits_and_says_so_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "drill.db"
    env = demo_env(tmp_path, PRESSBOX_DEMO__INTERVAL_S="0.2")
    first = start_daemon(db, env)
    second = None
    try:
        wait_for(lambda: scalar(db, "SELECT pid FROM daemon_state") == first.pid, what="a beat")
        second = start_daemon(db, env)
        assert second.stderr is not None
        ready, _, _ = select.select([second.stderr], [], [], 60)
        said = second.stderr.readline() if ready else ""
        runs_now = scalar(db, "SELECT COUNT(*) FROM runs")
        wait_for(
            lambda: scalar(db, "SELECT COUNT(*) FROM runs") >= runs_now + 3,
            what="three more runs",
        )
        # While both live, only the first serves: its heartbeat, its runs, one at a time.
        assert second.poll() is None
        assert scalar(db, "SELECT pid FROM daemon_state") == first.pid
        owners = {r[0] for r in rows(db, "SELECT owner_pid FROM runs")}
        assert second.pid not in owners
        assert stop(first) == 0
        # The waiting one takes over once the first is gone.
        wait_for(lambda: scalar(db, "SELECT pid FROM daemon_state") == second.pid, what="takeover")
        assert stop(second) == 0
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
    host = rows(db, "SELECT host FROM daemon_state")[0][0]
    assert (
        said == f"another daemon (pid {first.pid} on {host}) serves {db}; waiting for it to stop\n"
    )
    rest = second.stderr.read().splitlines()
    assert not [line for line in rest if "another daemon" in line]  # said once, not per tick
