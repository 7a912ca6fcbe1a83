"""Rewind of the daemon and of lockouts (migration 8): what the header and health said then.

A real SQLite file; the daemon's beats written as the scheduler writes them
(``daemon_state.beat``/``mark_stopped``), the lockouts as break-glass writes them
(``app.control.lockout``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.control import lockout
from app.core.clock import iso
from app.core.config import Settings
from app.security.identity import Actor
from app.storage import daemon_state
from app.storage.database import Database
from app.storage.read.audit import load_audit
from app.storage.read.audit_entry import load_audit_entry
from app.storage.read.models import DaemonState
from app.storage.read.rewind import daemon_at, health_facts_at, locks_at
from app.storage.read.source_errors import load_source_errors
from tests.support.drill_seed import add_full_audit, add_odds_failure

T0 = datetime(2024, 7, 1, 19, 0, tzinfo=UTC)
HOST, PID = "box", 4242


def _at(seconds: float) -> str:
    return iso(T0 + timedelta(seconds=seconds))


async def _beat(
    db: Database,
    seconds: float,
    *,
    next_in: float | None = 300.0,
    pid: int = PID,
    started: float = 0,
) -> None:
    async with db.write() as conn:
        await daemon_state.beat(
            conn,
            host=HOST,
            pid=pid,
            started_at=_at(started),
            now=_at(seconds),
            next_run_at=_at(next_in) if next_in is not None else None,
        )


async def _daemon(db: Database, seconds: float) -> DaemonState | None:
    async with db.read() as conn:
        return await daemon_at(conn, _at(seconds))


async def _kept(db: Database) -> list[tuple[str, str]]:
    async with (
        db.read() as conn,
        conn.execute("SELECT heartbeat_at, kept FROM daemon_history ORDER BY id") as cur,
    ):
        return [(r[0], r[1]) for r in await cur.fetchall()]


async def test_steady_beats_keep_one_row_a_minute_and_read_as_just_beaten(db: Database) -> None:
    for second in range(0, 300, 10):  # five minutes of a 10 s heartbeat: 30 beats
        await _beat(db, second)
    kept = await _kept(db)
    assert kept == [(_at(s), "change" if s == 0 else "beat") for s in (0, 60, 120, 180, 240)]
    # Between kept beats the daemon beat under 15 s before: the moment itself, next run kept.
    state = await _daemon(db, 95)
    assert state is not None
    assert (state.heartbeat_at, state.next_run_at, state.stopped_at) == (_at(95), _at(300), None)
    # Past the last beat the current row is exact: beat at 290 s, read at 299 s.
    latest = await _daemon(db, 299)
    assert latest is not None and latest.heartbeat_at == _at(290)
    assert await _daemon(db, -1) is None  # before its start: no daemon


async def test_a_silence_keeps_the_beat_before_it_and_a_moment_inside_reads_it(
    db: Database,
) -> None:
    for second in (0, 10, 20, 30):
        await _beat(db, second)
    await _beat(db, 130)  # silent for 100 s (stuck, or a busy disk), then beating again
    await _beat(db, 140)
    assert (_at(30), "before-silence") in await _kept(db)
    inside = await _daemon(db, 100)
    assert inside is not None and inside.heartbeat_at == _at(30)  # "1 min ago", as it read
    after = await _daemon(db, 135)
    assert after is not None and after.heartbeat_at == _at(135)


async def test_a_stop_and_a_change_of_the_next_run_are_exact(db: Database) -> None:
    await _beat(db, 0, next_in=300)
    await _beat(db, 10, next_in=300)
    await _beat(db, 20, next_in=900)  # a run finished: the next one moves
    async with db.write() as conn:
        await daemon_state.mark_stopped(conn, host=HOST, pid=PID, now=_at(25))
    before = await _daemon(db, 15)
    assert before is not None and before.next_run_at == _at(300)
    moved = await _daemon(db, 22)
    assert moved is not None and moved.next_run_at == _at(900)
    stopped = await _daemon(db, 40)
    assert stopped is not None and stopped.stopped_at == _at(25)
    # A new daemon later: the moment of the old one's stop still reads stopped.
    await _beat(db, 600, pid=PID + 1, started=600)
    again = await _daemon(db, 40)
    assert again is not None and again.stopped_at == _at(25)
    new = await _daemon(db, 600)
    assert new is not None and (new.pid, new.stopped_at) == (PID + 1, None)


async def test_a_killed_daemon_reads_as_its_last_beat_until_another_starts(db: Database) -> None:
    await _beat(db, 0)
    await _beat(db, 10)  # killed after this beat: no stop written
    await _beat(db, 900, pid=PID + 1, started=900)
    killed = await _daemon(db, 600)
    assert killed is not None and (killed.pid, killed.heartbeat_at) == (PID, _at(10))


ACTOR = Actor(
    login_user="mallory",
    sudo_user=None,
    ssh_client=None,
    tty=None,
    pid=1,
    host="h",
    app_version="t",
)


async def _wrong(db: Database, settings: Settings, seconds: float) -> None:
    now = T0 + timedelta(seconds=seconds)
    async with db.write() as conn:
        reserved = await lockout.reserve(
            conn, action="override", actor=ACTOR, now=now, settings=settings.security
        )
        if reserved.attempt_id is not None:
            await lockout.settle_wrong(
                conn, reserved.attempt_id, actor=ACTOR, now=now, settings=settings.security
            )


async def test_a_lockout_reads_from_its_start_to_its_unlock(
    db: Database, settings: Settings
) -> None:
    for n in range(settings.security.max_attempts):
        await _wrong(db, settings, 10 + n)
    started = 10 + settings.security.max_attempts - 1
    async with db.write() as conn:
        await lockout.unlock_all(conn, T0 + timedelta(seconds=started + 60))
    async with db.read() as conn:
        assert await locks_at(conn, _at(started - 0.5)) == []  # not yet locked
        during = await locks_at(conn, _at(started + 30))
        assert [scope for scope, _ in during] == [lockout.origin_scope(ACTOR.origin)]
        assert await locks_at(conn, _at(started + 61)) == []  # unlocked by then
        # The verdict's facts at each moment: the lock, and the failures counted by then only.
        facts = await health_facts_at(
            conn, T0 + timedelta(seconds=started + 30), settings.security, recent_runs=3
        )
        early = await health_facts_at(
            conn, T0 + timedelta(seconds=10.5), settings.security, recent_runs=3
        )
    assert [lock.who for lock in facts.security.locks] == [ACTOR.origin]
    assert facts.security.failed_attempts == settings.security.max_attempts
    assert early.security.locks == () and early.security.failed_attempts == 1


async def test_a_sources_errors_and_the_audit_trail_stop_at_the_moment(db: Database) -> None:
    await add_odds_failure(db, 1, "key refused")  # its odds stage failed at 19:59:01.5Z
    entry_id = await add_full_audit(db, reason="reset")  # written at 19:59:45Z
    before, after = "2025-06-14T19:59:30.000Z", "2025-06-14T20:00:00.000Z"
    assert (await load_source_errors(db, "odds", limit=5, as_of=before)).errors
    early = "2025-06-14T19:59:01.000Z"  # the stage had not finished: no error stored yet
    assert not (await load_source_errors(db, "odds", limit=5, as_of=early)).errors
    assert await load_audit(db, limit=5, as_of=before) == ()
    assert [e.id for e in await load_audit(db, limit=5, as_of=after)] == [entry_id]
    assert await load_audit_entry(db, entry_id, as_of=before) is None
    assert await load_audit_entry(db, entry_id, as_of=after) is not None
    assert await load_audit_entry(db, entry_id) is not None  # live
