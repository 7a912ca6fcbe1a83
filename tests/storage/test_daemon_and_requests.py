"""Daemon presence and the hand-over request queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.storage import control_requests, daemon_state
from app.storage.database import Database

NOW = datetime(2025, 6, 14, 16, 0, tzinfo=UTC)


async def test_requests_are_taken_oldest_first_once_each(db: Database) -> None:
    async with db.write() as conn:
        first = await control_requests.submit(
            conn, action="execute", reason="stale odds", requested_by="ana", now="t1"
        )
        second = await control_requests.submit(
            conn, action="execute", reason=None, requested_by="bo", now="t2"
        )
    async with db.write() as conn:
        taken = await control_requests.take_next(conn, "t3")
    assert taken is not None and (taken.id, taken.status, taken.reason) == (
        first,
        "taken",
        "stale odds",
    )
    async with db.write() as conn:
        again = await control_requests.take_next(conn, "t4")
        await control_requests.finish(conn, first, status="done", run_id=7, now="t5")
    assert again is not None and again.id == second
    async with db.write() as conn:
        assert await control_requests.take_next(conn, "t6") is None
    async with db.read() as conn:
        done = await control_requests.get_request(conn, first)
    assert done is not None and (done.status, done.run_id) == ("done", 7)
    with pytest.raises(ValueError, match="final"):
        async with db.write() as conn:
            await control_requests.finish(conn, second, status="pending", run_id=None, now="t")


async def test_stale_pending_requests_expire(db: Database) -> None:
    async with db.write() as conn:
        await control_requests.submit(
            conn, action="execute", reason=None, requested_by="a", now="2025-06-14T15:00:00.000Z"
        )
        fresh = await control_requests.submit(
            conn, action="execute", reason=None, requested_by="b", now="2025-06-14T15:59:00.000Z"
        )
        expired = await control_requests.expire_pending(
            conn, older_than="2025-06-14T15:30:00.000Z", now="2025-06-14T16:00:00.000Z"
        )
        taken = await control_requests.take_next(conn, "2025-06-14T16:00:00.000Z")
    assert expired == 1
    assert taken is not None and taken.id == fresh


async def test_daemon_heartbeat_freshness_and_clean_stop(db: Database) -> None:
    async with db.write() as conn:
        await daemon_state.beat(
            conn,
            host="h",
            pid=10,
            started_at="2025-06-14T15:00:00.000Z",
            now="2025-06-14T16:00:00.000Z",
            next_run_at="2025-06-14T16:05:00.000Z",
        )
    async with db.read() as conn:
        state = await daemon_state.read_state(conn)
    assert state is not None and state.next_run_at == "2025-06-14T16:05:00.000Z"
    assert state.alive(NOW + timedelta(seconds=30), fresh_s=60)
    assert not state.alive(NOW + timedelta(seconds=61), fresh_s=60)

    async with db.write() as conn:
        assert not await daemon_state.mark_stopped(conn, host="h", pid=11, now="x")  # not ours
        assert await daemon_state.mark_stopped(
            conn, host="h", pid=10, now="2025-06-14T16:01:00.000Z"
        )
    async with db.read() as conn:
        stopped = await daemon_state.read_state(conn)
    assert stopped is not None and stopped.stopped_at is not None
    assert not stopped.alive(NOW, fresh_s=3600)
