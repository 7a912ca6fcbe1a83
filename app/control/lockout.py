"""Failed admin-key attempts and the lockout, kept in the database.

Counting in SQLite (not in memory) is what makes the limit hold for every
process and operator at once and survive a restart: an attacker cannot reset
it by opening a new desk. Functions taking a connection run inside
``db.write()`` so that counting and locking are one atomic step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from app.core.clock import iso, parse_iso
from app.core.config import SecuritySettings
from app.security.identity import Actor


@dataclass(frozen=True)
class FailureCount:
    failures: int
    attempts_left: int
    locked_until: datetime | None


async def locked_until(conn: aiosqlite.Connection, now: datetime) -> datetime | None:
    """The end of the current lockout, or None when the key may be tried."""
    async with conn.execute("SELECT locked_until FROM auth_lockout WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    if row is None or row["locked_until"] is None:
        return None
    until = parse_iso(row["locked_until"])
    return until if until > now else None


async def failures_in_window(
    conn: aiosqlite.Connection, now: datetime, settings: SecuritySettings
) -> int:
    """Failures inside the window and after the last clear (a right key or a lockout)."""
    window_start = iso(now - timedelta(seconds=settings.attempt_window_s))
    async with conn.execute(
        "SELECT count(*) AS n FROM auth_failures WHERE at >= ? AND at >= coalesce("
        "(SELECT cleared_at FROM auth_lockout WHERE id = 1), '')",
        (window_start,),
    ) as cursor:
        row = await cursor.fetchone()
    return int(row["n"]) if row else 0


async def record_failure(
    conn: aiosqlite.Connection,
    *,
    action: str,
    actor: Actor,
    now: datetime,
    settings: SecuritySettings,
) -> FailureCount:
    """Count one wrong key; lock when the window holds ``max_attempts`` of them."""
    await conn.execute(
        "INSERT INTO auth_failures (at, action, who, host, pid) VALUES (?, ?, ?, ?, ?)",
        (iso(now), action, actor.describe(), actor.host, actor.pid),
    )
    failures = await failures_in_window(conn, now, settings)
    if failures < settings.max_attempts:
        return FailureCount(failures, settings.max_attempts - failures, None)
    until = now + timedelta(seconds=settings.lockout_s)
    # Counting restarts when the lockout ends: the operator then gets max_attempts again.
    await conn.execute(
        "INSERT INTO auth_lockout (id, locked_until, cleared_at) VALUES (1, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET locked_until = excluded.locked_until, "
        "cleared_at = excluded.cleared_at",
        (iso(until), iso(until)),
    )
    return FailureCount(failures, 0, until)


async def clear_failures(conn: aiosqlite.Connection, now: datetime) -> None:
    """A right key restarts the count (the failure rows stay, for the record)."""
    await conn.execute(
        "INSERT INTO auth_lockout (id, locked_until, cleared_at) VALUES (1, NULL, ?) "
        "ON CONFLICT(id) DO UPDATE SET locked_until = NULL, cleared_at = excluded.cleared_at",
        (iso(now),),
    )
