"""`pressbox db check` / `db migrate` through the real console entry point."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import cli
from app.storage.schema import SCHEMA_VERSION


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_migrate_then_check(tmp_path: Path) -> None:
    path = tmp_path / "new" / "p.db"
    code, out, _ = invoke("db", "migrate", "--db", str(path))
    assert code == 0 and f"0 -> {SCHEMA_VERSION}" in out
    code, out, _ = invoke("db", "migrate", "--db", str(path))
    assert code == 0 and "nothing to do" in out
    code, out, _ = invoke("db", "check", "--db", str(path))
    assert code == 0 and ": ok;" in out and "SQLite" in out


def test_check_json(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    invoke("db", "migrate", "--db", str(path))
    code, out, _ = invoke("db", "check", "--json", "--db", str(path))
    import json

    payload = json.loads(out)
    assert code == 0
    assert payload["ok"] is True
    assert payload["schema_version"] == SCHEMA_VERSION
    assert isinstance(payload["sqlite_version_ok"], bool)


def test_check_missing_database_is_a_problem(tmp_path: Path) -> None:
    code, _out, err = invoke("db", "check", "--db", str(tmp_path / "none.db"))
    assert code == 1
    assert err.count("\n") == 1 and "does not exist" in err
    assert not (tmp_path / "none.db").exists()


def test_check_corrupt_database(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"garbage" * 50)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, _, err = invoke("db", "check", "--db", str(path))
    assert code == 1 and "not an SQLite database" in err and "Traceback" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_check_finds_integrity_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    invoke("db", "migrate", "--db", str(path))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO run_stages (run_id, position, name, status, started_at) "
            "VALUES (999, 0, 'schedule', 'ok', 'x')"
        )
    code, out, _ = invoke("db", "check", "--db", str(path))
    assert code == 1 and "foreign key violation in run_stages" in out


def test_migrate_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    code, _, err = invoke("db", "migrate", "--db", str(path))
    assert code != 0 and "newer than this pressbox supports" in err
    assert err.strip().count("\n") == 0


def test_directory_as_database(tmp_path: Path) -> None:
    code, _, err = invoke("db", "migrate", "--db", str(tmp_path))
    assert code != 0 and "is a directory" in err


def test_invalid_setting_is_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRESSBOX_DB__BUSY_TIMEOUT_MS", "soon")
    code, _, err = invoke("db", "check", "--db", str(tmp_path / "p.db"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "db.busy_timeout_ms" in err


def test_console_script_usage_mistakes_are_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = str(Path(sys.executable).parent / "pressbox")
    for args in (["nosuch"], ["runs", "--limit", "x"], ["control", "override", "sideways"]):
        result = subprocess.run(
            [exe, *args], capture_output=True, text=True, check=False, cwd=tmp_path
        )
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("pressbox: "), args
        assert "--help" in result.stderr and "Traceback" not in result.stderr
    ok = subprocess.run([exe, "db", "migrate", "--db", str(tmp_path / "p.db")], check=False)
    assert ok.returncode == 0
    missing = subprocess.run(
        [exe, "db", "check", "--db", str(tmp_path / "none.db")], capture_output=True, check=False
    )
    assert missing.returncode == 1
