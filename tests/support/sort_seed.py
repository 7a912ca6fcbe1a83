"""Rows whose text order is not their value order, for the sort tests of every screen.

``#9`` sorts after ``#10`` as text, ``9.5s`` after ``100.0s``, ``error`` before ``info``:
a sort by cell text would pass none of the tests that use these rows.
"""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import iso, parse_iso
from app.storage.database import Database

# (id, trigger, outcome, started at, seconds taken, credits, reason)
RUNS = [
    (9, "schedule", "ok", "2025-06-14T19:50:00.000Z", 9.5, 12, None),
    (10, "manual", "failed", "2025-06-14T19:52:00.000Z", 100.0, 3, "odds: auth"),
    (100, "schedule", "degraded", "2025-06-14T19:54:00.000Z", 10.2, 100, "odds: timeout"),
]


def _after(started: str, seconds: float) -> str:
    return iso(parse_iso(started) + timedelta(seconds=seconds))


async def add_run(
    db: Database,
    run_id: int,
    *,
    trigger: str = "schedule",
    outcome: str = "ok",
    started: str = "2025-06-14T19:58:30.000Z",
    seconds: float = 1.0,
    credits: int = 1,
    reason: str | None = None,
) -> None:
    """One finished run with one stage (its odds stage, failed the way the run did)."""
    finished = _after(started, seconds)
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO runs (id, trigger, slate_date, outcome, reason, started_at, "
            "finished_at, owner_host, owner_pid, credits_used) "
            "VALUES (?, ?, '2025-06-14', ?, ?, ?, ?, 'h', 1, ?)",
            (run_id, trigger, outcome, reason, started, finished, credits),
        )
        await conn.execute(
            "INSERT INTO run_stages (run_id, position, name, status, started_at, finished_at, "
            "duration_ms, error_kind, error_summary) VALUES (?, 1, 'odds', ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                outcome,
                started,
                finished,
                seconds * 1000,
                None if outcome == "ok" else "auth",
                reason,
            ),
        )


async def add_runs(db: Database) -> None:
    """The runs of ``RUNS`` (the seeded desk already has run 41)."""
    for run_id, trigger, outcome, started, seconds, credits, reason in RUNS:
        await add_run(
            db,
            run_id,
            trigger=trigger,
            outcome=outcome,
            started=started,
            seconds=seconds,
            credits=credits,
            reason=reason,
        )
