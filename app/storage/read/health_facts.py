"""The facts the health verdict is judged from, read on a connection the caller holds.

``pressbox health`` reads them in a read of their own; the desk in the same read as
its dashboard snapshot, taking the mode and the breakers from that snapshot, so one
changed poll is one read and the verdict describes exactly what the desk shows.
The judging itself (no I/O) is ``app.pipeline.health.judge``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from app.core.config import SecuritySettings
from app.domain.status import ATTEMPTED
from app.storage.mode import get_mode
from app.storage.read.models import ModeState, SecurityState, SourceHealthRow
from app.storage.read.runs import last_delivered_run
from app.storage.read.security import load_security
from app.storage.runs import outcome_in
from app.storage.source_health import all_sources


@dataclass(frozen=True)
class AttemptedRun:
    id: int
    trigger: str
    outcome: str
    reason: str | None
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class HealthFacts:
    mode: ModeState
    recent: tuple[AttemptedRun, ...]  # the latest attempted runs, newest first
    last_success_at: str | None  # started_at of the last delivered run
    first_run_at: str | None  # started_at of the first attempted run
    sources: tuple[SourceHealthRow, ...]
    security: SecurityState


async def read_health_facts(
    conn: aiosqlite.Connection,
    now: datetime,
    security: SecuritySettings,
    *,
    recent_runs: int,
    mode: ModeState | None = None,
    sources: Sequence[SourceHealthRow] | None = None,
) -> HealthFacts:
    """Everything the verdict needs; ``mode`` and ``sources`` when the caller read them."""
    attempted, values = outcome_in(ATTEMPTED)
    async with conn.execute(
        f"SELECT id, trigger, outcome, reason, started_at, finished_at FROM runs "
        f"WHERE {attempted} ORDER BY started_at DESC, id DESC LIMIT ?",
        (*values, max(recent_runs, 1)),
    ) as cur:
        recent = tuple(AttemptedRun(*row) for row in await cur.fetchall())
    async with conn.execute(f"SELECT MIN(started_at) FROM runs WHERE {attempted}", values) as cur:
        row = await cur.fetchone()
    delivered = await last_delivered_run(conn)
    return HealthFacts(
        mode=mode if mode is not None else await get_mode(conn),
        recent=recent,
        last_success_at=delivered.started_at if delivered is not None else None,
        first_run_at=row[0] if row is not None else None,
        sources=tuple(sources if sources is not None else await all_sources(conn)),
        security=await load_security(conn, now, security),
    )
