"""Admin-key attempts and the lockout, kept in the database.

Counting in SQLite (not in memory) is what makes the limit hold for every
process and operator at once and survive a restart: an attacker cannot reset
it by opening a new desk.

An attempt is *reserved* before its key is checked: one ``BEGIN IMMEDIATE``
transaction checks the locks and counts the attempt as pending, so however many
processes start at once, at most the limit of them get to run scrypt. A locked
attempt never reaches the key, so its answer cannot depend on the key. Pending
attempts count like wrong ones (a process killed mid-check is not a free try).

Two scopes are limited: the *origin* (login user, sudo user, SSH client; see
``Actor.origin``) with ``security.max_attempts``, and all origins together
(``global``) with ``security.global_max_attempts``. One hostile account locks
itself out long before it can lock out everyone. Functions taking a
connection run inside ``db.write()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from app.core.clock import iso, parse_iso
from app.core.config import SecuritySettings
from app.security.identity import Actor
from app.storage.read import security as security_reads

GLOBAL_SCOPE = "global"
PENDING, WRONG, RIGHT = "pending", "wrong", "right"


class LockScope(StrEnum):
    ORIGIN = "origin"  # this login user / sudo user / SSH client only
    GLOBAL = "global"  # every operator


@dataclass(frozen=True)
class Lock:
    scope: LockScope
    until: datetime


@dataclass(frozen=True)
class Reservation:
    """``attempt_id`` when the key may be checked; otherwise the lock that refused it."""

    attempt_id: int | None
    lock: Lock | None


@dataclass(frozen=True)
class FailureCount:
    attempts_left: int  # under the tighter of the two limits
    lock: Lock | None


def origin_scope(origin: str) -> str:
    return f"origin:{origin}"


@dataclass(frozen=True)
class _Limit:
    scope: LockScope
    key: str
    origin: str | None
    limit: int


def _limits(actor: Actor, settings: SecuritySettings) -> tuple[_Limit, _Limit]:
    return (
        _Limit(LockScope.ORIGIN, origin_scope(actor.origin), actor.origin, settings.max_attempts),
        _Limit(LockScope.GLOBAL, GLOBAL_SCOPE, None, settings.global_max_attempts),
    )


async def _locked_until(conn: aiosqlite.Connection, key: str, now: datetime) -> datetime | None:
    async with conn.execute(
        "SELECT locked_until FROM auth_locks WHERE scope = ?", (key,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None or row["locked_until"] is None:
        return None
    until = parse_iso(row["locked_until"])
    return until if until > now else None


async def _counted(
    conn: aiosqlite.Connection, limit: _Limit, now: datetime, settings: SecuritySettings
) -> int:
    """Pending and wrong attempts inside the window and after the scope's last clear.

    Locking or unlocking the global scope (a global lockout, an unlock) restarts every count.
    """
    window_start = iso(now - timedelta(seconds=settings.attempt_window_s))
    sql = (
        "SELECT count(*) AS n FROM auth_attempts WHERE result != 'right' AND at >= ? "
        "AND id > coalesce((SELECT cleared_after FROM auth_locks WHERE scope = ?), 0) "
        "AND id > coalesce((SELECT cleared_after FROM auth_locks WHERE scope = ?), 0)"
    )
    params: tuple[str, ...] = (window_start, limit.key, GLOBAL_SCOPE)
    if limit.origin is not None:
        sql += " AND origin = ?"
        params += (limit.origin,)
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row["n"]) if row else 0


async def _lock(
    conn: aiosqlite.Connection, key: str, now: datetime, settings: SecuritySettings
) -> datetime:
    until = now + timedelta(seconds=settings.lockout_s)
    # Counting restarts when the lockout ends: the scope then gets its full limit again.
    await _set_scope(conn, key, iso(until), iso(now))
    return until


async def _set_scope(
    conn: aiosqlite.Connection, key: str, locked_until: str | None, changed_at: str
) -> None:
    """Lock (or unlock) a scope; every attempt so far stops counting against it.

    ``changed_at`` dates the change for rewind (``auth_lock_history``, by trigger).
    """
    await conn.execute(
        "INSERT INTO auth_locks (scope, locked_until, cleared_after, changed_at) "
        "VALUES (?, ?, (SELECT coalesce(max(id), 0) FROM auth_attempts), ?) "
        "ON CONFLICT(scope) DO UPDATE SET locked_until = excluded.locked_until, "
        "cleared_after = excluded.cleared_after, changed_at = excluded.changed_at",
        (key, locked_until, changed_at),
    )


async def current_lock(
    conn: aiosqlite.Connection, actor: Actor, now: datetime, settings: SecuritySettings
) -> Lock | None:
    """The lock that would refuse ``actor`` now (the global one first), or None."""
    for limit in reversed(_limits(actor, settings)):
        until = await _locked_until(conn, limit.key, now)
        if until is not None:
            return Lock(limit.scope, until)
    return None


async def reserve(
    conn: aiosqlite.Connection,
    *,
    action: str,
    actor: Actor,
    now: datetime,
    settings: SecuritySettings,
) -> Reservation:
    """Refuse when locked (or the limit is used up); otherwise count this attempt as pending."""
    lock = await current_lock(conn, actor, now, settings)
    if lock is not None:
        return Reservation(None, lock)
    for limit in reversed(_limits(actor, settings)):
        if await _counted(conn, limit, now, settings) >= limit.limit:
            return Reservation(None, Lock(limit.scope, await _lock(conn, limit.key, now, settings)))
    cursor = await conn.execute(
        "INSERT INTO auth_attempts (at, action, origin, who, host, pid, result) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (iso(now), action, actor.origin, actor.describe(), actor.host, actor.pid, PENDING),
    )
    return Reservation(cursor.lastrowid, None)


async def settle_wrong(
    conn: aiosqlite.Connection,
    attempt_id: int,
    *,
    actor: Actor,
    now: datetime,
    settings: SecuritySettings,
) -> FailureCount:
    """The reserved attempt's key was wrong: lock each scope whose limit it used up."""
    await conn.execute("UPDATE auth_attempts SET result = ? WHERE id = ?", (WRONG, attempt_id))
    # Another attempt of the burst may have locked the scope meanwhile (which also restarted
    # its count): then this reply says locked too, never "attempts left".
    lock_now = await current_lock(conn, actor, now, settings)
    if lock_now is not None:
        return FailureCount(0, lock_now)
    fewest_left: int | None = None
    lock: Lock | None = None
    for limit in _limits(actor, settings):
        left = max(0, limit.limit - await _counted(conn, limit, now, settings))
        fewest_left = left if fewest_left is None else min(fewest_left, left)
        if left == 0:
            until = await _lock(conn, limit.key, now, settings)
            if lock is None or limit.scope is LockScope.GLOBAL:
                lock = Lock(limit.scope, until)
    assert fewest_left is not None
    return FailureCount(fewest_left, lock)


