"""The daemon loop: scheduled runs, hand-over requests, mode changes, clean stop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.domain.status import Mode
from app.pipeline.runner import PipelineRunner
from app.pipeline.scheduler import Scheduler
from app.sources.simulated import SimulatedUpstream
from app.storage import control_requests, daemon_state
from app.storage.database import Database
from app.storage.mode import set_mode
from tests.support.pipeline import ODDS_KEY, SEED, count

# A fixed instant in the afternoon of a slate: runs are due only when the test says so.
NOON = datetime(2025, 6, 14, 17, 0, tzinfo=UTC)
INTERVAL_S = 600.0


def _scheduler(db: Database, settings: Settings, clock: FixedClock, **hooks: object) -> Scheduler:
    sim = SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone)
    runner = PipelineRunner(
        db, settings, transport=sim, secrets=StaticSecrets({"odds-api-key": ODDS_KEY}), clock=clock
    )
    return Scheduler(runner, db, settings, clock, INTERVAL_S, tick_s=0.01, **hooks)  # type: ignore[arg-type]


async def _mode(db: Database, clock: FixedClock, mode: Mode) -> None:
    async with db.write() as conn:
        await set_mode(conn, mode, set_by="tester", set_at=clock.now_iso(), reason="test")


async def test_serve_runs_takes_a_request_resumes_within_a_tick_and_stops(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    stop = asyncio.Event()
    ticks: list[int] = []
    heartbeats: list[daemon_state.DaemonState | None] = []

    async def on_tick() -> None:
        ticks.append(len(ticks))
        async with db.read() as conn:
            heartbeats.append(await daemon_state.read_state(conn))
        if len(ticks) == 1:
            await _mode(db, clock, Mode.PAUSED)
            async with db.write() as conn:
                await control_requests.submit(
                    conn, action="execute", reason="desk", requested_by="ana", now=clock.now_iso()
                )
        elif len(ticks) == 2:
            await _mode(db, clock, Mode.AUTO)
        elif len(ticks) == 3:
            stop.set()

    scheduler = _scheduler(db, settings, clock, on_tick=on_tick)
    await asyncio.wait_for(scheduler.serve(stop), timeout=30)

    # tick 1: the first scheduled run; tick 2 (paused): the handed-over request runs,
    # no scheduled run is due; tick 3: back to auto, the scheduled run happens at once.
    assert [(r.trigger, r.outcome) for r in scheduler.results] == [
        ("schedule", "ok"),
        ("request", "ok"),
        ("schedule", "ok"),
    ]
    async with db.read() as conn, conn.execute("SELECT status, run_id FROM control_requests") as c:
        request = await c.fetchone()
    assert request is not None and tuple(request) == ("done", scheduler.results[1].run_id)
    first = heartbeats[0]
    assert first is not None and first.pid == scheduler.pid and first.stopped_at is None
    assert first.next_run_at == "2025-06-14T17:10:00.000Z"
    async with db.read() as conn:
        final = await daemon_state.read_state(conn)
    assert final is not None and final.stopped_at is not None and final.next_run_at is None


async def test_a_due_run_is_skipped_while_paused_and_a_halted_request_fails(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    scheduler = _scheduler(db, settings, clock)
    never = asyncio.Event()
    await scheduler.tick(clock.now_iso(), never)  # first run
    await _mode(db, clock, Mode.PAUSED)
    clock.advance(INTERVAL_S)
    await scheduler.tick(clock.now_iso(), never)
    assert scheduler.results[-1].outcome == "skipped"
    assert scheduler.results[-1].reason is not None and "paused" in scheduler.results[-1].reason

    await _mode(db, clock, Mode.HALTED)
    async with db.write() as conn:
        await control_requests.submit(
            conn, action="execute", reason=None, requested_by="bo", now=clock.now_iso()
        )
    await scheduler.tick(clock.now_iso(), never)
    assert [r.trigger for r in scheduler.results] == ["schedule", "schedule", "request"]
    assert scheduler.results[-1].outcome == "skipped"
    assert await count(db, "control_requests", "status = 'failed'") == 1
    assert await count(db, "runs", "outcome = 'ok'") == 1


async def test_a_run_that_cannot_start_does_not_kill_the_daemon(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    scheduler = _scheduler(db, settings, clock)
    settings.pipeline.timezone = "Mars/Olympus_Mons"  # the runner's ConfigurationError
    async with db.write() as conn:
        await control_requests.submit(
            conn, action="execute", reason=None, requested_by="ana", now=clock.now_iso()
        )
    await scheduler.tick(clock.now_iso(), asyncio.Event())
    await scheduler.tick(clock.now_iso(), asyncio.Event())  # still alive: ticks again
    assert scheduler.results == []
    assert await count(db, "control_requests", "status = 'failed' AND run_id IS NULL") == 1
    async with db.read() as conn:
        state = await daemon_state.read_state(conn)
    assert state is not None and state.stopped_at is None


async def test_the_heartbeat_keeps_beating_during_a_long_run(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    stop = asyncio.Event()
    scheduler = _scheduler(db, settings, clock)
    beats: list[str] = []
    real_run = scheduler.runner.run

    async def slow_run(trigger: str, slate_date: object = None, *, scheduled: bool = True):
        # While the run is in flight, time passes and the daemon must go on beating.
        for _ in range(3):
            clock.advance(5)
            await asyncio.sleep(0.05)
            async with db.read() as conn:
                state = await daemon_state.read_state(conn)
            assert state is not None
            beats.append(state.heartbeat_at)
        stop.set()
        return await real_run(trigger, scheduled=scheduled)

    scheduler.runner.run = slow_run  # type: ignore[method-assign]
    await asyncio.wait_for(scheduler.serve(stop), timeout=30)
    assert len(set(beats)) == 3, beats  # a fresh heartbeat at every step of the run


async def test_a_paused_or_halted_daemon_records_one_skip_per_state_change(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    scheduler = _scheduler(db, settings, clock)
    never = asyncio.Event()
    await scheduler.tick(clock.now_iso(), never)  # the first run, in auto

    async def ticks(n: int) -> None:
        for _ in range(n):
            clock.advance(INTERVAL_S)
            await scheduler.tick(clock.now_iso(), never)

    await _mode(db, clock, Mode.PAUSED)
    await ticks(4)
    await _mode(db, clock, Mode.HALTED)
    await ticks(3)
    await _mode(db, clock, Mode.AUTO)
    await ticks(1)
    await _mode(db, clock, Mode.PAUSED)
    await ticks(2)

    assert [r.outcome for r in scheduler.results] == ["ok", "skipped", "skipped", "ok", "skipped"]
    assert await count(db, "runs", "outcome = 'skipped'") == 3
    async with db.read() as conn:
        state = await daemon_state.read_state(conn)
    # Still beating and still scheduling while it records nothing.
    assert state is not None and state.next_run_at is not None
    assert state.next_run_at > clock.now_iso()
