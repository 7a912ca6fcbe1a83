"""SQLite failures leave ``Database`` as classified one-line ``StorageError``s."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.errors import ErrorKind, StorageError
from app.storage.database import Database, open_database, schema_version_on_disk
from app.storage.schema import SCHEMA_VERSION
from app.storage.sqlite_errors import ClassifiedStorageError, StorageFault, classify, fault_of


async def test_a_held_write_lock_is_busy_and_transient(db_path: Path) -> None:
    async with open_database(db_path):
        pass
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        async with open_database(db_path, busy_timeout_ms=0) as db:
            with pytest.raises(ClassifiedStorageError) as caught:
                async with db.write() as conn:
                    await conn.execute("UPDATE lease SET token = token + 1")
            # The reader still works while another process writes.
            async with db.read() as conn, conn.execute("SELECT token FROM lease") as cur:
                row = await cur.fetchone()
                assert row is not None and row[0] == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    error = caught.value
    assert error.fault is StorageFault.BUSY and error.kind is ErrorKind.TRANSIENT
    assert error.retryable
    line = error.one_line()
    assert "\n" not in line and "is busy" in line and "db.busy_timeout_ms" in line


async def test_a_refused_write_is_read_only(db: Database) -> None:
    with pytest.raises(ClassifiedStorageError) as caught:
        async with db.write() as conn:
            await conn.execute("PRAGMA query_only = ON")
            try:
                await conn.execute("UPDATE lease SET token = 7")
            finally:
                await conn.execute("PRAGMA query_only = OFF")
    assert caught.value.fault is StorageFault.READ_ONLY
    assert "permissions" in caught.value.one_line()
    async with db.read() as conn, conn.execute("SELECT token FROM lease") as cur:
        row = await cur.fetchone()
        assert row is not None and row[0] == 0  # rolled back, nothing half-written


async def test_a_missing_table_is_a_schema_problem_on_read(db: Database) -> None:
    with pytest.raises(StorageError, match="db migrate") as caught:
        async with db.read() as conn:
            await conn.execute("SELECT * FROM no_such_thing")
    assert isinstance(caught.value, ClassifiedStorageError)
    assert caught.value.fault is StorageFault.SCHEMA
    assert "no such table: no_such_thing" in caught.value.one_line()


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (sqlite3.OperationalError("database or disk is full"), StorageFault.FULL),
        (sqlite3.DatabaseError("database disk image is malformed"), StorageFault.CORRUPT),
        (sqlite3.DatabaseError("file is not a database"), StorageFault.CORRUPT),
        (sqlite3.OperationalError("database is locked"), StorageFault.BUSY),
        (sqlite3.OperationalError("table runs has no column named x"), StorageFault.SCHEMA),
        (sqlite3.InterfaceError("bad parameter"), StorageFault.OTHER),
    ],
)
def test_errors_without_a_code_are_classified_by_their_text(
    error: sqlite3.Error, fault: StorageFault, tmp_path: Path
) -> None:
    assert fault_of(error) is fault
    classified = classify(error, tmp_path / "x.db", "reading")
    assert classified.fault is fault
    assert classified.one_line().count("\n") == 0 and "while reading" in classified.one_line()
    assert classified.retryable is (fault is StorageFault.BUSY)


def test_schema_version_on_disk(tmp_path: Path) -> None:
    assert schema_version_on_disk(tmp_path / "none.db") == 0
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 50)
    assert schema_version_on_disk(junk) == 0


async def test_schema_version_on_disk_of_a_current_file(db: Database) -> None:
    assert schema_version_on_disk(db.path) == SCHEMA_VERSION
