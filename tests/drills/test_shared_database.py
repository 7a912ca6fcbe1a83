"""Drill: several desks and a daemon on one database for a while, never "database is locked"."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.fleet import (
    LOCKED_WORDS,
    demo_env,
    log_text,
    scalar,
    start_daemon,
    start_desk,
    stop,
    wait_for,
)

pytestmark = pytest.mark.integration

DESKS = 3
WHILE_S = 20.0


def test_desks_and_a_daemon_share_one_database_without_locking(tmp_path: Path) -> None:
    db = tmp_path / "drill.db"
    env = demo_env(
        tmp_path, PRESSBOX_DEMO__INTERVAL_S="0.2", PRESSBOX_DASHBOARD__POLL_INTERVAL_S="0.2"
    )
    daemon = start_daemon(db, env)
    desks = []
    try:
        wait_for(lambda: scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'ok'") >= 1)
        desks = [start_desk(db, env) for _ in range(DESKS)]
        start_runs = scalar(db, "SELECT COUNT(*) FROM runs")
        deadline = time.monotonic() + WHILE_S
        while time.monotonic() < deadline:
            for desk in desks:
                desk.drain(0.05)
        for desk in desks:
            assert desk.process.poll() is None, bytes(desk.screen[-2000:])
        assert scalar(db, "SELECT COUNT(*) FROM runs") > start_runs + 5
        assert daemon.poll() is None
    finally:
        for desk in desks:
            desk.close()
        code = stop(daemon)
    assert code == 0
    assert daemon.stderr is not None and daemon.stdout is not None
    seen = daemon.stderr.read() + daemon.stdout.read() + log_text(tmp_path)
    seen += "".join(desk.screen.decode("utf-8", errors="replace") for desk in desks)
    for words in LOCKED_WORDS:
        assert words not in seen
    assert scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome NOT IN ('ok', 'skipped')") == 0
    for desk in desks:  # each desk kept up with the daemon all along
        assert f"daemon pid {daemon.pid}" in desk.screen.decode("utf-8", errors="replace")
