"""What each alert says: pure functions from facts to an ``AlertDraft`` (no I/O).

The ``dedupe_key`` decides what counts as "the same alert" within
``alerts.dedupe_window_s``: a key without a run id ("run-failed") means
"while it keeps happening, one email per window"; a key with an identity
(an override's time, a breaker's opening) means "one email per occurrence".
Every text is passed through the secret redactor before it is stored or sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.logging import redact
from app.domain.records import ValueBet

PREFIX = "[pressbox]"

RUN_FAILED = "run_failed"
RUN_DEGRADED = "run_degraded"
BREAKER_OPENED = "breaker_opened"
BREAKER_CLOSED = "breaker_closed"
QUOTA_LOW = "quota_low"
NO_SUCCESS = "no_success"
OVERRIDE = "override"
VALUE_BETS = "value_bets"


@dataclass(frozen=True)
class AlertDraft:
    kind: str
    dedupe_key: str
    subject: str
    body: str


@dataclass(frozen=True)
class ValueBetLine:
    """A value bet with the game it is on, as people name it ("Away @ Home")."""

    matchup: str
    bet: ValueBet


def _draft(kind: str, key: str, subject: str, lines: Sequence[str]) -> AlertDraft:
    body = "\n".join(lines).rstrip() + "\n"
    return AlertDraft(kind, key, redact(f"{PREFIX} {subject}"), redact(body))


def run_failed(run_id: int | None, reason: str | None, started_at: str | None) -> AlertDraft:
    return _draft(
        RUN_FAILED,
        "run-failed",
        f"run {run_id} failed",
        [
            f"Pipeline run {run_id} failed: neither the schedule nor the odds could be fetched.",
            f"Started: {started_at or 'unknown'}",
            f"Reason: {reason or 'not recorded'}",
            "",
            "Stored games and odds are untouched. See `pressbox runs` and `pressbox health`;",
            "docs/troubleshooting.md explains each reason.",
        ],
    )


def runs_degraded(count: int, runs: Sequence[tuple[int, str | None]]) -> AlertDraft:
    listed = [f"  run {run_id}: {reason or 'no reason recorded'}" for run_id, reason in runs]
    return _draft(
        RUN_DEGRADED,
        "run-degraded",
        f"the last {count} runs were degraded",
        [
            f"The last {count} pipeline runs each landed only part of the data:",
            *listed,
            "",
            "One source keeps failing (see the breaker state in `pressbox health`).",
        ],
    )


def breaker_opened(
    source: str, name: str, opened_at: str, error_kind: str | None, error: str | None
) -> AlertDraft:
    auth = error_kind == "auth"
    action = (
        "It stays open until an operator resets it: fix the credential, then run "
        f"`pressbox control reset-breaker {source} --reason ...`."
        if auth
        else "It is tried again after the cool-down (resilience.breaker_cooldown_s)."
    )
    return _draft(
        BREAKER_OPENED,
        f"breaker-open:{source}:{opened_at}",
        f"{name} circuit breaker opened",
        [
            f"The circuit breaker for {name} opened at {opened_at}; calls to it are not made.",
            f"Last error ({error_kind or 'unknown'}): {error or 'not recorded'}",
            "",
            action,
        ],
    )


def breaker_closed(source: str, name: str, at: str, open_alert_id: int) -> AlertDraft:
    return _draft(
        BREAKER_CLOSED,
        f"breaker-closed:{source}:{open_alert_id}",
        f"{name} circuit breaker closed",
        [f"The circuit breaker for {name} is closed again (seen at {at}); calls resume."],
    )


def quota_low(remaining: int, threshold: int, reserve: int) -> AlertDraft:
    return _draft(
        QUOTA_LOW,
        "quota-low",
        f"Odds API credits low ({remaining} left)",
        [
            f"The Odds API reports {remaining} credits left (warning at {threshold}, "
            f"reserve {reserve}).",
            "The quota guard skips odds calls before the reserve is touched.",
            "Raise the plan, reduce markets/regions or lengthen pipeline.interval_s.",
        ],
    )


def no_success(last_success_at: str | None, threshold_s: float, now: str) -> AlertDraft:
    since = f"since {last_success_at}" if last_success_at else "ever"
    return _draft(
        NO_SUCCESS,
        "no-success",
        f"no successful run {since}",
        [
            f"No pipeline run has succeeded {since} (threshold {threshold_s:.0f} s, now {now}).",
            "Check the daemon, the system mode and the sources with `pressbox health`.",
        ],
    )


def override_executed(mode: str, who: str, reason: str, at: str) -> AlertDraft:
    return _draft(
        OVERRIDE,
        f"override:{mode}:{at}",
        f"system mode set to {mode} by {who}",
        [
            f"{who} set the system mode to {mode} at {at}.",
            f"Reason: {reason}",
            "",
            "The audit trail has the details: `pressbox audit`.",
        ],
    )


def value_bets(bets: Sequence[ValueBetLine], threshold: float, watermark: str) -> AlertDraft:
    lines = [f"{len(bets)} new value bet(s) with an edge of at least {threshold:.1%}:", ""]
    for line in bets:
        bet = line.bet
        point = f" {bet.point:+g}" if bet.point else ""
        lines.append(
            f"  {line.matchup}: {bet.market} {bet.outcome}{point} at {bet.book} {bet.price:+d} "
            f"(fair {bet.fair_prob:.1%}, edge {bet.edge:.1%}, stake {bet.stake:.2f})"
        )
    lines += ["", "Details: `pressbox bets`."]
    best = max(line.bet.edge for line in bets)
    return _draft(
        VALUE_BETS,
        f"value-bets:{watermark}",
        f"{len(bets)} new value bet(s), best edge {best:.1%}",
        lines,
    )
