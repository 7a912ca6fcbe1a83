"""Every upstream request goes through ``guarded_call``: breaker, retries, bookkeeping.

``await guarded_call(Source.MLB, lambda: client.schedule(day), GuardContext(db, settings, clock))``

1. the source's circuit breaker admits the call or raises ``CircuitOpenError``
   (nothing reaches the server);
2. the retry policy runs ``fn()`` (transient errors only, see ``retry.py``);
3. the outcome is recorded in ``source_health`` (latency, last success, or the
   classified, redacted last error and the breaker's new state);
4. the classified error, if any, is re-raised unchanged for the stage to record.

``fn`` must take no arguments: stamina's instrumentation would otherwise see them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PressboxError
from app.resilience import breaker
from app.resilience.breaker import BreakerChange
from app.resilience.retry import AttemptLog, call_with_retry
from app.storage.database import Database

T = TypeVar("T")

BreakerListener = Callable[[BreakerChange], Awaitable[None]]


@dataclass
class GuardContext:
    db: Database
    settings: Settings
    clock: Clock
    # Told about every breaker transition (e.g. AlertService.breaker_changed); optional
    # because the alert service also notices transitions from source_health after a run.
    on_breaker_change: BreakerListener | None = None
    # Filled in by each call: attempts made and the last attempt's latency (tests, stages).
    last_attempts: AttemptLog | None = None


async def guarded_call(source: str, fn: Callable[[], Awaitable[T]], ctx: GuardContext) -> T:
    await breaker.admit(ctx.db, source, ctx.settings, ctx.clock)
    record = AttemptLog()
    ctx.last_attempts = record
    try:
        value = await call_with_retry(source, fn, ctx.settings.resilience, record)
    except PressboxError as exc:
        change = await breaker.on_failure(
            ctx.db,
            source,
            ctx.settings,
            ctx.clock,
            exc,
            record.last_latency_ms,
            retries=record.retries,
        )
        await _tell(ctx, change)
        raise
    change = await breaker.on_success(
        ctx.db, source, ctx.clock, record.last_latency_ms, retries=record.retries
    )
    await _tell(ctx, change)
    return value


async def _tell(ctx: GuardContext, change: BreakerChange | None) -> None:
    if change is not None and ctx.on_breaker_change is not None:
        await ctx.on_breaker_change(change)
