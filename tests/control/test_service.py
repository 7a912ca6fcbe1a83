"""ControlService: every refusal has its own status and message, changes nothing, and is audited."""

from __future__ import annotations

from typing import Any

from app.control import audit
from app.control.service import ControlService
from app.core.clock import FixedClock
from app.core.config import Settings
from app.domain.status import ControlStatus, Mode
from app.security.identity import Actor
from app.storage import control_requests
from app.storage.database import Database
from app.storage.mode import get_mode, set_mode

from .conftest import ADMIN_KEY, Recorder, beat_daemon, make_service

WRONG = "not-the-admin-key-000"  # pragma: allowlist secret


async def trail(db: Database) -> list[audit.AuditEntry]:
    async with db.read() as conn:
        return list(reversed(await audit.recent(conn, 1000)))


async def mode_of(db: Database) -> Mode:
    async with db.read() as conn:
        return (await get_mode(conn)).mode


async def snapshot(db: Database) -> dict[str, Any]:
    """Everything a refused attempt must leave unchanged."""
    async with db.read() as conn:
        async with conn.execute("SELECT * FROM system_mode") as cur:
            mode = [tuple(r) for r in await cur.fetchall()]
        async with conn.execute("SELECT * FROM control_requests") as cur:
            requests = [tuple(r) for r in await cur.fetchall()]
        async with conn.execute("SELECT * FROM admin_key") as cur:
            key = [tuple(r) for r in await cur.fetchall()]
    return {"mode": mode, "requests": requests, "key": key}


async def test_override_with_key_and_reason_changes_the_mode_and_records_who(
    service: ControlService, db: Database
) -> None:
    result = await service.override("halted", ADMIN_KEY, "  bad odds feed  ")
    assert result.status is ControlStatus.DONE and result.ok
    assert result.message == "mode is now halted (was auto)"
    async with db.read() as conn:
        state = await get_mode(conn)
    assert state.mode is Mode.HALTED and state.reason == "bad odds feed"
    assert state.set_by == "carol (sudo by bob) via ssh 10.0.0.9@desk-host"
    last = (await trail(db))[-1]
    assert (last.action, last.target, last.outcome, last.reason) == (
        "override",
        "halted",
        "done",
        "bad odds feed",
    )
    assert (last.login_user, last.sudo_user, last.ssh_client, last.tty, last.pid, last.host) == (
        "carol",
        "bob",
        "10.0.0.9",
        "/dev/pts/3",
        4242,
        "desk-host",
    )
    assert last.app_version == "0.1.0"


async def test_each_refusal_has_its_own_status_message_and_audit_row(
    service: ControlService, db: Database, clock: FixedClock, recorder: Recorder
) -> None:
    async with db.write() as conn:
        await set_mode(conn, Mode.HALTED, set_by="t", set_at=clock.now_iso(), reason="kill")
    before = await snapshot(db)
    start = len(await trail(db))

    wrong = await service.override("paused", WRONG, "try")
    missing = await service.override("paused", ADMIN_KEY, "   ")
    invalid = await service.override("sideways", ADMIN_KEY, "why")
    halted = await service.execute(ADMIN_KEY, "need fresh odds")
    no_reason_reset = await service.reset_breaker("odds", ADMIN_KEY, "")

    statuses = [r.status for r in (wrong, missing, invalid, halted, no_reason_reset)]
    assert statuses == [
        ControlStatus.WRONG_KEY,
        ControlStatus.MISSING_REASON,
        ControlStatus.INVALID,
        ControlStatus.REFUSED_HALTED,
        ControlStatus.MISSING_REASON,
    ]
    messages = [r.message for r in (wrong, missing, invalid, halted)]
    assert len(set(messages)) == 4
    assert wrong.attempts_left == 4 and "4 attempts left" in wrong.message
    assert "reason is required" in missing.message
    assert "unknown mode 'sideways'" in invalid.message
    assert "halted" in halted.message
    assert await snapshot(db) == before
    assert recorder.runs == 0 and recorder.resets == []
    rows = (await trail(db))[start:]
    assert [r.outcome for r in rows] == [s.value for s in statuses]
    assert all(ADMIN_KEY not in (r.reason or "") + (r.detail or "") for r in rows)
    assert all(WRONG not in (r.reason or "") + (r.detail or "") for r in rows)


