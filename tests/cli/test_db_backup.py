"""``pressbox db backup`` while a real daemon writes, and ``db restore`` (refused while it runs)."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from app.core.config import load_settings
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.launch import desk_app
from tests.support.pipeline import pressbox_bin
from widgets.keyed_table import KeyedTable


def _pressbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pressbox_bin(), *args], capture_output=True, text=True, timeout=60, check=False
    )


def _count(path: Path, sql: str) -> int:
    try:
        with closing(sqlite3.connect(path)) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created or not migrated yet


def _wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """``pressbox daemon --demo`` writing a run every 0.1 s into ``live.db``."""
    live = tmp_path / "live.db"
    env = {**os.environ, "PRESSBOX_DEMO__INTERVAL_S": "0.1", "PRESSBOX_DEMO__FAULT_EVERY": "0"}
    process = subprocess.Popen(
        [pressbox_bin(), "daemon", "--demo", "--db", str(live)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: _count(live, "SELECT COUNT(*) FROM runs WHERE outcome = 'ok'") >= 2)
        yield live, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_backup_during_a_running_daemon_is_consistent_and_opens_on_the_desk(
    tmp_path: Path, daemon: tuple[Path, subprocess.Popen[str]]
) -> None:
    live, process = daemon
    copies = []
    for n in range(3):  # several copies while runs keep landing
        copy = tmp_path / f"copy-{n}.db"
        result = _pressbox("--db", str(live), "db", "backup", str(copy))
        assert result.returncode == 0, result.stderr
        assert "integrity_check ok" in result.stdout
        copies.append(copy)
    assert process.poll() is None, "the daemon kept running"
    for copy in copies:
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        with closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] >= 2
        assert not list(tmp_path.glob(f".{copy.name}.partial-*"))
    check = _pressbox("--db", str(copies[-1]), "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr

    # `pressbox --db COPY`: the desk on the copy shows its slate.
    copy = copies[-1]
    settings = load_settings(dotenv_path=None, db={"path": copy}, logging={"dir": tmp_path / "log"})
    database = Database.from_settings(settings.db)
    app = desk_app(settings, StoredDeskData(database), demo=False)
    app._watch_terminal = False  # pytest owns stdin
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        deadline = time.monotonic() + 30
        while games.row_count == 0 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert games.row_count > 0


def test_restore_is_refused_while_the_daemon_runs(
    tmp_path: Path, daemon: tuple[Path, subprocess.Popen[str]]
) -> None:
    live, process = daemon
    copy = tmp_path / "copy.db"
    assert _pressbox("--db", str(live), "db", "backup", str(copy)).returncode == 0
    refused = _pressbox("--db", str(live), "db", "restore", str(copy))
    assert refused.returncode == 1
    assert f"pid {process.pid}" in refused.stderr and "nothing changed" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("live.db.before-restore-*"))

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    runs_before = _count(live, "SELECT COUNT(*) FROM runs")
    assert runs_before > _count(copy, "SELECT COUNT(*) FROM runs") or runs_before >= 2
    restored = _pressbox("--db", str(live), "db", "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert _count(live, "SELECT COUNT(*) FROM runs") == _count(copy, "SELECT COUNT(*) FROM runs")
    (kept,) = tmp_path.glob("live.db.before-restore-*")
    assert _count(kept, "SELECT COUNT(*) FROM runs") == runs_before
    assert _pressbox("--db", str(live), "db", "check").returncode == 0


def test_backup_never_overwrites_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    assert _pressbox("--db", str(source), "db", "migrate").returncode == 0
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    again = _pressbox("--db", str(source), "db", "backup", str(existing))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert existing.read_bytes() == b"keep me"
    nowhere = _pressbox("--db", str(source), "db", "backup", str(tmp_path / "no" / "x.db"))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr
    assert len(nowhere.stderr.strip().splitlines()) == 1


def test_restore_refuses_a_damaged_or_foreign_source(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    assert _pressbox("--db", str(live), "db", "migrate").returncode == 0
    before = live.read_bytes()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database\n")
    refused = _pressbox("--db", str(live), "db", "restore", str(foreign))
    assert refused.returncode == 1 and "not an SQLite database" in refused.stderr
    damaged = tmp_path / "damaged.db"
    good = tmp_path / "good.db"
    assert _pressbox("--db", str(live), "db", "backup", str(good)).returncode == 0
    with closing(sqlite3.connect(good)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()[0]
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    raw = bytearray(good.read_bytes())
    raw[(root - 1) * page : root * page] = b"\xde\xad\xbe\xef" * (page // 4)
    damaged.write_bytes(bytes(raw))
    refused = _pressbox("--db", str(live), "db", "restore", str(damaged))
    assert refused.returncode == 1, refused.stdout
    assert len(refused.stderr.strip().splitlines()) == 1
    assert live.read_bytes() == before
    assert not list(tmp_path.glob("live.db.before-restore-*"))
