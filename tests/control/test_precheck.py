"""What the desk asks before it asks for a key, and how a handed-over run ended."""

from __future__ import annotations

from app.control.service import ControlService
from app.core.clock import FixedClock
from app.core.config import Settings
from app.domain.status import Mode
from app.storage import control_requests, runs
from app.storage.database import Database
from app.storage.mode import set_mode

from .conftest import ADMIN_KEY, Recorder, beat_daemon, make_service

WRONG = "not-the-key"  # pragma: allowlist secret


async def audit_rows(db: Database) -> int:
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM audit_log") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_no_key_set_is_said_first(
    db: Database, settings: Settings, clock: FixedClock, recorder: Recorder
) -> None:
    bare = make_service(db, settings, clock, recorder)
    assert "no admin key is set" in (await bare.precheck("execute") or "")


async def test_nothing_stands_in_the_way_of_a_fresh_service(service: ControlService) -> None:
    for action in ("execute", "override", "reset_breaker"):
        assert await service.precheck(action) is None


async def test_halted_refuses_only_a_run(
    service: ControlService, db: Database, clock: FixedClock
) -> None:
    async with db.write() as conn:
        await set_mode(conn, Mode.HALTED, set_by="t", set_at=clock.now_iso(), reason="kill")
    assert "halted" in (await service.precheck("execute") or "")
    assert await service.precheck("override") is None  # the way out of halted stays open


async def test_a_lock_is_said_before_a_key_and_costs_no_attempt(
    service: ControlService, db: Database, settings: Settings
) -> None:
    for _ in range(settings.security.max_attempts):
        await service.override("paused", WRONG, "guess")
    before = await audit_rows(db)
    refusal = await service.precheck("override") or ""
    assert "locked" in refusal and "UTC" in refusal
    assert await audit_rows(db) == before  # read only: nothing audited, nothing counted


async def test_the_rate_limit_is_said_with_the_wait(
    service: ControlService, settings: Settings, clock: FixedClock
) -> None:
    assert (await service.execute(ADMIN_KEY, "first")).ok
    refusal = await service.precheck("execute") or ""
    assert refusal.startswith("rate limited") and "try again in" in refusal
    clock.advance(settings.security.run_rate_limit_s + 1)
    assert await service.precheck("execute") is None


async def test_request_outcome_waits_for_the_daemon_then_names_the_run(
    service: ControlService, db: Database, clock: FixedClock
) -> None:
    async with db.write() as conn:
        await beat_daemon(conn, clock)
    handed = await service.execute(ADMIN_KEY, "odds moved")
    assert handed.request_id is not None
    assert await service.request_outcome(handed.request_id) is None  # still pending
    async with db.write() as conn:
        start = runs.RunStart("request", "2025-06-14", clock.now_iso(), "srv", 1)
        run_id = await runs.create_run(conn, start, lease_token=None)
        await conn.execute("UPDATE runs SET outcome = 'degraded' WHERE id = ?", (run_id,))
        await control_requests.finish(
            conn, handed.request_id, status="done", run_id=run_id, now=clock.now_iso()
        )
    line = await service.request_outcome(handed.request_id)
    assert line == f"request #{handed.request_id}: run #{run_id} finished degraded"


async def test_a_request_that_ended_without_a_run_says_so(
    service: ControlService, db: Database, clock: FixedClock
) -> None:
    async with db.write() as conn:
        request_id = await control_requests.submit(
            conn, action="execute", reason=None, requested_by="t", now=clock.now_iso()
        )
        await control_requests.finish(
            conn, request_id, status="failed", run_id=None, now=clock.now_iso()
        )
    assert await service.request_outcome(request_id) == (
        f"request #{request_id} ended failed without a run"
    )
    assert "is gone" in (await service.request_outcome(request_id + 99) or "")
