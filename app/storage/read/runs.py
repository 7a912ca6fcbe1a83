"""Runs with their stages, and the one query for "the last delivered run"."""

from __future__ import annotations

import aiosqlite

from app.domain.status import DELIVERED
from app.storage.database import Database
from app.storage.read.models import Run, Stage
from app.storage.read.rows import fetch_rows, marks
from app.storage.rows import from_row
from app.storage.runs import outcome_in


async def with_stages(conn: aiosqlite.Connection, runs: list[aiosqlite.Row]) -> tuple[Run, ...]:
    """Stored run rows as ``Run``s with their stages (one query for all of them)."""
    if not runs:
        return ()
    ids = tuple(int(r["id"]) for r in runs)
    stage_rows = await fetch_rows(
        conn,
        f"SELECT * FROM run_stages WHERE run_id IN ({marks(ids)}) ORDER BY run_id, position",
        ids,
    )
    stages: dict[int, list[Stage]] = {}
    for s in stage_rows:
        stages.setdefault(int(s["run_id"]), []).append(from_row(Stage, s))
    return tuple(from_row(Run, r, stages=tuple(stages.get(int(r["id"]), []))) for r in runs)


async def recent_runs(conn: aiosqlite.Connection, limit: int) -> tuple[Run, ...]:
    """The newest ``limit`` runs (running or finished), newest first."""
    rows = await fetch_rows(
        conn, "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
    )
    return await with_stages(conn, rows)


async def run_by_id(conn: aiosqlite.Connection, run_id: int) -> Run | None:
    """One stored run with its stages, or None."""
    runs = await with_stages(
        conn, await fetch_rows(conn, "SELECT * FROM runs WHERE id = ?", (run_id,))
    )
    return runs[0] if runs else None


async def last_delivered_run(conn: aiosqlite.Connection) -> Run | None:
    """The newest run that delivered data (ok or degraded): "the last successful run".

    The desk's stale warning, ``pressbox health`` and the no-success alert all read
    this one query, so they can never disagree about when data last landed.
    """
    delivered, values = outcome_in(DELIVERED)
    rows = await fetch_rows(
        conn,
        f"SELECT * FROM runs WHERE {delivered} ORDER BY started_at DESC, id DESC LIMIT 1",
        values,
    )
    runs = await with_stages(conn, rows)
    return runs[0] if runs else None


async def load_runs(db: Database, *, limit: int) -> tuple[Run, ...]:
    """The most recent runs, newest first, each with its stages in order."""
    async with db.read() as conn:
        return await recent_runs(conn, limit)
