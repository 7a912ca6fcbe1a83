"""The read models: what the desk and the CLI's query commands show, as frozen values.

Equality is what the desk's change-only refresh diffs on, and
``dataclasses.asdict`` is what ``--json`` prints. This module imports no SQL
driver and no loader, so a UI may hold these values without reaching storage;
the rows the write side also uses (mode, source health, daemon, audit entry) are
defined here once and imported by their storage modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import parse_iso
from app.domain.records import Alternative, FairPrice
from app.domain.status import HealthStatus, Mode

# -- rows shared with the write side ---------------------------------------------


@dataclass(frozen=True)
class ModeState:
    """The system mode with who set it, when and why (``system_mode``)."""

    mode: Mode
    set_by: str
    set_at: str | None
    reason: str


@dataclass(frozen=True)
class SourceHealthRow:
    """A source's circuit breaker, last error, latency and quota (``source_health``)."""

    source: str
    circuit_state: str
    consecutive_failures: int
    opened_at: str | None
    last_error_kind: str | None
    last_error: str | None
    last_error_at: str | None
    last_success_at: str | None
    latency_ms: float | None
    quota_remaining: int | None
    quota_used: int | None
    quota_last: int | None
    quota_updated_at: str | None
    updated_at: str


@dataclass(frozen=True)
class DaemonState:
    """The daemon's presence (``daemon_state``)."""

    host: str
    pid: int
    started_at: str
    heartbeat_at: str
    next_run_at: str | None
    stopped_at: str | None

    def alive(self, now: datetime, fresh_s: float) -> bool:
        """Running and heard from within ``fresh_s`` seconds."""
        if self.stopped_at is not None:
            return False
        return (now - parse_iso(self.heartbeat_at)).total_seconds() <= fresh_s


# The audit trail's hashed columns, in a fixed order; changing it breaks every existing chain.
AUDIT_FIELDS = (
    "id",
    "at",
    "action",
    "target",
    "reason",
    "outcome",
    "detail",
    "login_user",
    "sudo_user",
    "ssh_client",
    "tty",
    "pid",
    "host",
    "app_version",
)


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only, hash-chained audit trail."""

    id: int
    at: str
    action: str
    target: str | None
    reason: str | None
    outcome: str
    detail: str | None
    login_user: str | None
    sudo_user: str | None
    ssh_client: str | None
    tty: str | None
    pid: int | None
    host: str | None
    app_version: str | None
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in AUDIT_FIELDS}


# -- the slate -----------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """One side of a line: American odds, the book offering it, and the point if any."""

    price: int
    book: str
    point: float | None = None


@dataclass(frozen=True)
class GameLine:
    """One game of the slate with the best price on each side of each market."""

    game_pk: int
    official_date: str
    start_time: str
    away_team_id: int
    away_team: str
    home_team_id: int
    home_team: str
    abstract_state: str
    status_code: str
    status: str
    inning: int | None
    inning_half: str | None
    away_score: int | None
    home_score: int | None
    event_id: str | None
    ml_away: Price | None
    ml_home: Price | None
    rl_away: Price | None
    rl_home: Price | None
    total_over: Price | None
    total_under: Price | None
    value_bets: int
    # app.domain.game_status: the category, MLB's reason, and what the slate needs to say.
    status_category: str = ""
    status_reason: str | None = None
    reschedule_date: str | None = None
    start_tbd: bool = False
    also_on: str | None = None
    double_header: str = "N"
    game_number: int = 1


@dataclass(frozen=True)
class SlatePrice:
    """One book's price on one outcome of one line, placed on its game of the slate."""

    event_id: str
    game_pk: int | None
    matchup: str
    market: str
    outcome: str
    point: float
    book: str
    price: int


@dataclass(frozen=True)
class ValueBet(SlatePrice):
    """An active value bet as the pipeline stored it, placed on the slate."""

    fair_prob: float
    edge: float
    stake: float
    first_seen_at: str
    updated_at: str
    alternatives: tuple[Alternative, ...] = ()  # other books with value there, best first
    book_title: str = ""  # the book's own name from The Odds API ("" before it quoted)

    @property
    def key(self) -> str:
        return f"{self.event_id}|{self.market}|{self.outcome}|{self.point:g}|{self.book}"


# -- runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    name: str
    position: int
    status: str
    started_at: str
    finished_at: str | None
    duration_ms: float | None
    error_kind: str | None
    error_summary: str | None
    detail: str | None


@dataclass(frozen=True)
class Run:
    """A stored run with its stages in order."""

    id: int
    trigger: str
    slate_date: str
    outcome: str
    reason: str | None
    started_at: str
    finished_at: str | None
    credits_used: int
    stages: tuple[Stage, ...]

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return (parse_iso(self.finished_at) - parse_iso(self.started_at)).total_seconds()


