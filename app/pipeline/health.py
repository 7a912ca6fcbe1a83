"""Pipeline health for ``pressbox health`` (cron, systemd, Nagios) and the desk.

Status and exit code, worst first:

* CRITICAL (2) -- halted for longer than ``health.halted_critical_after_s``; the
  last ``health.failed_runs_critical`` runs failed (or were abandoned); or, in
  ``auto`` mode, no run succeeded (ok or degraded) within
  ``health.no_success_critical_s``.
* WARNING (1) -- the database, its -wal/-shm or its directory is open to other users;
  the last run was degraded (or failed, short of N); a circuit breaker is open or
  half-open; break-glass is locked out (for one origin or everyone, even before
  the first run); The Odds API credits are at or below ``quota.low_credits_warning``;
  the system is halted (not yet for long) or paused; paused with no success
  within the threshold.
* CRITICAL (2) also when ``pressbox health`` finds the file damaged inside
  (``PRAGMA quick_check``; ``app.cli.health_cmds``).
* UNKNOWN (3) -- no run has happened yet (a brand-new database), or the
  database cannot be read (see ``app.cli.health_cmds``).
* OK (0) -- none of the above.

An SQLite older than 3.51.3 (WAL-reset bug) is reported in ``notes`` and in
the JSON (``sqlite_version_ok``) but does not change the status: it is a
property of the host, not of the pipeline, and a check that is WARNING forever
teaches operators to ignore WARNING.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from app.core.clock import Clock, iso, parse_iso, zone
from app.core.config import Settings
from app.core.private_files import exposure_warnings
from app.core.timefmt import local_iso
from app.domain.status import (
    HEALTH_EXIT_CODES,
    UNSUCCESSFUL,
    CircuitState,
    HealthStatus,
    Mode,
    RunOutcome,
    Source,
)
from app.resilience import quota as quota_rules
from app.resilience.breaker import half_open_at, source_name
from app.storage.database import (
    CORRUPT_HINT,
    MIN_SAFE_SQLITE,
    Database,
    sqlite_version,
    sqlite_version_is_safe,
)
from app.storage.read.health_facts import AttemptedRun as LastRun
from app.storage.read.health_facts import HealthFacts, read_health_facts
from app.storage.read.models import DashboardSnapshot, SecurityState, Verdict

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from app.storage.read.desk_data import VerdictRead

_MIN_SAFE = ".".join(str(p) for p in MIN_SAFE_SQLITE)


@dataclass(frozen=True)
class ModeInfo:
    mode: str
    set_by: str
    set_at: str | None
    reason: str


@dataclass(frozen=True)
class SourceStatus:
    source: str
    name: str
    circuit_state: str
    consecutive_failures: int
    opened_at: str | None
    half_open_at: str | None  # None while closed, and for a credential failure (manual reset)
    last_error_kind: str | None
    last_error: str | None
    last_error_at: str | None
    last_success_at: str | None
    latency_ms: float | None


@dataclass(frozen=True)
class QuotaStatus:
    remaining: int | None
    used: int | None
    last: int | None
    updated_at: str | None
    low: bool
    warning_at: int
    reserve: int


@dataclass(frozen=True)
class HealthReport:
    status: HealthStatus
    exit_code: int
    reasons: list[str]
    mode: ModeInfo | None
    last_run: LastRun | None
    sources: list[SourceStatus]
    quota: QuotaStatus | None
    sqlite_version: str
    sqlite_version_ok: bool
    notes: list[str] = field(default_factory=list)
    last_success_at: str | None = None
    checked_at: str | None = None
    security: SecurityState | None = None

    def line(self) -> str:
        """One Nagios-style line: ``STATUS: reasons`` (or a summary when OK)."""
        text = "; ".join(self.reasons) if self.reasons else self._summary()
        if self.notes:
            text += " (note: " + "; ".join(self.notes) + ")"
        return f"{self.status}: {text}"

    def _summary(self) -> str:
        parts = []
        if self.last_run is not None:
            parts.append(
                f"last run {self.last_run.id} {self.last_run.outcome} at {self.last_run.started_at}"
            )
        if self.mode is not None:
            parts.append(f"mode {self.mode.mode}")
        if self.sources:
            parts.append(
                "breakers " + ", ".join(f"{s.source} {s.circuit_state}" for s in self.sources)
            )
        if self.quota is not None and self.quota.remaining is not None:
            parts.append(f"{self.quota.remaining} odds credits left")
        return "; ".join(parts) or "nothing to report"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def unknown(reason: str) -> HealthReport:
    """The report when the database itself cannot be read."""
    return verdict_only(HealthStatus.UNKNOWN, reason)


def damaged(path: Path, problems: list[str]) -> HealthReport:
    """CRITICAL: the file is damaged inside (``PRAGMA quick_check``); nothing else is trusted."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return verdict_only(
        HealthStatus.CRITICAL,
        f"database {path} is damaged: {problems[0]}{more}; runs refuse to write. {CORRUPT_HINT}",
    )


