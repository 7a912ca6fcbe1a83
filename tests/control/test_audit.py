"""The audit trail: append-only, hash-chained, verified by `pressbox audit --verify`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.control import audit
from app.storage.database import Database

from .conftest import ACTOR


async def add(db: Database, n: int, action: str = "override") -> None:
    for i in range(n):
        async with db.write() as conn:
            await audit.append(
                conn,
                at=f"2025-06-14T18:00:{i:02d}.000Z",
                action=action,
                outcome="done",
                actor=ACTOR,
                target="paused",
                reason=f"reason {i}",
            )


async def test_chain_links_and_verifies(db: Database) -> None:
    await add(db, 3)
    async with db.read() as conn:
        rows = list(reversed(await audit.recent(conn, 10)))
        check = await audit.verify_chain(conn)
    assert [r.id for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert check.ok and check.checked == 3


async def test_triggers_refuse_update_and_delete(db: Database) -> None:
    await add(db, 1)
    with sqlite3.connect(db.path) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_log SET outcome = 'wrong_key'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit_log")


def tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "broken", "problem"),
    [
        ("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 2", 2, "contents"),
        ("DELETE FROM audit_log WHERE id = 2", 2, "missing"),
        ("UPDATE audit_log SET prev_hash = hash WHERE id = 3", 3, "link"),
    ],
)
async def test_verify_finds_the_first_tampered_row(
    db: Database, sql: str, broken: int, problem: str
) -> None:
    await add(db, 4)
    tamper(db.path, sql)
    async with db.read() as conn:
        check = await audit.verify_chain(conn)
    assert not check.ok and check.first_broken_id == broken and problem in (check.problem or "")


async def test_concurrent_writers_in_two_processes_keep_one_chain(db_path: Path) -> None:
    first, second = Database(db_path), Database(db_path)
    await first.open()
    await second.open()
    try:
        await asyncio.gather(add(first, 15, "execute"), add(second, 15, "override"))
        async with first.read() as conn:
            check = await audit.verify_chain(conn)
    finally:
        await first.close()
        await second.close()
    assert check.ok and check.checked == 30


async def seed(path: Path, n: int) -> None:
    async with Database(path) as database:
        await add(database, n)


def test_cli_audit(db_path: Path) -> None:
    asyncio.run(seed(db_path, 2))
    runner = CliRunner()
    listed = runner.invoke(cli, ["audit", "--db", str(db_path)])
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("#2 ") and "override paused DONE" in lines[0]
    assert "carol (sudo by bob) ssh 10.0.0.9 /dev/pts/3 pid 4242@desk-host" in lines[0]
    listed_json = runner.invoke(cli, ["audit", "--json", "--limit", "1", "--db", str(db_path)])
    payload = json.loads(listed_json.stdout)
    assert [e["id"] for e in payload] == [2] and payload[0]["reason"] == "reason 1"
    ok = runner.invoke(cli, ["audit", "--verify", "--db", str(db_path)])
    assert ok.exit_code == 0 and "intact: 2 rows" in ok.stdout
    tamper(db_path, "UPDATE audit_log SET outcome = 'refused' WHERE id = 1")
    bad = runner.invoke(cli, ["audit", "--verify", "--db", str(db_path)])
    assert bad.exit_code == 1 and "broken at row 1" in bad.stderr
