"""Health states of the seeded desk database (the seed itself is the degraded one).

Each mutates a database made by ``desk_seed.seed`` into what ``pressbox health``
calls healthy (OK), degraded (WARNING), CRITICAL, or locked (WARNING, a lockout).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.storage.database import Database
from tests.support.desk_seed import SLATE

LOCKED_ORIGIN = "mallory"
LOCKED_UNTIL = "2025-06-14T20:14:00.000Z"


async def healthy(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE runs SET outcome = 'ok', reason = NULL")
        await conn.execute("UPDATE run_stages SET status = 'ok', error_kind = NULL")
        await conn.execute(
            "UPDATE source_health SET circuit_state = 'closed', consecutive_failures = 0, "
            "last_error_kind = NULL, last_error = NULL, last_error_at = NULL"
        )
        await conn.execute("UPDATE source_health SET quota_remaining = 19000 WHERE source = 'odds'")


async def degraded(db: Database) -> None:
    """The seed itself: the last run degraded, the odds breaker open."""


async def critical(db: Database) -> None:
    async with db.write() as conn:
        for run_id, minute in ((42, "58"), (43, "59")):
            await conn.execute(
                "INSERT INTO runs (id, trigger, slate_date, outcome, reason, started_at, "
                "finished_at, owner_host, owner_pid, credits_used) VALUES (?, 'schedule', ?, "
                "'failed', 'odds: breaker open', ?, ?, 'h', 1, 0)",
                (
                    run_id,
                    SLATE,
                    f"2025-06-14T19:{minute}:00.000Z",
                    f"2025-06-14T19:{minute}:01.000Z",
                ),
            )
        await conn.execute("UPDATE runs SET outcome = 'failed' WHERE id = 41")


async def locked(db: Database) -> None:
    await healthy(db)
    async with db.write() as conn:
        for second in range(5):
            await conn.execute(
                "INSERT INTO auth_attempts (at, action, origin, who, host, pid, result) "
                "VALUES (?, 'override', 'mallory', 'mallory', 'h', 7, 'wrong')",
                (f"2025-06-14T19:59:0{second}.000Z",),
            )
        await conn.execute(
            "INSERT INTO auth_locks (scope, locked_until) VALUES (?, ?)",
            (f"origin:{LOCKED_ORIGIN}", LOCKED_UNTIL),
        )


STATES: dict[str, Callable[[Database], Awaitable[None]]] = {
    "healthy": healthy,
    "degraded": degraded,
    "critical": critical,
    "locked": locked,
}