def verdict_only(status: HealthStatus, reason: str) -> HealthReport:
    """A report that is one status and one reason, without reading any table."""
    return HealthReport(
        status=status,
        exit_code=HEALTH_EXIT_CODES[status],
        reasons=[reason],
        mode=None,
        last_run=None,
        sources=[],
        quota=None,
        sqlite_version=sqlite_version(),
        sqlite_version_ok=sqlite_version_is_safe(),
        notes=_sqlite_notes(),
    )


def _sqlite_notes() -> list[str]:
    if sqlite_version_is_safe():
        return []
    return [
        f"SQLite {sqlite_version()} is older than {_MIN_SAFE} (WAL-reset bug); "
        "upgrade the system SQLite or Python"
    ]


def _age(now: datetime, at: str | None) -> timedelta | None:
    return now - parse_iso(at) if at is not None else None


def _human(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


async def evaluate_health(
    db: Database, settings: Settings, clock: Clock, *, as_of: datetime | None = None
) -> HealthReport:
    """The verdict now, or at ``as_of`` from the state of then (rewind; "now" is that moment)."""
    now = clock.now() if as_of is None else as_of
    recent_runs = settings.health.failed_runs_critical
    async with db.read() as conn:
        if as_of is None:
            facts = await read_health_facts(conn, now, settings.security, recent_runs=recent_runs)
        else:
            from app.storage.read import rewind  # only a look back reads the history tables

            facts = await rewind.health_facts_at(
                conn, as_of, settings.security, recent_runs=recent_runs
            )
    return judge(facts, settings, now, db.path)


def judge(facts: HealthFacts, settings: Settings, now: datetime, db_path: Path) -> HealthReport:
    """The verdict of the facts: the one function ``pressbox health`` and the desk use."""
    cfg = settings.health
    mode, recent, security = facts.mode, facts.recent, facts.security
    last_success = facts.last_success_at
    tz = zone(settings.pipeline.timezone)
    critical: list[str] = []
    warning: list[str] = exposure_warnings(db_path)
    warning += [
        f"break-glass locked for {lock.who} until {local_iso(lock.until, tz)}"
        for lock in security.locks
    ]

    halted_for = _age(now, mode.set_at) if mode.mode is Mode.HALTED else None
    if halted_for is not None:
        text = f"system halted by {mode.set_by} for {_human(halted_for)} ({mode.reason})"
        if halted_for > timedelta(seconds=cfg.halted_critical_after_s):
            critical.append(text)
        else:
            warning.append(text)
    elif mode.mode is Mode.HALTED:
        warning.append(f"system halted by {mode.set_by} ({mode.reason})")
    if mode.mode is Mode.PAUSED:
        warning.append(f"system paused by {mode.set_by} ({mode.reason}); scheduled runs wait")

    last_run = LastRun(**asdict(recent[0])) if recent else None
    n = cfg.failed_runs_critical
    if len(recent) >= n and all(r.outcome in UNSUCCESSFUL for r in recent[:n]):
        critical.append(f"the last {n} runs failed (latest: {recent[0].reason or 'no reason'})")
    elif last_run is not None and last_run.outcome in {RunOutcome.DEGRADED, *UNSUCCESSFUL}:
        warning.append(
            f"last run {last_run.id} was {last_run.outcome} ({last_run.reason or 'no reason'})"
        )

    reference = last_success or facts.first_run_at
    since = _age(now, reference)
    if since is not None and since > timedelta(seconds=cfg.no_success_critical_s):
        what = f"since {local_iso(last_success, tz, day=True)}" if last_success else "ever"
        text = f"no successful run {what} ({_human(since)})"
        if mode.mode is Mode.AUTO:
            critical.append(text)
        elif mode.mode is Mode.PAUSED:
            warning.append(text)

    sources: list[SourceStatus] = []
    quota: QuotaStatus | None = None
    for r in facts.sources:
        reopen = half_open_at(r.opened_at, settings) if r.last_error_kind != "auth" else None
        status = SourceStatus(
            source=r.source,
            name=source_name(r.source),
            circuit_state=r.circuit_state,
            consecutive_failures=r.consecutive_failures,
            opened_at=r.opened_at,
            half_open_at=iso(reopen)
            if reopen is not None and r.circuit_state == CircuitState.OPEN
            else None,
            last_error_kind=r.last_error_kind,
            last_error=r.last_error,
            last_error_at=r.last_error_at,
            last_success_at=r.last_success_at,
            latency_ms=r.latency_ms,
        )
        sources.append(status)
        if r.circuit_state != CircuitState.CLOSED:
            when = (
                f"until {local_iso(status.half_open_at, tz, seconds=True)}"
                if status.half_open_at
                else "until an operator resets it"
                if r.circuit_state == CircuitState.OPEN
                else "trial call in progress"
            )
            warning.append(
                f"{status.name} circuit breaker {r.circuit_state} ({when}; "
                f"last error: {r.last_error or 'unknown'})"
            )
        if r.source == Source.ODDS and (
            problem := quota_rules.reserve_problem(settings, r.quota_remaining, r.quota_used)
        ):
            warning.append(problem)
        if r.source == Source.ODDS and (r.quota_remaining is not None or r.quota_used is not None):
            low = (
                r.quota_remaining is not None
                and r.quota_remaining <= settings.quota.low_credits_warning
            )
            quota = QuotaStatus(
                remaining=r.quota_remaining,
                used=r.quota_used,
                last=r.quota_last,
                updated_at=r.quota_updated_at,
                low=low,
                warning_at=settings.quota.low_credits_warning,
                reserve=settings.quota.reserve_credits,
            )
            if low:
                warning.append(
                    f"The Odds API credits low: {r.quota_remaining} left "
                    f"(warning at {settings.quota.low_credits_warning}, "
                    f"reserve {settings.quota.reserve_credits})"
                )

    if critical:
        status_text, reasons = HealthStatus.CRITICAL, critical + warning
    elif not recent and not security.locks:
        status_text, reasons = HealthStatus.UNKNOWN, ["no run yet", *warning]
    elif warning:
        # A lockout is known trouble even on a database that never ran.
        status_text, reasons = HealthStatus.WARNING, warning + ([] if recent else ["no run yet"])
    else:
        status_text, reasons = HealthStatus.OK, []
    return HealthReport(
        status=status_text,
        exit_code=HEALTH_EXIT_CODES[status_text],
        reasons=reasons,
        mode=ModeInfo(mode.mode.value, mode.set_by, mode.set_at, mode.reason),
        last_run=last_run,
        sources=sources,
        quota=quota,
        sqlite_version=sqlite_version(),
        sqlite_version_ok=sqlite_version_is_safe(),
        notes=_sqlite_notes(),
        last_success_at=last_success,
        checked_at=iso(now),
        security=security,
    )


def verdict_of(report: HealthReport) -> Verdict:
    return Verdict(report.status, tuple(report.reasons), report.security)


def desk_verdict(db: Database, settings: Settings, clock: Clock) -> VerdictRead:
    """The desk's header verdict: ``judge``, fed inside the dashboard snapshot's own read.

    The mode and the breakers are the snapshot's; the rest of the facts are read on the
    same connection, so one changed poll is one read and the verdict matches the screen.
    """

    async def read(conn: aiosqlite.Connection, snapshot: DashboardSnapshot) -> Verdict:
        now = clock.now()
        facts = await read_health_facts(
            conn,
            now,
            settings.security,
            recent_runs=settings.health.failed_runs_critical,
            mode=snapshot.mode,
            sources=snapshot.sources,
        )
        return verdict_of(judge(facts, settings, now, db.path))

    return read


def verdict_at(
    db: Database, settings: Settings, clock: Clock
) -> Callable[[datetime], Awaitable[Verdict]]:
    """The rewound desk's header verdict: ``evaluate_health`` at a moment."""

    async def read(moment: datetime) -> Verdict:
        return verdict_of(await evaluate_health(db, settings, clock, as_of=moment))

    return read