async def test_lockout_after_max_attempts_then_expiry(
    service: ControlService, db: Database, clock: FixedClock, settings: Settings
) -> None:
    limit = settings.security.max_attempts
    for _ in range(limit - 1):
        assert (await service.override("paused", WRONG, "guess")).status is ControlStatus.WRONG_KEY
    locking = await service.override("paused", WRONG, "guess")
    assert locking.status is ControlStatus.LOCKED and locking.locked_until is not None
    # Even the right key is refused while locked, and nothing changes.
    clock.advance(settings.security.lockout_s - 1)
    locked = await service.override("paused", ADMIN_KEY, "legit")
    assert locked.status is ControlStatus.LOCKED and "locked" in locked.message
    assert await mode_of(db) is Mode.AUTO
    # Once it expires the right key works again, and the count starts afresh.
    clock.advance(2)
    ok = await service.override("paused", ADMIN_KEY, "legit")
    assert ok.status is ControlStatus.DONE and await mode_of(db) is Mode.PAUSED
    again = await service.override("auto", WRONG, "typo")
    assert again.attempts_left == limit - 1


async def test_failures_outside_the_window_do_not_count(
    service: ControlService, clock: FixedClock, settings: Settings
) -> None:
    for _ in range(settings.security.max_attempts - 1):
        await service.override("paused", WRONG, "guess")
    clock.advance(settings.security.attempt_window_s + 1)
    result = await service.override("paused", WRONG, "guess")
    assert result.status is ControlStatus.WRONG_KEY
    assert result.attempts_left == settings.security.max_attempts - 1


def other_origin(name: str, ssh: str | None = None) -> Actor:
    return Actor(name, None, ssh, None, 7, "other-host", "0.1.0")


async def test_one_origin_locked_out_does_not_lock_out_another(
    service: ControlService,
    db: Database,
    settings: Settings,
    clock: FixedClock,
    recorder: Recorder,
) -> None:
    hostile = make_service(db, settings, clock, recorder, other_origin("mallory"))
    for _ in range(settings.security.max_attempts):
        await hostile.override("paused", WRONG, "guess")
    assert (await hostile.override("paused", ADMIN_KEY, "now right")).status is (
        ControlStatus.LOCKED
    )
    result = await service.override("paused", ADMIN_KEY, "legit")
    assert result.status is ControlStatus.DONE


async def test_the_global_limit_locks_every_origin(
    service: ControlService,
    db: Database,
    settings: Settings,
    clock: FixedClock,
    recorder: Recorder,
) -> None:
    # Forged SSH clients make many origins of one account; together they hit the global limit.
    total = settings.security.global_max_attempts
    per = settings.security.max_attempts
    results = []
    for i in range(total):
        svc = make_service(
            db, settings, clock, recorder, other_origin("mallory", f"10.9.9.{i // per}")
        )
        results.append(await svc.override("paused", WRONG, "guess"))
    assert results[-1].status is ControlStatus.LOCKED
    assert "every operator" in results[-1].message
    locked = await service.override("paused", ADMIN_KEY, "legit")
    assert locked.status is ControlStatus.LOCKED and "admin-key unlock" in locked.message
    assert await mode_of(db) is Mode.AUTO


async def test_while_locked_the_answer_does_not_depend_on_the_key(
    service: ControlService, settings: Settings
) -> None:
    for _ in range(settings.security.max_attempts):
        await service.override("paused", WRONG, "guess")
    right = await service.override("paused", ADMIN_KEY, "legit")
    wrong = await service.override("paused", WRONG, "guess")
    assert right.status is wrong.status is ControlStatus.LOCKED
    assert right.message == wrong.message and "attempts left" not in right.message
    assert right.attempts_left is None and wrong.attempts_left is None


async def test_unlock_lifts_every_lock_and_is_audited(
    service: ControlService,
    db: Database,
    settings: Settings,
    clock: FixedClock,
    recorder: Recorder,
) -> None:
    for i in range(settings.security.global_max_attempts):
        svc = make_service(db, settings, clock, recorder, other_origin(f"user{i}"))
        await svc.override("paused", WRONG, "guess")
    assert (await service.override("paused", ADMIN_KEY, "x")).status is ControlStatus.LOCKED
    missing = await service.unlock("  ")
    assert missing.status is ControlStatus.MISSING_REASON
    done = await service.unlock("drill over")
    assert done.ok and "1 lock lifted" in done.message
    row = (await trail(db))[-1]
    assert (row.action, row.outcome, row.reason) == ("unlock", "done", "drill over")
    assert (await service.override("paused", ADMIN_KEY, "legit")).ok
    # Counts start afresh for everyone.
    again = await make_service(db, settings, clock, recorder, other_origin("user0")).override(
        "auto", WRONG, "guess"
    )
    assert again.attempts_left == settings.security.max_attempts - 1


