"""One pipeline run under the lease: gate, stages, outcome, hooks.

``PipelineRunner.run`` decides in one ``BEGIN IMMEDIATE`` transaction whether the
run may happen (the system mode, then the lease), records a run row either way,
then runs schedule -> odds -> match -> analytics -> record -> closing. Outcomes:

* ``ok`` -- every stage did its job (a replay of another date skips the odds: ok);
* ``degraded`` -- one source (or a later stage) failed, the rest landed;
* ``failed`` -- neither the schedule nor the odds could be fetched;
* ``skipped`` -- the mode forbids it, or another live run holds the lease;
* ``abandoned`` -- this run lost its lease mid-way and stopped writing.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import KW_ONLY, InitVar, dataclass, field
from datetime import date

import httpx

from app.core.clock import Clock, iso
from app.core.config import Settings
from app.core.errors import PressboxError, StorageError
from app.core.logging import get_logger, redact
from app.core.secrets import SecretProvider
from app.domain.records import RunResult, StageResult
from app.domain.status import Mode, RunOutcome, StageStatus
from app.pipeline.closing import closing_stage
from app.pipeline.stages import (
    ODDS_ONLY_TODAY,
    RunState,
    StageReport,
    analytics_stage,
    match_stage,
    odds_stage,
    record_stage,
    schedule_stage,
)
from app.sources.recording import recording
from app.storage import runs
from app.storage.database import Database
from app.storage.lease import (
    Lease,
    LeaseLost,
    attach_run,
    heartbeat,
    release,
    this_host,
    try_acquire,
)
from app.storage.mode import ModeState, get_mode

log = get_logger("pressbox.pipeline")

Stage = Callable[[RunState], Awaitable[StageReport]]
STAGES: tuple[tuple[str, Stage], ...] = (
    ("schedule", schedule_stage),
    ("odds", odds_stage),
    ("match", match_stage),
    ("analytics", analytics_stage),
    ("record", record_stage),
    ("closing", closing_stage),
)


AfterRun = Callable[[RunResult], Awaitable[None]]


def _one_line(text: str) -> str:
    return redact(" ".join(text.split()))


def refusal(mode: ModeState, *, scheduled: bool) -> str | None:
    """Why the mode forbids this run, or None."""
    if mode.mode is Mode.HALTED:
        return f"system is halted (set by {mode.set_by}: {mode.reason}); only an override lifts it"
    if scheduled and mode.mode is Mode.PAUSED:
        return f"system is paused (set by {mode.set_by}: {mode.reason}); scheduled runs wait"
    return None


def decide(reports: dict[str, StageResult], degrading: set[str]) -> tuple[RunOutcome, str | None]:
    """The run's outcome and reason from its stages."""
    failed = [r for r in reports.values() if r.status == StageStatus.FAILED or r.name in degrading]
    schedule = reports.get("schedule")
    odds = reports.get("odds")
    schedule_down = schedule is None or schedule.status == StageStatus.FAILED
    odds_down = odds is None or odds.status == StageStatus.FAILED or "odds" in degrading
    odds_not_needed = odds is not None and odds.detail == ODDS_ONLY_TODAY
    reason = "; ".join(f"{r.name}: {r.error_summary or r.detail}" for r in failed) or None
    if schedule_down and (odds_down or odds_not_needed):
        return RunOutcome.FAILED, reason
    if failed:
        return RunOutcome.DEGRADED, reason
    if odds_not_needed:
        return RunOutcome.OK, f"replay: {ODDS_ONLY_TODAY}"
    return RunOutcome.OK, None