# -- the dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One line of the recent-events feed: a run, an alert or an audit entry."""

    at: str
    kind: str  # run / alert / audit
    key: str  # unique across kinds, for keyed tables
    text: str
    severity: str  # info / warning / error


@dataclass(frozen=True)
class DashboardSnapshot:
    slate_date: str
    mode: ModeState
    last_run: Run | None  # the most recent run, running or finished
    last_delivered_at: str | None  # finished_at of the last delivered run
    daemon: DaemonState | None
    sources: tuple[SourceHealthRow, ...]
    games: tuple[GameLine, ...]
    value_bets: tuple[ValueBet, ...]
    events: tuple[Event, ...]
    verdict: Verdict | None = None  # None when the desk was wired without a health reader


# -- the verdict and the security state ----------------------------------------------


@dataclass(frozen=True)
class LockInForce:
    """A break-glass lockout: ``who`` is an origin (login user, SSH client) or everyone."""

    who: str
    until: str


@dataclass(frozen=True)
class RateHold:
    """A control action refused until ``until`` by its rate limit."""

    action: str
    until: str


@dataclass(frozen=True)
class SecurityState:
    """Lockouts in force, failed admin-key attempts in the window, rate-limit holds."""

    locks: tuple[LockInForce, ...]
    failed_attempts: int
    window_s: float
    holds: tuple[RateHold, ...]


@dataclass(frozen=True)
class Verdict:
    """What ``pressbox health`` says, for the desk's header: status, reasons worst first."""

    status: HealthStatus
    reasons: tuple[str, ...]
    security: SecurityState | None = None


def last_change_at(snapshot: DashboardSnapshot) -> str | None:
    """The newest write the snapshot shows (the daemon's heartbeat is not a change of data)."""
    stamps = [event.at for event in snapshot.events]
    stamps += [source.updated_at for source in snapshot.sources]
    if snapshot.last_run is not None:
        stamps += [snapshot.last_run.started_at, snapshot.last_run.finished_at or ""]
    if snapshot.mode.set_at is not None:
        stamps.append(snapshot.mode.set_at)
    return max((stamp for stamp in stamps if stamp), key=parse_iso, default=None)


# -- one game ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuotedPrice:
    """One book's current price, with the edge the pipeline judged it at (if it did)."""

    book: str
    book_title: str
    market: str
    outcome: str
    price: int
    point: float | None
    observed_at: str
    fair_prob: float | None  # the consensus of the other books at this line, as stored
    edge: float | None  # EV per unit staked at ``price``, as stored; None if not judged
    is_value: bool = False
    is_best: bool = False
    # app.domain.records.Verdict value ("" when the price was never judged) and why.
    verdict: str = ""
    note: str | None = None


@dataclass(frozen=True)
class SuspiciousLine(SlatePrice):
    """A price the pipeline set apart as an outlier: never a bet, never staked or e-mailed."""

    note: str  # why: "margin 49.0% above 10.0%"

    @property
    def text(self) -> str:
        """For people: ``suspicious line at fanduel: Over 8.5 +215 (edge +41.3% above 15.0%)``."""
        point = "" if self.market == "h2h" else f" {self.point:g}"
        return (
            f"suspicious line at {self.book}: {self.outcome}{point} {self.price:+d} ({self.note})"
        )


@dataclass(frozen=True)
class LineHistory:
    """The day's prices of one (market, outcome, book), oldest first."""

    market: str
    outcome: str
    book: str
    prices: tuple[int, ...]


@dataclass(frozen=True)
class GameDetail:
    game: GameLine
    prices: tuple[QuotedPrice, ...]
    fair: tuple[FairPrice, ...]  # as the analytics stage stored them
    history: tuple[LineHistory, ...]


# -- pure helpers ----------------------------------------------------------------------


def stale_reason(snapshot: DashboardSnapshot, now: datetime, stale_after_s: float) -> str | None:
    """Why the data on screen may be out of date, or None when it is fresh.

    Pure so that the desk can re-evaluate it on its minute tick without a query:
    staleness grows while the database stands still.
    """
    if snapshot.last_delivered_at is None:
        return "no successful run yet"
    age = now - parse_iso(snapshot.last_delivered_at)
    if age > timedelta(seconds=stale_after_s):
        minutes = int(age.total_seconds() // 60)
        return f"last good data is {minutes} min old"
    return None


def short_team(name: str) -> str:
    """The nickname: 'Boston Red Sox' -> 'Red Sox', 'New York Yankees' -> 'Yankees'."""
    words = name.split()
    if len(words) >= 2 and f"{words[-2]} {words[-1]}" in {"Red Sox", "White Sox", "Blue Jays"}:
        return f"{words[-2]} {words[-1]}"
    return words[-1] if words else name


def matchup(away: str, home: str) -> str:
    return f"{short_team(away)} @ {short_team(home)}"
