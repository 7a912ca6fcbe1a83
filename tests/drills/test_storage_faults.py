"""Drills: the disk fills up, or the database turns read-only, in the middle of a run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fault_run import dump_tables
from tests.support.fleet import demo_env, rows

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Bookkeeping a failed run may still change: its run and stage rows, the lease, source health
# (and the history row its trigger writes with each source-health write, for rewind).
BOOKKEEPING = {"runs", "run_stages", "lease", "source_health", "source_health_history"}


def fault_run(
    db: Path, fault: str, snapshot: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.fault_run", str(db), fault, str(snapshot)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("full", "cannot grow: the disk is full"),
        ("read-only", "cannot be written: the file, its directory or the mount is read-only"),
    ],
)
def test_a_storage_fault_mid_run_is_one_line_and_writes_nothing_half(
    tmp_path: Path, fault: str, words: str
) -> None:
    db = tmp_path / "drill.db"
    snapshot = tmp_path / "at-fault.json"
    env = demo_env(tmp_path, PYTHONPATH=str(ROOT))
    done = fault_run(db, fault, snapshot, env)
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) == 1, lines
    assert words in lines[0] and "Traceback" not in lines[0]
    assert done.returncode in (1, 2)

    # Every data table holds exactly what it held when the fault struck.
    at_fault = json.loads(snapshot.read_text())
    after = dump_tables(db)
    assert set(after) == set(at_fault)
    changed = {t for t in after if after[t] != at_fault[t]}
    assert changed <= BOOKKEEPING, changed
    assert at_fault["games"]  # the schedule stage had landed before the fault

    # With the fault gone, the next run proceeds and no run stays 'running'.
    again = fault_run(db, "none", tmp_path / "unused.json", env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert rows(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'running'") == [(0,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
