"""Every status vocabulary of pressbox, and its named sets, defined once.

Each value is the exact string stored in the database and printed by ``--json``: the
enums are ``StrEnum`` so that a member compares equal to, formats as and serialises as
its string. A set of statuses that some rule reads ("runs that delivered data") is
named here, next to the words it is made of, instead of being restated as a tuple
where it is used (dagster's ``DagsterRunStatus`` with ``FINISHED_STATUSES`` is the
model). MLB game states are not here: see ``app.domain.game_status``.
"""

from __future__ import annotations

from enum import StrEnum


class RunOutcome(StrEnum):
    """What became of one pipeline run attempt (``runs.outcome``)."""

    RUNNING = "running"  # in progress (or its process died and nobody has noticed yet)
    OK = "ok"  # every stage did its job
    DEGRADED = "degraded"  # one source or a later stage failed; the rest landed
    FAILED = "failed"  # neither the schedule nor the odds could be fetched
    SKIPPED = "skipped"  # never started: the mode forbids it or another run holds the lease
    ABANDONED = "abandoned"  # lost its lease mid-way; stopped writing


# Runs that wrote fresh data: "the last successful run" means the last of these.
DELIVERED: frozenset[RunOutcome] = frozenset({RunOutcome.OK, RunOutcome.DEGRADED})
# Runs that ran to an end on their own (not skipped, not cut off): alert rules judge these.
COMPLETED: frozenset[RunOutcome] = DELIVERED | {RunOutcome.FAILED}
# Runs that did, or tried to do, work: health reads the recent history from these.
ATTEMPTED: frozenset[RunOutcome] = COMPLETED | {RunOutcome.ABANDONED}
# Attempts that delivered nothing: health counts these in a row.
UNSUCCESSFUL: frozenset[RunOutcome] = frozenset({RunOutcome.FAILED, RunOutcome.ABANDONED})
# Every outcome a run can end with: a run row is written once more with one of these.
FINISHED: frozenset[RunOutcome] = frozenset(RunOutcome) - {RunOutcome.RUNNING}


class StageStatus(StrEnum):
    """What became of one stage of a run (``run_stages.status``)."""

    RUNNING = "running"  # started; still running, or its run was abandoned meanwhile
    OK = "ok"  # did its job
    DEGRADED = "degraded"  # did part of its job (some items failed, the rest landed)
    FAILED = "failed"  # raised a classified error; nothing of it landed
    SKIPPED = "skipped"  # not needed this run (no key, no odds for a replayed date...)


# A stage row is closed with one of these.
FINISHED_STAGE: frozenset[StageStatus] = frozenset(StageStatus) - {StageStatus.RUNNING}


class Trigger(StrEnum):
    """Who or what started a run (``runs.trigger``)."""

    CLI = "cli"  # `pressbox run`
    SCHEDULE = "schedule"  # the daemon's interval
    REQUEST = "request"  # a break-glass request a desk handed to the daemon
    BREAK_GLASS = "break-glass"  # a break-glass execute run in the requesting process


class Mode(StrEnum):
    """The system mode (``system_mode.mode``), set only through a break-glass override."""

    AUTO = "auto"  # scheduled runs happen
    PAUSED = "paused"  # scheduled runs wait; break-glass runs still happen
    HALTED = "halted"  # nothing runs until an override lifts it


# In the order a person picks from (the desk's override modal, the CLI's choices).
MODES: tuple[Mode, ...] = tuple(Mode)


class Source(StrEnum):
    """An upstream the pipeline calls, as keyed in ``source_health`` and breaker commands."""

    MLB = "mlb"  # MLB Stats API: schedule and scores
    ODDS = "odds"  # The Odds API: bookmaker prices


# Every source, in display order.
SOURCES: tuple[Source, ...] = tuple(Source)


class CircuitState(StrEnum):
    """A source's circuit breaker (``source_health.circuit_state``)."""

    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls are refused until the cool-down ends (or a manual reset)
    HALF_OPEN = "half_open"  # one trial call decides between closed and open


class ControlStatus(StrEnum):
    """How one break-glass attempt ended (``ControlResult.status``, audit ``outcome``)."""

    DONE = "done"  # the action happened
    WRONG_KEY = "wrong_key"  # the admin key did not verify (counts towards the lockout)
    LOCKED = "locked"  # too many wrong keys: refused until the lockout ends
    RATE_LIMITED = "rate_limited"  # too many actions in the window
    REFUSED_HALTED = "refused_halted"  # execute while halted: only an override lifts a halt
    MISSING_REASON = "missing_reason"  # the action needs a reason and got none
    INVALID = "invalid"  # an unknown mode or source
    NOT_CONFIGURED = "not_configured"  # no admin key has been set yet
    FAILED = "failed"  # allowed, but the action itself raised


class RequestStatus(StrEnum):
    """A break-glass run handed to the daemon (``control_requests.status``)."""

    PENDING = "pending"  # waiting for the daemon
    TAKEN = "taken"  # the daemon is running it
    DONE = "done"  # its run delivered (see ``DELIVERED``)
    FAILED = "failed"  # its run did not deliver, or could not complete
    EXPIRED = "expired"  # nobody took it in time


# A request in one of these is over; nobody will take it again.
FINISHED_REQUEST: frozenset[RequestStatus] = frozenset(
    {RequestStatus.DONE, RequestStatus.FAILED, RequestStatus.EXPIRED}
)


class AlertStatus(StrEnum):
    """Where one alert stands (``alerts.status``)."""

    PENDING = "pending"  # recorded, not yet delivered (a retry may still send it)
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # the last delivery attempt failed
    SUPPRESSED = "suppressed"  # recorded but never to be sent (disabled, rate limit)


class HealthStatus(StrEnum):
    """``pressbox health`` status, with the Nagios-style exit codes below."""

    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"  # no run yet, or the database cannot be read


HEALTH_EXIT_CODES: dict[HealthStatus, int] = {
    HealthStatus.OK: 0,
    HealthStatus.WARNING: 1,
    HealthStatus.CRITICAL: 2,
    HealthStatus.UNKNOWN: 3,
}
