"""The audit head as a witness: `audit head`, `--verify --expect-head`, the JSON log, e-mails."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from app.alerts.rules import override_executed
from app.cli.main import cli
from app.control import audit
from app.control.service import ControlService
from app.core.clock import FixedClock
from app.core.config import Settings
from app.storage.database import Database

from .conftest import ADMIN_KEY, FAST, Recorder
from .test_audit import add, seed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def rewrite_from(path: Path, row_id: int, reason: str) -> None:
    """What a writer of the file can do: edit a row and recompute every hash after it."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET reason = ? WHERE id = ?", (reason, row_id))
    prev = audit.GENESIS
    for row in conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall():
        fields = {name: row[name] for name in audit.FIELDS}
        digest = audit.chain_hash(prev, fields)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"])
        )
        prev = digest
    conn.commit()
    conn.close()


def test_head_prints_id_and_hash_and_verify_accepts_it(db_path: Path) -> None:
    asyncio.run(seed(db_path, 3))
    code, out, _ = run("audit", "head", "--db", str(db_path))
    assert code == 0
    ident, _, digest = out.strip().partition(":")
    assert ident == "3" and len(digest) == 64
    code, out, _ = run("audit", "--verify", "--expect-head", out.strip(), "--db", str(db_path))
    assert code == 0 and "intact: 3 rows; contains head #3" in out
    code, out, _ = run("audit", "head", "--json", "--db", str(db_path))
    assert json.loads(out) == {"id": 3, "hash": digest}


def test_a_rewrite_with_recomputed_hashes_fools_verify_but_not_the_witness(db_path: Path) -> None:
    asyncio.run(seed(db_path, 4))
    _, witnessed, _ = run("audit", "head", "--db", str(db_path))
    rewrite_from(db_path, 2, "nothing to see")

    code, out, _ = run("audit", "--verify", "--db", str(db_path))
    assert code == 0 and "intact: 4 rows" in out  # the chain alone cannot tell
    code, _, err = run(
        "audit", "--verify", "--expect-head", witnessed.strip(), "--db", str(db_path)
    )
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "does not contain the expected head" in err and "rewritten" in err
    code, out, _ = run(
        "audit", "--verify", "--json", "--expect-head", witnessed.strip(), "--db", str(db_path)
    )
    assert code == 1 and json.loads(out)["expected_head_found"] is False


def test_truncation_is_caught_by_the_witness(db_path: Path) -> None:
    asyncio.run(seed(db_path, 4))
    _, witnessed, _ = run("audit", "head", "--db", str(db_path))
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id > 2")
    conn.commit()
    conn.close()
    code, _, err = run(
        "audit", "--verify", "--expect-head", witnessed.strip(), "--db", str(db_path)
    )
    assert code == 1 and "ends at row 2, before the expected head #4" in err


def test_a_bad_expect_head_is_one_line(db_path: Path) -> None:
    asyncio.run(seed(db_path, 1))
    code, _, err = run("audit", "--verify", "--expect-head", "4:nothex", "--db", str(db_path))
    assert code == 2 and "expected ID:HASH" in err
    code, _, err = run("audit", "--expect-head", f"1:{'a' * 64}", "--db", str(db_path))
    assert code == 2 and "add --verify" in err


async def test_every_append_logs_the_new_head(db: Database, tmp_path: Path) -> None:
    from app.core.logging import configure_logging

    log_dir = tmp_path / "logs"
    configure_logging(log_dir, "info", 1_000_000, 1)
    await add(db, 2)
    async with db.read() as conn:
        head = await audit.head(conn)
    events = [json.loads(line) for line in (log_dir / "pressbox.log").read_text().splitlines()]
    heads = [e["audit_head"] for e in events if e.get("event") == "audit head"]
    assert heads[-1] == str(head) and len(heads) == 2


async def test_override_mail_carries_the_head(
    db: Database, settings: Settings, clock: FixedClock, recorder: Recorder
) -> None:
    told: list[tuple[str, str | None]] = []

    async def listener(mode: str, who: str, reason: str, head: str | None) -> None:
        told.append((mode, head))

    service = ControlService(
        db, settings, daemon_fresh_s=30, clock=clock, key_params=FAST, on_override=listener
    )
    assert (await service.set_admin_key(ADMIN_KEY)).ok
    assert (await service.override("paused", ADMIN_KEY, "drill")).ok
    async with db.read() as conn:
        head = await audit.head(conn)
    assert told == [("paused", str(head))]
    draft = override_executed("paused", "carol", "drill", clock.now_iso(), audit_head=str(head))
    assert f"--expect-head {head}" in draft.body
