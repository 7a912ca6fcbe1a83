"""A second daemon on one database waits while the first beats, and only then serves."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

from app.core.clock import FixedClock, iso
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import PipelineRunner
from app.pipeline.scheduler import Scheduler
from app.sources.simulated import SimulatedUpstream
from app.storage import daemon_state
from app.storage.database import Database
from app.storage.lease import this_host
from tests.support.pipeline import ODDS_KEY, SEED

NOON = datetime(2025, 6, 14, 17, 0, tzinfo=UTC)


def _scheduler(db: Database, settings: Settings, clock: FixedClock, said: list[str]) -> Scheduler:
    sim = SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone)
    runner = PipelineRunner(
        db, settings, transport=sim, secrets=StaticSecrets({"odds-api-key": ODDS_KEY}), clock=clock
    )
    return Scheduler(runner, db, settings, clock, 600.0, tick_s=0.01, say=said.append)


async def _first_daemon(db: Database, *, host: str, pid: int, beat_at: datetime) -> None:
    async with db.write() as conn:
        await daemon_state.beat(
            conn, host=host, pid=pid, started_at=iso(beat_at), now=iso(beat_at), next_run_at=None
        )


async def test_waits_while_another_daemon_beats_then_takes_over(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    said: list[str] = []
    other_host = "elsewhere.example"  # not this host: only its heartbeat tells if it lives
    await _first_daemon(db, host=other_host, pid=4242, beat_at=NOON)
    scheduler = _scheduler(db, settings, clock, said)
    stop = asyncio.Event()
    serving = asyncio.create_task(scheduler.serve(stop))
    for _ in range(20):
        await asyncio.sleep(0.01)
    assert not scheduler.results  # waiting, not running
    assert said == [
        f"another daemon (pid 4242 on {other_host}) serves {db.path}; waiting for it to stop"
    ]
    clock.advance(3 * settings.pipeline.lease_heartbeat_s + 1)  # it went quiet
    for _ in range(500):
        if scheduler.results:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await serving
    assert len(scheduler.results) == 1 and len(said) == 1
    async with db.read() as conn:
        state = await daemon_state.read_state(conn)
    assert state is not None and state.pid == os.getpid()


async def test_a_dead_daemon_on_this_host_is_not_waited_for(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock(NOON)
    said: list[str] = []
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    await _first_daemon(db, host=this_host(), pid=dead.pid, beat_at=NOON)  # fresh, but dead
    stop = asyncio.Event()
    scheduler = _scheduler(db, settings, clock, said)

    async def stop_after_the_first_tick() -> None:
        stop.set()

    scheduler.on_tick = stop_after_the_first_tick
    await scheduler.serve(stop)
    assert said == [] and len(scheduler.results) == 1
