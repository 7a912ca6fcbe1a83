"""The daemon's presence: who runs it, its last heartbeat, its next run, whether it stopped.

A desk hands a break-glass run to the daemon only while this heartbeat is fresh.
"""

from __future__ import annotations

import aiosqlite

from app.core.config import Settings
from app.storage.read.models import DaemonState
from app.storage.rows import from_row


async def beat(
    conn: aiosqlite.Connection,
    *,
    host: str,
    pid: int,
    started_at: str,
    now: str,
    next_run_at: str | None,
) -> None:
    """Record that this daemon is alive. Inside ``db.write()``."""
    await conn.execute(
        "INSERT INTO daemon_state (id, host, pid, started_at, heartbeat_at, next_run_at, "
        "stopped_at) VALUES (1, ?, ?, ?, ?, ?, NULL) ON CONFLICT(id) DO UPDATE SET "
        "host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, "
        "heartbeat_at = excluded.heartbeat_at, next_run_at = excluded.next_run_at, "
        "stopped_at = NULL",
        (host, pid, started_at, now, next_run_at),
    )


async def mark_stopped(conn: aiosqlite.Connection, *, host: str, pid: int, now: str) -> bool:
    """Record a clean stop, unless another daemon has taken the row since."""
    cursor = await conn.execute(
        "UPDATE daemon_state SET stopped_at = ?, next_run_at = NULL "
        "WHERE id = 1 AND host = ? AND pid = ?",
        (now, host, pid),
    )
    changed = cursor.rowcount
    await cursor.close()
    return changed == 1


async def read_state(conn: aiosqlite.Connection) -> DaemonState | None:
    async with conn.execute("SELECT * FROM daemon_state WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return from_row(DaemonState, row)


def daemon_fresh_s(settings: Settings) -> float:
    """How recent a daemon heartbeat must be for the daemon to count as alive.

    The scheduler beats at least every ``pipeline.lease_heartbeat_s``; three missed
    beats mean it is gone (break-glass then runs in-process instead of handing over).
    """
    return 3 * settings.pipeline.lease_heartbeat_s
