"""Test-only: ``pressbox run --demo`` whose database fails mid-run (full disk or read-only).

Usage: python -m tests.support.fault_run DB_PATH FAULT SNAPSHOT_FILE, FAULT ``full``,
``read-only`` or ``none`` (the run after the fault). The schedule stage lands; when the
odds request goes out, every table is dumped to SNAPSHOT_FILE and the run's own write
connection is made to fail the way a full disk (``max_page_count``: SQLITE_FULL) or a
file turned read-only (``query_only``: SQLITE_READONLY) fails. The run's result or
failure then leaves the way the CLI's does.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import httpx

from app.cli.common import echo_text, run_async
from app.core.config import load_settings
from app.core.logging import configure_logging
from app.domain.records import RunResult
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database
from tests.support.pipeline import simulated_run


def dump_tables(db_path: Path) -> dict[str, list[list[object]]]:
    """Every row of every table, in a stable order (the drill's before/after comparison)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            t: sorted(([*map(repr, row)] for row in conn.execute(f"SELECT * FROM {t}")), key=str)
            for t in tables
        }


class FailOnOdds(httpx.AsyncBaseTransport):
    def __init__(self, inner: SimulatedUpstream, db: Database, fault: str, snapshot: Path) -> None:
        self.inner, self.db, self.fault, self.snapshot = inner, db, fault, snapshot
        self.done = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v4/") and not self.done and self.fault != "none":
            self.done = True
            self.snapshot.write_text(json.dumps(dump_tables(self.db.path)))
            writer = self.db._writer
            assert writer is not None
            if self.fault == "full":
                async with writer.execute("PRAGMA page_count") as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                await writer.execute(f"PRAGMA max_page_count = {int(row[0])}")
            else:
                await writer.execute("PRAGMA query_only = ON")
        return await self.inner.handle_async_request(request)


async def run(db_path: Path, fault: str, snapshot: Path) -> RunResult:
    settings = load_settings(dotenv_path=None, db={"path": db_path})
    configure_logging(settings.logging.dir, settings.logging.level)  # the log file, as the CLI
    return await simulated_run(
        settings, lambda sim, db: FailOnOdds(sim, db, fault, snapshot), "fault-run-key-0123"
    )


if __name__ == "__main__":
    db_path, fault, snapshot = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    result = run_async(lambda: run(db_path, fault, snapshot))
    echo_text(result.summary())
    sys.exit(0 if result.outcome == "ok" else 1)