async def settle_right(conn: aiosqlite.Connection, attempt_id: int, *, actor: Actor) -> None:
    """A right key restarts its origin's count (the rows stay, for the record).

    The global count is left alone: it bounds what every origin together may
    try in a window, and a success by the key holder says nothing about them.
    """
    await conn.execute("UPDATE auth_attempts SET result = ? WHERE id = ?", (RIGHT, attempt_id))
    async with conn.execute("SELECT at FROM auth_attempts WHERE id = ?", (attempt_id,)) as cur:
        row = await cur.fetchone()
    # The attempt's own time dates the clearing (the caller's clock is not passed here).
    await _set_scope(conn, origin_scope(actor.origin), None, str(row["at"]) if row else "")


async def unlock_all(conn: aiosqlite.Connection, now: datetime) -> int:
    """Lift every lock and restart every count; the number of locks that were in force."""
    lifted = len(await locks_in_force(conn, now))
    await conn.execute(
        "UPDATE auth_locks SET locked_until = NULL, changed_at = ? WHERE locked_until IS NOT NULL",
        (iso(now),),
    )
    await _set_scope(conn, GLOBAL_SCOPE, None, iso(now))
    return lifted


async def locks_in_force(conn: aiosqlite.Connection, now: datetime) -> list[tuple[str, datetime]]:
    """Every scope locked now, for `health` and the desk's header."""
    return await security_reads.locks_in_force(conn, now)
