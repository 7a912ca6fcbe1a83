"""What the desk needs from the control service, as injectable callables.

The desk never constructs the control service itself: the launcher (or a
test) hands it one async callable per break-glass action. Each returns an
object with a ``status`` (done / wrong_key / locked / rate_limited /
refused_halted / missing_reason / invalid) and a one-line ``message`` for
people. The admin-key check inside is slow (scrypt), so the desk always awaits
these in a worker and the service runs the hash off the event loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from app.domain.status import MODES, ControlStatus


class ActionResult(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def message(self) -> str: ...


# (admin_key, reason)
ExecuteAction = Callable[[str, str], Awaitable[ActionResult]]
# (mode, admin_key, reason)
OverrideAction = Callable[[str, str, str], Awaitable[ActionResult]]
# (source, admin_key, reason)
ResetBreakerAction = Callable[[str, str, str], Awaitable[ActionResult]]
# (action) -> why it would be refused whatever the key, or None: asked before the key is.
Precheck = Callable[[str], Awaitable[str | None]]
# (request id) -> how a run handed to the daemon ended, None while it is pending.
RequestOutcome = Callable[[int], Awaitable[str | None]]

DONE = ControlStatus.DONE
WRONG_KEY = ControlStatus.WRONG_KEY
__all__ = ["DONE", "MODES", "WRONG_KEY", "ActionResult", "ControlActions"]


@dataclass(frozen=True)
class ControlActions:
    """The break-glass actions this desk may offer; None hides the action."""

    execute: ExecuteAction | None = None
    override: OverrideAction | None = None
    reset_breaker: ResetBreakerAction | None = None
    precheck: Precheck | None = None
    request_outcome: RequestOutcome | None = None