async def test_rate_limits(
    service: ControlService, db: Database, clock: FixedClock, recorder: Recorder, settings: Settings
) -> None:
    first = await service.execute(ADMIN_KEY, "refresh")
    assert first.status is ControlStatus.DONE and first.run_outcome == "ok"
    clock.advance(settings.security.run_rate_limit_s / 2)
    second = await service.execute(ADMIN_KEY, "again")
    assert second.status is ControlStatus.RATE_LIMITED
    assert second.retry_after_s is not None and 0 < second.retry_after_s <= 30
    assert "try again in 30 s" in second.message
    assert recorder.runs == 1
    clock.advance(settings.security.run_rate_limit_s / 2 + 1)
    assert (await service.execute(ADMIN_KEY, "later")).status is ControlStatus.DONE
    assert recorder.runs == 2

    assert (await service.override("paused", ADMIN_KEY, "one")).ok
    limited = await service.override("halted", ADMIN_KEY, "two")
    assert limited.status is ControlStatus.RATE_LIMITED and await mode_of(db) is Mode.PAUSED
    rows = await trail(db)
    assert [r.outcome for r in rows if r.action == "execute"] == [
        "accepted",
        "done",
        "rate_limited",
        "accepted",
        "done",
    ]


async def test_execute_allowed_while_paused_and_handed_to_a_live_daemon(
    service: ControlService, db: Database, clock: FixedClock, recorder: Recorder
) -> None:
    async with db.write() as conn:
        await set_mode(conn, Mode.PAUSED, set_by="t", set_at=clock.now_iso(), reason="quiet")
        await beat_daemon(conn, clock)
    result = await service.execute(ADMIN_KEY, "odds moved")
    assert result.status is ControlStatus.DONE and result.request_id is not None
    assert result.message == f"handed to the daemon (request #{result.request_id})"
    assert recorder.runs == 0
    async with db.read() as conn:
        request = await control_requests.get_request(conn, result.request_id)
    assert request is not None and request.status == "pending" and request.reason == "odds moved"


async def test_execute_runs_in_process_when_the_daemon_is_stale(
    service: ControlService, db: Database, clock: FixedClock, recorder: Recorder
) -> None:
    async with db.write() as conn:
        await beat_daemon(conn, clock)
    clock.advance(31)
    recorder.outcome = "degraded"
    result = await service.execute(ADMIN_KEY)
    assert result.ok and result.run_outcome == "degraded" and recorder.runs == 1
    assert "degraded" in result.message


async def test_reset_breaker(service: ControlService, db: Database, recorder: Recorder) -> None:
    invalid = await service.reset_breaker("espn", ADMIN_KEY, "why")
    assert invalid.status is ControlStatus.INVALID
    done = await service.reset_breaker("odds", ADMIN_KEY, "new key installed")
    assert done.ok and recorder.resets == ["odds"]
    rows = [r for r in await trail(db) if r.action == "reset_breaker"]
    assert [(r.target, r.outcome) for r in rows] == [
        ("espn", "invalid"),
        ("odds", "accepted"),
        ("odds", "done"),
    ]


async def test_a_key_pasted_into_the_reason_is_masked(
    service: ControlService, db: Database
) -> None:
    await service.override("paused", ADMIN_KEY, f"oops {ADMIN_KEY}")
    assert (await trail(db))[-1].reason == "oops ***"


async def test_rotation_needs_the_current_key(service: ControlService, db: Database) -> None:
    new_key = "Brand-New-Key-77-pW4nRq-Zr5s"  # pragma: allowlist secret
    no_old = await service.set_admin_key(new_key)
    assert no_old.status is ControlStatus.WRONG_KEY
    wrong = await service.set_admin_key(new_key, WRONG)
    assert wrong.status is ControlStatus.WRONG_KEY and wrong.attempts_left == 4
    weak = await service.set_admin_key("short", ADMIN_KEY)
    assert weak.status is ControlStatus.INVALID and "minimum" in weak.message
    assert (await service.set_admin_key(new_key, ADMIN_KEY)).ok
    assert (
        await service.override("paused", ADMIN_KEY, "old key")
    ).status is ControlStatus.WRONG_KEY
    assert (await service.override("paused", new_key, "new key")).ok


async def test_no_admin_key_yet(
    db: Database, settings: Settings, clock: FixedClock, recorder: Recorder
) -> None:
    fresh = make_service(db, settings, clock, recorder)
    result = await fresh.override("halted", "anything-at-all-123", "why")
    assert result.status is ControlStatus.NOT_CONFIGURED
    assert "pressbox admin-key set" in result.message
    assert await mode_of(db) is Mode.AUTO
