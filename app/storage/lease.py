"""The pipeline lease: at most one run at a time across processes and hosts.

One row (``lease.name = 'pipeline'``) names the owner (host, pid), the run, a
heartbeat and an expiry. It is free when nobody owns it, when it expired, or when
its owner is on this host and its pid is dead. Every acquire increments the fencing
token; every write of a run first checks, inside the same transaction, that the
token is still its own (``check_token``), so a run that lost its lease -- its
heartbeat stalled past the expiry and someone took over -- cannot write again.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import aiosqlite

from app.core.clock import iso, parse_iso
from app.core.errors import ErrorKind, PressboxError
from app.storage.database import Database
from app.storage.read.rows import fetch_int, fetch_one
from app.storage.runs import mark_abandoned

PIPELINE = "pipeline"


class LeaseLost(PressboxError):
    """Another process took the lease over: this run must stop writing."""

    kind = ErrorKind.TRANSIENT
    default_hint = (
        "Another process took over the run lease (this one stalled past "
        "pipeline.lease_ttl_s); the next run starts fresh."
    )


@dataclass(frozen=True)
class Lease:
    token: int
    owner_host: str
    owner_pid: int
    run_id: int | None
    expires_at: str


@dataclass(frozen=True)
class Holder:
    """Who holds the lease when we could not get it."""

    owner_host: str
    owner_pid: int
    run_id: int | None
    expires_at: str | None

    def describe(self) -> str:
        return f"pid {self.owner_pid} on {self.owner_host}"


@dataclass(frozen=True)
class Attempt:
    lease: Lease | None
    holder: Holder | None = None
    abandoned_run_ids: tuple[int, ...] = ()
    takeover_reason: str | None = None


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (signal 0 checks, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _why_free(row: aiosqlite.Row, host: str, now: datetime) -> str | None:
    """Why a held lease may be taken over, or None while its owner is alive."""
    owner_host, owner_pid, expires_at = row["owner_host"], row["owner_pid"], row["expires_at"]
    who = f"pid {owner_pid} on {owner_host}"
    if expires_at is None or parse_iso(expires_at) <= now:
        return f"its lease expired ({who} stopped renewing it)"
    if owner_host == host and not pid_alive(int(owner_pid)):
        return f"its process is gone ({who} died without finishing)"
    return None


async def try_acquire(
    conn: aiosqlite.Connection,
    *,
    owner_host: str,
    owner_pid: int,
    ttl_s: float,
    now: datetime,
    run_id: int | None = None,
) -> Attempt:
    """Take the lease if it is free. Call inside ``db.write()`` (BEGIN IMMEDIATE).

    Taking over from a dead or expired owner marks its run ``abandoned``; as only
    the lease holder runs, any other run still 'running' is abandoned too.
    """
    row = await fetch_one(conn, "SELECT * FROM lease WHERE name = ?", (PIPELINE,))
    if row is None:  # a database whose seed row was removed by hand
        await conn.execute("INSERT INTO lease (name, token) VALUES (?, 0)", (PIPELINE,))
        row = await fetch_one(conn, "SELECT * FROM lease WHERE name = ?", (PIPELINE,))
        assert row is not None
    at = iso(now)
    abandoned: list[int] = []
    takeover: str | None = None
    if row["owner_pid"] is not None:
        takeover = _why_free(row, owner_host, now)
        if takeover is None:
            return Attempt(
                lease=None,
                holder=Holder(
                    row["owner_host"], int(row["owner_pid"]), row["run_id"], row["expires_at"]
                ),
            )
        if row["run_id"] is not None:
            abandoned += await mark_abandoned(
                conn, at, reason=f"abandoned: {takeover}", run_id=int(row["run_id"])
            )
    abandoned += await mark_abandoned(
        conn, at, reason="abandoned: its process ended without finishing the run"
    )
    token = int(row["token"]) + 1
    expires = iso(now + timedelta(seconds=ttl_s))
    await conn.execute(
        "UPDATE lease SET owner_host = ?, owner_pid = ?, token = ?, run_id = ?, "
        "acquired_at = ?, heartbeat_at = ?, expires_at = ? WHERE name = ?",
        (owner_host, owner_pid, token, run_id, at, at, expires, PIPELINE),
    )
    return Attempt(
        lease=Lease(token, owner_host, owner_pid, run_id, expires),
        abandoned_run_ids=tuple(abandoned),
        takeover_reason=takeover,
    )


async def acquire(
    db: Database,
    owner_host: str,
    owner_pid: int,
    run_id: int | None,
    ttl_s: float,
    now: datetime,
) -> Lease | None:
    """The lease, or None while a live owner holds it (one BEGIN IMMEDIATE transaction)."""
    async with db.write() as conn:
        attempt = await try_acquire(
            conn, owner_host=owner_host, owner_pid=owner_pid, ttl_s=ttl_s, now=now, run_id=run_id
        )
    return attempt.lease


async def check_token(conn: aiosqlite.Connection, lease: Lease) -> None:
    """Raise ``LeaseLost`` unless ``lease`` is still the current one. Inside ``db.write()``."""
    row = await fetch_one(conn, "SELECT token FROM lease WHERE name = ?", (PIPELINE,))
    if row is None or int(row[0]) != lease.token:
        raise LeaseLost(f"the run lease (token {lease.token}) was taken over by another process")


async def attach_run(conn: aiosqlite.Connection, lease: Lease, run_id: int) -> Lease:
    """Name the run that holds the lease (for the abandoned-run bookkeeping)."""
    await check_token(conn, lease)
    await conn.execute(
        "UPDATE lease SET run_id = ? WHERE name = ? AND token = ?", (run_id, PIPELINE, lease.token)
    )
    return replace(lease, run_id=run_id)


async def heartbeat(db: Database, lease: Lease, now: datetime, ttl_s: float) -> Lease:
    """Extend the expiry; ``LeaseLost`` if the token no longer matches."""
    expires = iso(now + timedelta(seconds=ttl_s))
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE lease SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND token = ?",
            (iso(now), expires, PIPELINE, lease.token),
        )
        changed = cursor.rowcount
        await cursor.close()
    if changed != 1:
        raise LeaseLost(f"the run lease (token {lease.token}) was taken over by another process")
    return replace(lease, expires_at=expires)


async def release(db: Database, lease: Lease) -> bool:
    """Free the lease if it is still ours (the token keeps its value: it only grows)."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE lease SET owner_host = NULL, owner_pid = NULL, run_id = NULL, "
            "expires_at = NULL WHERE name = ? AND token = ?",
            (PIPELINE, lease.token),
        )
        changed = cursor.rowcount
        await cursor.close()
    return changed == 1


async def current_token(conn: aiosqlite.Connection) -> int:
    return await fetch_int(conn, "SELECT token FROM lease WHERE name = ?", (PIPELINE,))
