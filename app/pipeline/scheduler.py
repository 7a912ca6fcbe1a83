"""The daemon loop: heartbeat, hand-over requests, scheduled runs, clean stop.

Every tick (at most ``tick_s`` apart) the scheduler records its heartbeat and its
next run in ``daemon_state``, runs any break-glass request a desk handed over
(``control_requests``, trigger 'request', allowed while paused), and starts the
scheduled run when it is due. While paused or halted the runner records one
"skipped" run per state change, not one per interval. The mode is read by the runner at every run; a
change back to ``auto`` is noticed within one tick and runs at once rather than
waiting out the interval. ``stop`` (an ``asyncio.Event``, set from SIGTERM/SIGINT
by the CLI) ends the loop between steps; a run in progress finishes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, InitVar, dataclass, field
from datetime import datetime, timedelta

from app.core.clock import Clock, iso
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.sanitize import clean_line
from app.domain.records import RunResult
from app.domain.status import DELIVERED, Mode, RequestStatus, Trigger
from app.pipeline.runner import PipelineRunner
from app.storage import control_requests, daemon_state
from app.storage.database import Database
from app.storage.lease import pid_alive, this_host
from app.storage.mode import get_mode

log = get_logger("pressbox.daemon")

Hook = Callable[[], Awaitable[None]]


@dataclass(eq=False)  # a service: equal only to itself
class Scheduler:
    """The daemon of this process; ``results`` keeps every run it made, oldest first."""

    runner: PipelineRunner
    db: Database
    settings: Settings
    clock: Clock
    interval_s: float
    _: KW_ONLY
    # Requests and mode changes are noticed within one tick; a beat is also a tick.
    # Default: the interval, or the lease heartbeat if that is shorter.
    tick_s: InitVar[float | None] = None
    on_tick: Hook | None = None
    before_run: Hook | None = None
    say: Callable[[str], None] = field(
        default=lambda line: print(clean_line(line), file=sys.stderr)
    )
    tick_interval_s: float = field(init=False)
    host: str = field(init=False, default_factory=this_host)
    pid: int = field(init=False, default_factory=os.getpid)
    results: list[RunResult] = field(init=False, default_factory=list)
    _next_run: datetime | None = field(init=False, default=None)
    _last_mode: Mode | None = field(init=False, default=None)
    # The paused/halted state whose skipped run is recorded already (None: none yet).
    _skipped_in: Mode | None = field(init=False, default=None)
    _started_at: str | None = field(init=False, default=None)

    def __post_init__(self, tick_s: float | None) -> None:
        heartbeat = self.settings.pipeline.lease_heartbeat_s
        self.tick_interval_s = tick_s if tick_s is not None else min(self.interval_s, heartbeat)

    async def serve(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set; records a clean stop in ``daemon_state``."""
        if not await self._wait_for_other_daemon(stop):
            return
        started_at = self.clock.now_iso()
        self._started_at = started_at
        self._next_run = self.clock.now()
        log.info("daemon started", host=self.host, pid=self.pid, interval_s=self.interval_s)
        try:
            while not stop.is_set():
                await self.tick(started_at, stop)
                if stop.is_set():
                    break
                await self._wait(stop)
        finally:
            async with self.db.write() as conn:
                await daemon_state.mark_stopped(
                    conn, host=self.host, pid=self.pid, now=self.clock.now_iso()
                )
            log.info("daemon stopped", host=self.host, pid=self.pid)

    async def _other_daemon(self) -> str | None:
        """Who else serves this database right now (alive and beating), or None."""
        async with self.db.read() as conn:
            other = await daemon_state.read_state(conn)
        if other is None or (other.host, other.pid) == (self.host, self.pid):
            return None
        fresh_s = 3 * self.settings.pipeline.lease_heartbeat_s  # as a desk judges it
        gone = other.host == self.host and not pid_alive(other.pid)
        if gone or not other.alive(self.clock.now(), fresh_s):
            return None
        return f"pid {other.pid} on {other.host}"

    async def _wait_for_other_daemon(self, stop: asyncio.Event) -> bool:
        """A second daemon by mistake waits (and says so once) until the first one is gone.

        False when stopped while waiting. Two schedulers would double every run and
        overwrite each other's heartbeat.
        """
        other = await self._other_daemon()
        if other is None:
            return True
        self.say(f"another daemon ({other}) serves {self.db.path}; waiting for it to stop")
        log.warning("waiting for another daemon", other=other)
        while other is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.tick_interval_s)
            if stop.is_set():
                return False
            other = await self._other_daemon()
        return True

    async def tick(self, started_at: str, stop: asyncio.Event) -> None:
        """One pass: beat, requests, the scheduled run if due (or just unpaused)."""
        await self._beat(started_at)
        while not stop.is_set() and await self._serve_request():
            pass
        if stop.is_set():
            return
        now = self.clock.now()
        async with self.db.read() as conn:
            mode = (await get_mode(conn)).mode
        resumed = mode is Mode.AUTO and self._last_mode not in (None, Mode.AUTO)
        self._last_mode = mode
        if resumed or self._next_run is None or now >= self._next_run:
            if mode is not Mode.AUTO and self._skipped_in is mode:
                # Already said once for this state: a paused day is one row, not one per tick.
                self._next_run = now + timedelta(seconds=self.interval_s)
            else:
                if self.before_run is not None:
                    await self.before_run()
                await self._run_guarded(Trigger.SCHEDULE, scheduled=True)
                self._skipped_in = None if mode is Mode.AUTO else mode
                self._next_run = self.clock.now() + timedelta(seconds=self.interval_s)
            await self._beat(started_at)
        if self.on_tick is not None:
            await self.on_tick()

    async def _beat(self, started_at: str) -> None:
        async with self.db.write() as conn:
            await daemon_state.beat(
                conn,
                host=self.host,
                pid=self.pid,
                started_at=started_at,
                now=self.clock.now_iso(),
                next_run_at=iso(self._next_run) if self._next_run is not None else None,
            )

    async def _serve_request(self) -> bool:
        """Run the oldest pending hand-over request; False when there is none."""
        async with self.db.write() as conn:
            request = await control_requests.take_next(conn, self.clock.now_iso())
        if request is None:
            return False
        log.info("running a handed-over request", request_id=request.id, by=request.requested_by)
        if self.before_run is not None:
            await self.before_run()
        result = await self._run_guarded(Trigger.REQUEST, scheduled=False)
        delivered = result is not None and result.outcome in DELIVERED
        async with self.db.write() as conn:
            await control_requests.finish(
                conn,
                request.id,
                status=RequestStatus.DONE if delivered else RequestStatus.FAILED,
                run_id=result.run_id if result is not None else None,
                now=self.clock.now_iso(),
            )
        return True

    async def _run_guarded(self, trigger: str, *, scheduled: bool) -> RunResult | None:
        """One run; a database or configuration failure is logged and the daemon lives on.

        A run interrupted this way stays 'running' until the next run takes the lease
        and marks it abandoned.
        """
        # Keep beating during a long run: a desk judges the daemon alive by its heartbeat
        # and would otherwise run in-process instead of handing its request over.
        beating = asyncio.create_task(self._beat_during_run())
        try:
            result = await self.runner.run(trigger, scheduled=scheduled)
        except PressboxError as exc:
            log.error("run could not complete", trigger=trigger, error=_describe(exc))
            return None
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
        self.results.append(result)
        return result

    async def _beat_during_run(self) -> None:
        while self._started_at is not None:
            await asyncio.sleep(self.tick_interval_s)
            try:
                await self._beat(self._started_at)
            except PressboxError as exc:
                # A missed beat is not worth failing the run for; the next one may land.
                log.warning("daemon heartbeat failed during a run", error=_describe(exc))

    async def _wait(self, stop: asyncio.Event) -> None:
        """Sleep until the next tick, the next run, or the stop event, whichever is first."""
        delay = self.tick_interval_s
        if self._next_run is not None:
            until = (self._next_run - self.clock.now()).total_seconds()
            delay = max(0.0, min(delay, until))
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            return


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PressboxError):
        return exc.one_line()
    return redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