@dataclass(eq=False)  # a service: equal only to itself
class PipelineRunner:
    """Runs the pipeline; ``host`` and ``pid`` (this process by default) own its runs."""

    db: Database
    settings: Settings
    _: KW_ONLY
    secrets: SecretProvider
    clock: Clock
    transport: httpx.AsyncBaseTransport | None = None
    after_run: AfterRun | None = None
    host: InitVar[str | None] = None
    pid: InitVar[int | None] = None
    owner_host: str = field(init=False)
    owner_pid: int = field(init=False)

    def __post_init__(self, host: str | None, pid: int | None) -> None:
        self.owner_host = host or this_host()
        self.owner_pid = pid if pid is not None else os.getpid()

    async def run(
        self, trigger: str, slate_date: date | None = None, *, scheduled: bool = True
    ) -> RunResult:
        """One run; never raises for a source failure (see the outcome instead)."""
        today = self.clock.official_date(self.settings.pipeline.timezone)
        day = slate_date or today
        gate = await self._gate(trigger, day, scheduled)
        if isinstance(gate, RunResult):
            await self._after(gate)
            return gate
        lease, run_id = gate
        try:
            result = await self._execute(trigger, lease, run_id, day, today)
        finally:
            await release(self.db, lease)
        log.info("run finished", run_id=run_id, outcome=result.outcome, reason=result.reason)
        await self._after(result)
        return result

    async def _gate(
        self, trigger: str, day: date, scheduled: bool
    ) -> RunResult | tuple[Lease, int]:
        """Mode check, lease and run row in one transaction: no race between them."""
        async with self.db.write() as conn:
            # Read the time once the write lock is ours: a run that waited for the
            # previous one to release must not start before that one finished.
            now = self.clock.now()
            start = runs.RunStart(
                trigger, day.isoformat(), iso(now), self.owner_host, self.owner_pid
            )
            why = refusal(await get_mode(conn), scheduled=scheduled)
            attempt = None
            if why is None:
                attempt = await try_acquire(
                    conn,
                    owner_host=self.owner_host,
                    owner_pid=self.owner_pid,
                    ttl_s=self.settings.pipeline.lease_ttl_s,
                    now=now,
                )
                if attempt.lease is None and attempt.holder is not None:
                    why = f"another run is in progress ({attempt.holder.describe()})"
            if why is not None or attempt is None or attempt.lease is None:
                reason = why or "the run lease is not available"
                run_id = await runs.record_skipped(conn, start, reason=reason)
                return RunResult(run_id, RunOutcome.SKIPPED, reason, 0, (), trigger, day)
            run_id = await runs.create_run(conn, start, lease_token=attempt.lease.token)
            lease = await attach_run(conn, attempt.lease, run_id)
        if attempt.abandoned_run_ids:
            log.warning(
                "took over the run lease",
                abandoned=list(attempt.abandoned_run_ids),
                reason=attempt.takeover_reason,
            )
        return lease, run_id

    async def _execute(
        self, trigger: str, lease: Lease, run_id: int, day: date, today: date
    ) -> RunResult:
        api = self.settings
        timeout = httpx.Timeout(max(api.mlb_api.timeout_s, api.odds_api.timeout_s))
        keeper = asyncio.create_task(self._keep_lease(lease))
        results: dict[str, StageResult] = {}
        degrading: set[str] = set()
        try:
            transport = recording(api.pipeline.record_dir, self.transport, run_id, self.clock)
            async with httpx.AsyncClient(transport=transport, timeout=timeout) as http:
                state = RunState(
                    db=self.db,
                    settings=self.settings,
                    clock=self.clock,
                    http=http,
                    secrets=self.secrets,
                    lease=lease,
                    run_id=run_id,
                    slate_date=day,
                    today=today,
                )
                for position, (name, stage) in enumerate(STAGES):
                    result, degrades = await self._stage(state, position, name, stage)
                    results[name] = result
                    if degrades:
                        degrading.add(name)
                outcome, reason = decide(results, degrading)
                credits = (state.quota.last or 0) if state.quota is not None else 0
                async with state.fenced_write() as conn:
                    await runs.finish_run(
                        conn,
                        run_id,
                        outcome=outcome,
                        reason=reason,
                        credits_used=credits,
                        finished_at=self.clock.now_iso(),
                    )
        except LeaseLost as exc:
            # Whoever took the lease over has marked this run abandoned: write nothing more.
            log.warning("run lost its lease", run_id=run_id)
            return RunResult(
                run_id,
                RunOutcome.ABANDONED,
                exc.one_line(),
                0,
                tuple(results.values()),
                trigger,
                day,
            )
        finally:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper
        return RunResult(
            run_id,
            outcome,
            reason,
            credits,
            tuple(results.values()),
            trigger,
            day,
            games=state.games_written,
            moves=state.moves_written,
            value_bets=state.value_bets_active,
        )

    async def _stage(
        self, state: RunState, position: int, name: str, stage: Stage
    ) -> tuple[StageResult, bool]:
        async with state.fenced_write() as conn:
            await runs.start_stage(conn, state.run_id, position, name, self.clock.now_iso())
        started = time.perf_counter()
        kind: str | None = None
        summary: str | None = None
        detail: str | None = None
        degrades = False
        try:
            report = await stage(state)
        except LeaseLost:
            raise
        except PressboxError as exc:
            status, kind, summary = StageStatus.FAILED, exc.kind.value, _one_line(exc.one_line())
            log.warning("stage failed", run_id=state.run_id, stage=name, kind=kind, error=summary)
        else:
            status, detail, degrades = report.status, report.detail, report.degrades
        duration_ms = (time.perf_counter() - started) * 1000.0
        result = StageResult(name, status, duration_ms, kind, summary, detail)
        async with state.fenced_write() as conn:
            await runs.finish_stage(conn, state.run_id, result, self.clock.now_iso())
        return result, degrades

    async def _keep_lease(self, lease: Lease) -> None:
        """Renew the lease every ``pipeline.lease_heartbeat_s`` until cancelled or lost."""
        pipeline = self.settings.pipeline
        while True:
            await asyncio.sleep(pipeline.lease_heartbeat_s)
            try:
                lease = await heartbeat(self.db, lease, self.clock.now(), pipeline.lease_ttl_s)
            except LeaseLost:
                log.warning("lease lost during heartbeat", token=lease.token)
                return
            except StorageError as exc:
                # A busy database delays one beat; the TTL leaves room for several misses.
                log.warning("lease heartbeat delayed", error=type(exc).__name__)

    async def _after(self, result: RunResult) -> None:
        if self.after_run is None:
            return
        try:
            await self.after_run(result)
        except PressboxError as exc:
            log.warning("after-run hook failed", run_id=result.run_id, error=exc.one_line())
