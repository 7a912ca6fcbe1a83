"""Runs and their stages: one row per run attempt (skipped ones included), one per stage.

Outcomes are ``app.domain.status.RunOutcome``, stage statuses ``StageStatus``. A run
row is written for every attempt so that the desk and ``pressbox runs`` show *why*
nothing happened, not just that nothing did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from app.domain.records import StageResult
from app.domain.status import FINISHED, FINISHED_STAGE, RunOutcome
from app.storage.read.rows import fetch_int


def outcome_in(outcomes: Iterable[RunOutcome]) -> tuple[str, tuple[str, ...]]:
    """``outcome IN (?, ...)`` and its parameters, for a named set of ``app.domain.status``."""
    values = tuple(sorted(str(outcome) for outcome in outcomes))
    return f"outcome IN ({', '.join('?' * len(values))})", values


@dataclass(frozen=True)
class RunStart:
    """Which run starts, when, and in which process: the first half of a ``runs`` row."""

    trigger: str
    slate_date: str
    started_at: str
    owner_host: str
    owner_pid: int


async def _insert_run(
    conn: aiosqlite.Connection, start: RunStart, outcome: RunOutcome, **more: object
) -> int:
    columns = {**vars(start), "outcome": outcome, **more}
    cursor = await conn.execute(
        f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        tuple(columns.values()),
    )
    run_id = cursor.lastrowid
    await cursor.close()
    assert run_id is not None
    return int(run_id)


async def create_run(
    conn: aiosqlite.Connection, start: RunStart, *, lease_token: int | None
) -> int:
    """A run in progress. Inside ``db.write()``."""
    return await _insert_run(conn, start, RunOutcome.RUNNING, lease_token=lease_token)


async def record_skipped(conn: aiosqlite.Connection, start: RunStart, *, reason: str) -> int:
    """A run that did not happen, and why (mode, another run in progress...)."""
    return await _insert_run(
        conn, start, RunOutcome.SKIPPED, reason=reason, finished_at=start.started_at
    )


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
    conn: aiosqlite.Connection, run_id: int, stage: StageResult, finished_at: str
) -> None:
    if stage.status not in FINISHED_STAGE:
        raise ValueError(f"not a final stage status: {stage.status!r}")
    await conn.execute(
        "UPDATE run_stages SET status = ?, finished_at = ?, duration_ms = ?, error_kind = ?, "
        "error_summary = ?, detail = ? WHERE run_id = ? AND name = ?",
        (
            stage.status,
            finished_at,
            stage.duration_ms,
            stage.error_kind,
            stage.error_summary,
            stage.detail,
            run_id,
            stage.name,
        ),
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


async def count_runs(conn: aiosqlite.Connection) -> int:
    return await fetch_int(conn, "SELECT COUNT(*) FROM runs")
