"""Retry policy for upstream calls: transient failures only, backoff with jitter, bounded.

Built on stamina (a thin, well-kept layer over tenacity by Hynek Schlawack):
exponential backoff with jitter, a cap on attempts *and* on total time, a
backoff hook that lets a 429's ``Retry-After`` set the pause, and a test mode
(``stamina.set_testing``) that removes the sleeps without changing the logic.

Leak path closed here: stamina's default instrumentation (structlog, stdlib
logging, prometheus -- whichever is installed) logs ``repr()`` of the retried
callable's arguments. Our callables are zero-argument lambdas and clients keep
the key internally, but we still replace those hooks with ``_log_retry``, which
logs only the source, the attempt number, the wait and the classified error's
one-line message (itself redacted).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

from app.core.config import ResilienceSettings
from app.core.errors import PressboxError, TransientError
from app.core.logging import get_logger, redact

T = TypeVar("T")

log = get_logger("pressbox.retry")

# Which source the current retry loop is for; stamina's hooks are process-wide.
_current_source: contextvars.ContextVar[str] = contextvars.ContextVar(
    "pressbox_retry_source", default="?"
)


def _log_retry(details: RetryDetails) -> None:
    """Our only stamina hook: never the callable's arguments, never a raw exception text."""
    cause = details.caused_by
    if isinstance(cause, PressboxError):
        kind, text = cause.kind.value, cause.one_line()
    else:  # pragma: no cover - only PressboxError is ever retried
        kind, text = "unknown", type(cause).__name__
    log.warning(
        "retry scheduled",
        source=_current_source.get(),
        retry_num=details.retry_num,
        wait_s=round(details.wait_for, 2),
        error_kind=kind,
        error=redact(text),
    )


def install_safe_hooks() -> None:
    """Replace stamina's default instrumentation by ``_log_retry`` (idempotent)."""
    if get_on_retry_hooks() != (_log_retry,):
        set_on_retry_hooks([_log_retry])


def retry_decision(max_wait_s: float) -> Callable[[Exception], bool | float]:
    """stamina backoff hook: retry transient errors only; a 429's Retry-After sets the pause.

    The server's pause is honoured but capped by ``retry_max_wait_s``: a
    ``Retry-After: 3600`` must not hold a run for an hour (the run ends
    degraded and the next one tries again).
    """

    def decide(exc: Exception) -> bool | float:
        if not isinstance(exc, TransientError):
            return False
        if exc.retry_after_s is not None:
            return float(min(max(exc.retry_after_s, 0.0), max_wait_s))
        return True

    return decide


@dataclass
class AttemptLog:
    """What the retry loop did, filled in even when the call finally fails."""

    attempts: int = 0
    last_latency_ms: float | None = None

    @property
    def retries(self) -> int:
        """Attempts after the first (``source_health.last_retries``, kept for rewind)."""
        return max(self.attempts - 1, 0)


async def call_with_retry(
    source: str,
    fn: Callable[[], Awaitable[T]],
    policy: ResilienceSettings,
    record: AttemptLog | None = None,
) -> T:
    """Run ``fn()`` until it succeeds, raises a non-transient error, or the policy gives up.

    The last error is re-raised unchanged. ``record`` (optional) receives the
    number of attempts made and the latency of the last one, for tests and
    for ``source_health.latency_ms``.
    """
    install_safe_hooks()
    record = record if record is not None else AttemptLog()
    token = _current_source.set(source)
    try:
        async for attempt in stamina.retry_context(
            on=retry_decision(policy.retry_max_wait_s),
            attempts=policy.retry_attempts,
            timeout=policy.retry_timeout_s,
            wait_initial=policy.retry_initial_wait_s,
            wait_max=policy.retry_max_wait_s,
            # Jitter up to the initial wait: enough to de-synchronise several
            # processes, never more than the base step of the backoff.
            wait_jitter=policy.retry_initial_wait_s,
        ):
            with attempt:
                record.attempts = attempt.num
                started = time.perf_counter()
                try:
                    return await fn()
                finally:
                    record.last_latency_ms = (time.perf_counter() - started) * 1000.0
    finally:
        _current_source.reset(token)
    raise AssertionError("unreachable: stamina either returns or re-raises")  # pragma: no cover
