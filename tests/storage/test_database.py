"""The Database object: WAL, migrations, refusal of unusable files, transactions, change counter."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from app.core.errors import SchemaTooNewError, StorageError
from app.domain.status import Mode
from app.storage.database import Database, open_database, sqlite_version_is_safe
from app.storage.mode import get_mode, set_mode
from app.storage.schema import SCHEMA_VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_new_database_is_wal_and_current(db: Database, db_path: Path) -> None:
    assert await db.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    expected = {
        "games",
        "odds_latest",
        "odds_moves",
        "odds_events",
        "fair_prices",
        "value_bets",
        "runs",
        "run_stages",
        "source_health",
        "system_mode",
        "audit_log",
        "admin_key",
        "auth_failures",
        "auth_lockout",
        "control_requests",
        "daemon_state",
        "alerts",
        "lease",
    }
    assert expected <= tables
    assert await db.integrity_problems() == []


async def test_reopen_does_not_migrate_again(db_path: Path) -> None:
    async with open_database(db_path) as first, first.write() as conn:
        await set_mode(
            conn, Mode.PAUSED, set_by="t", set_at="2025-01-01T00:00:00.000Z", reason="test"
        )
    async with open_database(db_path) as second, second.read() as conn:
        assert (await get_mode(conn)).mode is Mode.PAUSED


async def test_newer_schema_is_refused_and_file_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    before = digest(db_path)
    with pytest.raises(SchemaTooNewError) as info:
        await Database(db_path).open()
    assert "newer than this pressbox supports" in str(info.value)
    assert digest(db_path) == before
    assert not Path(str(db_path) + "-wal").exists()


async def test_corrupt_file_is_refused_and_untouched(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database at all" * 100)
    before = digest(db_path)
    with pytest.raises(StorageError, match="not an SQLite database"):
        await Database(db_path).open()
    assert digest(db_path) == before


async def test_corrupt_pages_are_reported_not_crashed(db_path: Path) -> None:
    async with open_database(db_path):
        pass
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db_path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="cannot be used"):
        await Database(db_path).open()


async def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory"):
        await Database(tmp_path).open()


async def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        await Database(tmp_path / "none.db").open(create=False)
    assert not (tmp_path / "none.db").exists()


async def test_old_schema_without_migrate_is_refused(db_path: Path) -> None:
    sqlite3.connect(db_path).close()
    with pytest.raises(StorageError, match="db migrate"):
        await Database(db_path).open(migrate=False)


async def test_write_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await set_mode(conn, Mode.HALTED, set_by="t", set_at="x", reason="r")
            raise RuntimeError("abort")
    async with db.read() as conn:
        assert (await get_mode(conn)).mode is Mode.AUTO


async def test_data_version_moves_only_on_commits(db: Database) -> None:
    first = await db.data_version()
    assert await db.data_version() == first
    async with db.read() as conn:
        await get_mode(conn)
    assert await db.data_version() == first
    async with db.write() as conn:
        await set_mode(conn, Mode.PAUSED, set_by="t", set_at="x", reason="r")
    assert await db.data_version() != first


async def test_data_version_sees_other_processes(db: Database, db_path: Path) -> None:
    first = await db.data_version()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE lease SET token = token + 1 WHERE name = 'pipeline'")
    assert await db.data_version() != first


async def test_audit_log_is_append_only(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO audit_log (at, action, outcome, prev_hash, hash) "
            "VALUES ('t', 'override', 'done', '', 'h')"
        )
    for statement in ("UPDATE audit_log SET outcome = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(StorageError, match="append-only"):
            async with db.write() as conn:
                await conn.execute(statement)


async def test_concurrent_writers_from_two_objects(db_path: Path) -> None:
    async with open_database(db_path) as one, open_database(db_path) as two:

        async def bump(database: Database, times: int) -> None:
            for _ in range(times):
                async with database.write() as conn:
                    await conn.execute("UPDATE lease SET token = token + 1")

        await asyncio.gather(bump(one, 25), bump(two, 25))
        async with one.read() as conn, conn.execute("SELECT token FROM lease") as cur:
            row = await cur.fetchone()
        assert row is not None
        assert row[0] == 50


async def test_connections_closed_on_exit_and_error(db_path: Path) -> None:
    # Only the threads this block starts count: another test's leftovers may still be ending.
    before = set(threading.enumerate())
    opened: set[threading.Thread] = set()
    with pytest.raises(RuntimeError):
        async with open_database(db_path):
            opened = set(threading.enumerate()) - before
            assert opened, "the connections run on their own threads"
            raise RuntimeError("boom")
    await asyncio.sleep(0)
    for thread in opened:
        thread.join(timeout=5)
    assert not [thread for thread in opened if thread.is_alive()]


def test_sqlite_version_floor() -> None:
    assert sqlite_version_is_safe("3.51.3")
    assert sqlite_version_is_safe("3.52.0")
    assert not sqlite_version_is_safe("3.40.1")
