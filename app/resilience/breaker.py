"""Circuit breaker per source, with its state in ``source_health`` (shared by every process).

closed --(breaker_failure_threshold failed calls in a row)--> open
open --(breaker_cooldown_s elapsed; the next call is the trial)--> half_open
half_open --success--> closed;  half_open --failure--> open (the cool-down starts again)

A failed call is one that still failed after the retry policy gave up; a
refusal by an open breaker is not a failure (nothing was asked). An
``AuthError`` (invalid or deactivated key) opens the breaker at once and it
stays open until an operator resets it: a trial with a dead key proves
nothing and, for The Odds API, may cost credits. Every read-decide-write is one
``BEGIN IMMEDIATE`` transaction, so two processes cannot both take the trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import Clock, iso, parse_iso
from app.core.config import Settings
from app.core.errors import ConfigurationError, ErrorKind, PressboxError, TransientError
from app.core.logging import get_logger, redact
from app.domain.status import SOURCES, CircuitState, Source
from app.storage import source_health
from app.storage.database import Database

log = get_logger("pressbox.breaker")

SOURCE_NAMES: dict[str, str] = {Source.MLB: "MLB Stats API", Source.ODDS: "The Odds API"}
_MAX_ERROR_TEXT = 300


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source)


class CircuitOpenError(TransientError):
    """The source's breaker is open: the call was refused without reaching the server."""

    def __init__(self, source: str, *, half_open_at: datetime | None) -> None:
        name = source_name(source)
        if half_open_at is None:
            message = f"{name} is switched off by its circuit breaker after a credential failure"
            hint = (
                "Fix the credential (`pressbox secrets status`), then "
                f"`pressbox control reset-breaker {source} --reason ...`."
            )
        else:
            message = (
                f"{name} is switched off by its circuit breaker until {iso(half_open_at)} "
                "after repeated failures; the call was not made"
            )
            hint = (
                "It is tried again after the cool-down; "
                f"`pressbox control reset-breaker {source}` closes it now."
            )
        super().__init__(message, hint=hint)
        self.source = source
        self.half_open_at = half_open_at


@dataclass(frozen=True)
class BreakerChange:
    """A state transition, for alerts and logs."""

    source: str
    old: str
    new: str
    at: str
    reason: str


def half_open_at(opened_at: str | None, settings: Settings) -> datetime | None:
    if opened_at is None:
        return None
    return parse_iso(opened_at) + timedelta(seconds=settings.resilience.breaker_cooldown_s)


def describe_error(exc: PressboxError) -> str:
    """The classified error as one redacted line, short enough for a table cell."""
    text = redact(" ".join(exc.one_line().split()))
    if len(text) > _MAX_ERROR_TEXT:
        text = text[: _MAX_ERROR_TEXT - 1] + "…"
    return text


def _sticky(row: source_health.SourceHealthRow) -> bool:
    """Opened by a credential failure: only an operator closes it."""
    return row.circuit_state == CircuitState.OPEN and row.last_error_kind == ErrorKind.AUTH.value


async def admit(db: Database, source: str, settings: Settings, clock: Clock) -> str:
    """Allow the call (returning the state it runs under) or raise ``CircuitOpenError``."""
    now = clock.now()
    async with db.write() as conn:
        row = await source_health.get_source(conn, source)
        if row is None or row.circuit_state == CircuitState.CLOSED:
            return CircuitState.CLOSED
        if row.circuit_state == CircuitState.HALF_OPEN:
            return CircuitState.HALF_OPEN
        if _sticky(row):
            raise CircuitOpenError(source, half_open_at=None)
        reopen = half_open_at(row.opened_at, settings)
        if reopen is not None and now < reopen:
            raise CircuitOpenError(source, half_open_at=reopen)
        await source_health.set_circuit(
            conn,
            source,
            state=CircuitState.HALF_OPEN,
            consecutive_failures=row.consecutive_failures,
            opened_at=row.opened_at,
            at=iso(now),
        )
    log.info("circuit half-open", source=source)
    return CircuitState.HALF_OPEN


async def on_success(
    db: Database,
    source: str,
    clock: Clock,
    latency_ms: float | None,
    *,
    retries: int | None = None,
) -> BreakerChange | None:
    at = clock.now_iso()
    async with db.write() as conn:
        row = await source_health.get_source(conn, source)
        await source_health.record_success(
            conn, source, at=at, latency_ms=latency_ms, retries=retries
        )
    if row is not None and row.circuit_state != CircuitState.CLOSED:
        log.info("circuit closed", source=source)
        return BreakerChange(source, row.circuit_state, CircuitState.CLOSED, at, "a call succeeded")
    return None


async def on_failure(
    db: Database,
    source: str,
    settings: Settings,
    clock: Clock,
    exc: PressboxError,
    latency_ms: float | None,
    *,
    retries: int | None = None,
) -> BreakerChange | None:
    at = clock.now_iso()
    text = describe_error(exc)
    async with db.write() as conn:
        row = await source_health.get_source(conn, source)
        old: str = row.circuit_state if row is not None else CircuitState.CLOSED
        failures = (row.consecutive_failures if row is not None else 0) + 1
        opened_at = row.opened_at if row is not None else None
        new: str
        if exc.kind is ErrorKind.AUTH:
            new = CircuitState.OPEN
        elif old == CircuitState.HALF_OPEN:
            new = CircuitState.OPEN  # the trial failed: a fresh cool-down
        elif failures >= settings.resilience.breaker_failure_threshold:
            new = CircuitState.OPEN
        else:
            new = old
        if new == CircuitState.OPEN and old != CircuitState.OPEN:
            opened_at = at
        await source_health.record_failure(
            conn,
            source,
            state=new,
            consecutive_failures=failures,
            opened_at=opened_at if new != CircuitState.CLOSED else None,
            error_kind=exc.kind.value,
            error=text,
            at=at,
            latency_ms=latency_ms,
            retries=retries,
        )
    if new != old:
        log.warning("circuit opened", source=source, failures=failures, error_kind=exc.kind.value)
        return BreakerChange(source, old, new, at, text)
    return None


async def reset_breaker(db: Database, source: str, clock: Clock) -> BreakerChange | None:
    """Close the breaker now (break-glass). The last error stays on record."""
    if source not in SOURCES:
        raise ConfigurationError(
            f"unknown source {source!r}",
            hint=f"Choose one of: {', '.join(SOURCES)}.",
        )
    at = clock.now_iso()
    async with db.write() as conn:
        row = await source_health.get_source(conn, source)
        await source_health.set_circuit(
            conn, source, state=CircuitState.CLOSED, consecutive_failures=0, opened_at=None, at=at
        )
    if row is not None and row.circuit_state != CircuitState.CLOSED:
        log.info("circuit reset by an operator", source=source)
        return BreakerChange(
            source, row.circuit_state, CircuitState.CLOSED, at, "reset by an operator"
        )
    return None
