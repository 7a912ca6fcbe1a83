"""Runs and their stages: one row per run attempt (skipped ones included), one per stage.

Outcomes are ``app.domain.status.RunOutcome``, stage statuses ``StageStatus``. A run
row is written for every attempt so that the desk and ``pressbox runs`` show *why*
nothing happened, not just that nothing did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from app.domain.status import FINISHED, FINISHED_STAGE, RunOutcome, StageStatus


def outcome_in(outcomes: Iterable[RunOutcome]) -> tuple[str, tuple[str, ...]]:
    """``outcome IN (?, ...)`` and its parameters, for a named set of ``app.domain.status``."""
    values = tuple(sorted(str(outcome) for outcome in outcomes))
    return f"outcome IN ({', '.join('?' * len(values))})", values


@dataclass(frozen=True)
class RunRow:
    id: int
    trigger: str
    slate_date: str
    outcome: str
    reason: str | None
    started_at: str
    finished_at: str | None
    owner_host: str
    owner_pid: int
    lease_token: int | None
    credits_used: int


def _run(row: aiosqlite.Row) -> RunRow:
    return RunRow(
        id=int(row["id"]),
        trigger=row["trigger"],
        slate_date=row["slate_date"],
        outcome=row["outcome"],
        reason=row["reason"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        owner_host=row["owner_host"],
        owner_pid=int(row["owner_pid"]),
        lease_token=row["lease_token"],
        credits_used=int(row["credits_used"]),
    )


async def create_run(
    conn: aiosqlite.Connection,
    *,
    trigger: str,
    slate_date: str,
    started_at: str,
    owner_host: str,
    owner_pid: int,
    lease_token: int | None,
) -> int:
    """A run in progress. Inside ``db.write()``."""
    cursor = await conn.execute(
        "INSERT INTO runs (trigger, slate_date, outcome, started_at, owner_host, owner_pid, "
        "lease_token) VALUES (?, ?, 'running', ?, ?, ?, ?)",
        (trigger, slate_date, started_at, owner_host, owner_pid, lease_token),
    )
    run_id = cursor.lastrowid
    await cursor.close()
    assert run_id is not None
    return int(run_id)


async def record_skipped(
    conn: aiosqlite.Connection,
    *,
    trigger: str,
    slate_date: str,
    at: str,
    owner_host: str,
    owner_pid: int,
    reason: str,
) -> int:
    """A run that did not happen, and why (mode, another run in progress...)."""
    cursor = await conn.execute(
        "INSERT INTO runs (trigger, slate_date, outcome, reason, started_at, finished_at, "
        "owner_host, owner_pid) VALUES (?, ?, 'skipped', ?, ?, ?, ?, ?)",
        (trigger, slate_date, reason, at, at, owner_host, owner_pid),
    )
    run_id = cursor.lastrowid
    await cursor.close()
    assert run_id is not None
    return int(run_id)


async def start_stage(
    conn: aiosqlite.Connection, run_id: int, position: int, name: str, started_at: str
) -> None:
    await conn.execute(
        "INSERT INTO run_stages (run_id, position, name, status, started_at) "
        "VALUES (?, ?, ?, 'running', ?) ON CONFLICT(run_id, name) DO UPDATE SET "
        "status = 'running', started_at = excluded.started_at",
        (run_id, position, name, started_at),
    )


async def finish_stage(
    conn: aiosqlite.Connection,
    run_id: int,
    name: str,
    *,
    status: StageStatus,
    finished_at: str,
    duration_ms: float,
    error_kind: str | None = None,
    error_summary: str | None = None,
    detail: str | None = None,
) -> None:
    if status not in FINISHED_STAGE:
        raise ValueError(f"not a final stage status: {status!r}")
    await conn.execute(
        "UPDATE run_stages SET status = ?, finished_at = ?, duration_ms = ?, error_kind = ?, "
        "error_summary = ?, detail = ? WHERE run_id = ? AND name = ?",
        (status, finished_at, duration_ms, error_kind, error_summary, detail, run_id, name),
    )


async def finish_run(
    conn: aiosqlite.Connection,
    run_id: int,
    *,
    outcome: RunOutcome,
    reason: str | None,
    credits_used: int,
    finished_at: str,
) -> None:
    if outcome not in FINISHED:
        raise ValueError(f"not a final run outcome: {outcome!r}")
    await conn.execute(
        "UPDATE runs SET outcome = ?, reason = ?, credits_used = ?, finished_at = ? WHERE id = ?",
        (outcome, reason, credits_used, finished_at, run_id),
    )


async def mark_abandoned(
    conn: aiosqlite.Connection, at: str, *, reason: str, run_id: int | None = None
) -> list[int]:
    """Close runs left 'running' by a process that is gone; returns their ids.

    With ``run_id`` only that run; without, every run still 'running' (valid only for a
    caller that holds the lease: nobody else can be running then).
    """
    where = "outcome = 'running'" + (" AND id = ?" if run_id is not None else "")
    params: tuple[object, ...] = (run_id,) if run_id is not None else ()
    async with conn.execute(
        f"SELECT id FROM runs WHERE {where}",
        params,
    ) as cursor:
        ids = [int(r[0]) for r in await cursor.fetchall()]
    for dead in ids:
        await conn.execute(
            "UPDATE runs SET outcome = 'abandoned', reason = ?, finished_at = ? WHERE id = ?",
            (reason, at, dead),
        )
        await conn.execute(
            "UPDATE run_stages SET status = 'failed', finished_at = ?, "
            "error_summary = 'the run was abandoned during this stage' "
            "WHERE run_id = ? AND status = 'running'",
            (at, dead),
        )
    return ids


async def get_run(conn: aiosqlite.Connection, run_id: int) -> RunRow | None:
    async with conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)) as cursor:
        row = await cursor.fetchone()
    return _run(row) if row is not None else None


async def list_runs(conn: aiosqlite.Connection, limit: int = 20) -> list[RunRow]:
    """Newest first."""
    async with conn.execute(
        "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
    ) as cursor:
        return [_run(r) for r in await cursor.fetchall()]


async def count_runs(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COUNT(*) FROM runs") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
