"""``pressbox daemon`` says on stderr what it runs when it starts, and why it stopped."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.support.pipeline import pressbox_bin


def test_the_daemon_says_what_it_runs_and_why_it_stopped(tmp_path: Path) -> None:
    db = tmp_path / "daemon.db"
    process = subprocess.Popen(
        [pressbox_bin(), "daemon", "--demo", "--db", str(db)],
        env={**os.environ, "PRESSBOX_DEMO__INTERVAL_S": "0.5"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        started = process.stderr.readline()
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert started.startswith(f"pressbox daemon: started (pid {process.pid}); db {db}; ")
    assert "every 0.5 s; mode auto; sources simulated MLB Stats API and The Odds API" in started
    assert rest.strip().splitlines() == ["pressbox daemon: stopped on SIGTERM"]
    assert code == 0


def test_a_daemon_that_cannot_start_says_why_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "a-directory.db"
    folder.mkdir()
    result = subprocess.run(
        [pressbox_bin(), "daemon", "--demo", "--db", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pressbox daemon: stopped by an error: ")
    assert "is a directory" in lines[0]
    assert result.returncode != 0
