"""One line for every failure: list settings, a full log, a file damaged inside."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.core.config import load_settings
from app.core.logging import configure_logging, get_logger
from app.storage.database import Database, open_failure


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_one_clean_line(result: Result, text: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in text
    assert len(text.strip().splitlines()) == 1, text


def test_a_plain_list_setting_is_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_ALERTS__RECIPIENTS", "oncall@example.com")
    monkeypatch.setenv("PRESSBOX_ODDS_API__REGIONS", "us, uk")
    monkeypatch.setenv("PRESSBOX_ODDS_API__MARKETS", '["h2h"]')
    settings = load_settings(dotenv_path=None)
    assert settings.alerts.recipients == ["oncall@example.com"]
    assert settings.odds_api.regions == ["us", "uk"]
    assert settings.odds_api.markets == ["h2h"]


def test_a_broken_list_setting_is_unknown_with_a_line_on_stdout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PRESSBOX_ALERTS__RECIPIENTS", '["oncall@example.com"')
    result = invoke("health", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 3
    assert result.stdout.startswith("UNKNOWN: invalid setting alerts.recipients ")
    assert "comma-separated" in result.stdout
    assert_one_clean_line(result, result.stdout)
    other = invoke("games", "--db", str(tmp_path / "x.db"))
    assert other.exit_code == 2 and "PRESSBOX_ALERTS__RECIPIENTS" in other.stderr
    assert_one_clean_line(other, other.stderr)


def test_an_unparsable_section_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOX_DB", "{not json")
    result = invoke("health")
    assert result.exit_code == 3 and result.stdout.startswith("UNKNOWN: invalid setting")
    assert_one_clean_line(result, result.stdout)


def test_a_full_log_disk_is_one_line_on_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    (log_dir / "pressbox.log").symlink_to("/dev/full")  # every write: ENOSPC
    configure_logging(log_dir)
    log = get_logger("full")
    for n in range(5):
        log.info("the disk is full", n=n)
    logging.getLogger("somelib").warning("so is this")
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert "cannot write the log" in err and "No space left on device" in err
    logging.getLogger().handlers[0].close()


@pytest.fixture
def damaged_db(tmp_path: Path) -> Path:
    path = tmp_path / "damaged.db"
    assert invoke("run", "--demo", "--db", str(path)).exit_code == 0
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type='table'"))
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with path.open("r+b") as handle:
        for table in ("games", "runs"):
            handle.seek((roots[table] - 1) * page)
            handle.write(b"\xde\xad\xbe\xef" * (page // 4))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_db_check_reports_damage_inside_the_file(damaged_db: Path) -> None:
    result = invoke("db", "check", "--db", str(damaged_db))
    assert result.exit_code == 1
    assert "problem(s)" in result.stdout and "  problem: " in result.stdout
    assert "restore the latest backup" in result.stdout
    assert "Traceback" not in result.output


def test_health_is_critical_and_run_refuses_to_write(damaged_db: Path) -> None:
    result = invoke("health", "--db", str(damaged_db))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"CRITICAL: database {damaged_db} is damaged")
    assert_one_clean_line(result, result.stdout)
    before = digest(damaged_db)
    result = invoke("run", "--demo", "--db", str(damaged_db))
    assert result.exit_code == 2
    assert "is damaged" in result.stderr and "the run wrote nothing" in result.stderr
    assert_one_clean_line(result, result.stderr)
    assert digest(damaged_db) == before


def test_a_read_only_database_is_reported_as_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file opens, but every write is refused, as on a read-only mount."""
    path = tmp_path / "ro.db"
    sqlite3.connect(path).close()  # an empty file: opening it must migrate (write)
    real_connect = aiosqlite.connect

    def read_only(database: Path, **kwargs: Any) -> Any:
        return real_connect(f"file:{database}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", read_only)
    result = invoke("db", "migrate", "--db", str(path))
    assert result.exit_code == 2
    assert f"database {path} is read-only to this process" in result.stderr
    assert "remount the filesystem read-write" in result.stderr
    assert "backup" not in result.stderr
    assert_one_clean_line(result, result.stderr)


def test_open_failures_get_the_advice_of_their_cause(tmp_path: Path) -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    assert "Free disk space" in open_failure(tmp_path, full).one_line()
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    assert "Restore it from a backup" in open_failure(tmp_path, damaged).one_line()


@pytest.mark.parametrize("writes_before_full", [0, 3, 8])
def test_a_full_disk_during_run_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes_before_full: int
) -> None:
    """The disk fills after N transactions; Database reports it as its StorageError."""
    real_write = Database.write
    count = {"writes": 0}

    @asynccontextmanager
    async def filling(self: Database) -> AsyncIterator[Any]:
        count["writes"] += 1
        if count["writes"] > writes_before_full:
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise open_failure(self.path, error)
        async with real_write(self) as conn:
            yield conn

    monkeypatch.setattr(Database, "write", filling)
    result = invoke("run", "--demo", "--db", str(tmp_path / "full.db"))
    assert result.exit_code == 2
    assert "the disk is full" in result.stderr and "Free disk space" in result.stderr
    assert_one_clean_line(result, result.stderr)
