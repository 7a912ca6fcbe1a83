"""Demo stays demo: the public demo key and simulated data only go to a demo database."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import cli
from app.core.config import DemoSettings

from .conftest import ADMIN_KEY


def invoke(*args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def production_db(path: Path) -> None:
    """A database in use for production: migrated, an admin key of its own, no games yet."""
    code, _, err = invoke("admin-key", "set", "--db", str(path), stdin=ADMIN_KEY + "\n")
    assert code == 0, err
    # Settle the WAL into the file, so the digest below sees every byte.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_run_demo_on_a_production_database_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    prod = tmp_path / "prod.db"
    production_db(prod)
    before = digest(prod)
    key_before = rows(prod, "SELECT verifier FROM admin_key")
    for command in (("run", "--demo"), ("daemon", "--demo")):
        code, out, err = invoke(*command, "--db", str(prod))
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and "not created in demo mode" in err
    with sqlite3.connect(prod) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert digest(prod) == before
    assert rows(prod, "SELECT count(*) FROM games") == [(0,)]
    assert rows(prod, "SELECT verifier FROM admin_key") == key_before


def test_a_database_marked_production_by_a_run_refuses_the_demo(tmp_path: Path) -> None:
    prod = tmp_path / "prod.db"
    code, _, _ = invoke("db", "migrate", "--db", str(prod))
    assert code == 0
    # A production run (upstreams unreachable: it fails) marks the database as production.
    CliRunner().invoke(
        cli,
        ["run", "--db", str(prod)],
        env={
            "PRESSBOX_MLB_API__BASE_URL": "http://127.0.0.1:9",
            "PRESSBOX_ODDS_API__BASE_URL": "http://127.0.0.1:9",
            "PRESSBOX_RESILIENCE__RETRY_ATTEMPTS": "1",
        },
    )
    assert rows(prod, "SELECT value FROM db_meta") == [("production",)]
    code, _, err = invoke("run", "--demo", "--db", str(prod))
    assert code == 2 and "not created in demo mode" in err
    assert rows(prod, "SELECT count(*) FROM admin_key") == [(0,)]


def test_a_fresh_database_becomes_a_demo_one_and_keeps_working(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    first = invoke("run", "--demo", "--db", str(demo))
    again = invoke("run", "--demo", "--db", str(demo))
    assert first[0] == 0 and again[0] == 0, (first, again)
    assert rows(demo, "SELECT value FROM db_meta") == [("demo",)]
    # The demo key works on it, although it would never pass the strength rule.
    code, out, err = invoke(
        "control",
        "override",
        "paused",
        "--reason",
        "drill",
        "--db",
        str(demo),
        stdin=DemoSettings().admin_key + "\n",
    )
    assert code == 0 and "mode is now paused" in out, err


def test_the_desk_refuses_demo_on_a_production_database(tmp_path: Path) -> None:
    prod = tmp_path / "prod.db"
    production_db(prod)
    key_before = rows(prod, "SELECT verifier FROM admin_key")
    code, _, err = invoke("--demo", "--db", str(prod))
    assert code == 2 and "not created in demo mode" in err
    # Refused inside the transaction that would have marked it: no mark, no key change.
    assert rows(prod, "SELECT * FROM db_meta") == []
    assert rows(prod, "SELECT verifier FROM admin_key") == key_before
