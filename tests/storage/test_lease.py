"""The run lease: free / held / expired / dead owner, fencing, heartbeat, release."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import iso
from app.storage import runs
from app.storage.database import Database
from app.storage.lease import (
    LeaseLost,
    acquire,
    check_token,
    heartbeat,
    release,
    this_host,
    try_acquire,
)
from app.storage.read.runs import run_by_id

NOW = datetime(2025, 6, 14, 16, 0, tzinfo=UTC)
TTL = 120.0
HOST = this_host()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid no longer exists
    return child.pid


async def _running_run(db: Database, pid: int, host: str = HOST) -> int:
    """A lease holder with a run in progress, as a real runner leaves them."""
    async with db.write() as conn:
        attempt = await try_acquire(conn, owner_host=host, owner_pid=pid, ttl_s=TTL, now=NOW)
        assert attempt.lease is not None
        start = runs.RunStart("cli", "2025-06-14", iso(NOW), host, pid)
        run_id = await runs.create_run(conn, start, lease_token=attempt.lease.token)
        await conn.execute("UPDATE lease SET run_id = ?", (run_id,))
    return run_id


async def _outcome(db: Database, run_id: int) -> tuple[str, str | None]:
    async with db.read() as conn:
        row = await run_by_id(conn, run_id)
    assert row is not None
    return row.outcome, row.reason


async def test_the_fencing_token_grows_on_every_acquire(db: Database) -> None:
    tokens = []
    for _ in range(3):
        lease = await acquire(db, HOST, os.getpid(), None, TTL, NOW)
        assert lease is not None
        tokens.append(lease.token)
        assert await release(db, lease)
    assert tokens == [1, 2, 3]


async def test_a_live_owner_keeps_the_lease(db: Database) -> None:
    first = await acquire(db, HOST, os.getppid(), None, TTL, NOW)
    assert first is not None
    assert await acquire(db, HOST, os.getpid(), None, TTL, NOW + timedelta(seconds=TTL - 1)) is None
    async with db.write() as conn:
        attempt = await try_acquire(
            conn, owner_host=HOST, owner_pid=os.getpid(), ttl_s=TTL, now=NOW
        )
    assert attempt.holder is not None and attempt.holder.owner_pid == os.getppid()


async def test_a_dead_owner_on_this_host_is_taken_over_and_its_run_abandoned(
    db: Database,
) -> None:
    dead = _dead_pid()
    run_id = await _running_run(db, dead)
    async with db.write() as conn:
        attempt = await try_acquire(
            conn, owner_host=HOST, owner_pid=os.getpid(), ttl_s=TTL, now=NOW + timedelta(seconds=1)
        )
    assert attempt.lease is not None and attempt.lease.token == 2
    assert attempt.abandoned_run_ids == (run_id,)
    outcome, reason = await _outcome(db, run_id)
    assert outcome == "abandoned"
    assert reason is not None and f"pid {dead}" in reason and "gone" in reason


async def test_an_owner_on_another_host_is_waited_for_until_the_lease_expires(
    db: Database,
) -> None:
    run_id = await _running_run(db, 4242, host="elsewhere")
    assert await acquire(db, HOST, os.getpid(), None, TTL, NOW + timedelta(seconds=TTL - 1)) is None
    assert (await _outcome(db, run_id))[0] == "running"
    lease = await acquire(db, HOST, os.getpid(), None, TTL, NOW + timedelta(seconds=TTL))
    assert lease is not None and lease.token == 2
    outcome, reason = await _outcome(db, run_id)
    assert outcome == "abandoned" and reason is not None and "expired" in reason


async def test_heartbeat_extends_only_a_current_lease(db: Database) -> None:
    lease = await acquire(db, HOST, os.getpid(), None, TTL, NOW)
    assert lease is not None
    renewed = await heartbeat(db, lease, NOW + timedelta(seconds=100), TTL)
    assert renewed.expires_at == iso(NOW + timedelta(seconds=100 + TTL))
    # Still held at the first expiry thanks to the renewal.
    assert await acquire(db, "elsewhere", 1, None, TTL, NOW + timedelta(seconds=TTL + 1)) is None

    thief = await acquire(db, "elsewhere", 1, None, TTL, NOW + timedelta(seconds=100 + TTL))
    assert thief is not None and thief.token == lease.token + 1
    with pytest.raises(LeaseLost):
        await heartbeat(db, renewed, NOW + timedelta(seconds=230), TTL)
    with pytest.raises(LeaseLost):
        async with db.write() as conn:
            await check_token(conn, renewed)
            await conn.execute("UPDATE games SET status = 'x'")  # never reached
    assert not await release(db, renewed)  # the loser cannot free the thief's lease
    async with db.read() as conn, conn.execute("SELECT owner_host FROM lease") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == "elsewhere"
