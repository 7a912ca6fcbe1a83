"""Break-glass security state: lockouts in force, failed attempts, rate-limit holds.

Read by ``pressbox health`` and the desk's header (through the verdict);
``app.control.lockout`` reads its locks through ``locks_in_force`` too, so the
lockout and what is shown about it never disagree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from app.core.clock import iso, parse_iso
from app.core.config import SecuritySettings
from app.storage.read.models import LockInForce, RateHold, SecurityState
from app.storage.read.rows import LATER_THAN_ANY, fetch_int, fetch_rows

GLOBAL_SCOPE = "global"
ORIGIN_PREFIX = "origin:"
EVERYONE = "everyone"


def _rate_limits(settings: SecuritySettings) -> dict[str, float]:
    """Each control action (as ``audit_log.action`` names it) and its rate limit (s)."""
    return {
        "execute": settings.run_rate_limit_s,
        "override": settings.action_rate_limit_s,
        "reset_breaker": settings.action_rate_limit_s,
    }


async def locks_in_force(conn: aiosqlite.Connection, now: datetime) -> list[tuple[str, datetime]]:
    """Every scope (``global`` or ``origin:<origin>``) locked now, with its end."""
    rows = await fetch_rows(
        conn,
        "SELECT scope, locked_until FROM auth_locks WHERE locked_until > ? ORDER BY scope",
        (iso(now),),
    )
    return [(str(r["scope"]), parse_iso(r["locked_until"])) for r in rows]


async def last_allowed_at(
    conn: aiosqlite.Connection, action: str, *, by: str | None = None
) -> str | None:
    """When ``action`` last passed the gate (rate limits count these rows); ``by``: up to then."""
    rows = await fetch_rows(
        conn,
        "SELECT at FROM audit_log WHERE action = ? AND outcome IN ('accepted', 'done') "
        "AND at <= ? ORDER BY id DESC LIMIT 1",
        (action, by if by is not None else LATER_THAN_ANY),
    )
    return str(rows[0]["at"]) if rows else None


def who_is_locked(scope: str) -> str:
    """``origin:alice`` -> ``alice``; the global scope locks everyone."""
    return scope.removeprefix(ORIGIN_PREFIX) if scope != GLOBAL_SCOPE else EVERYONE


async def load_security(
    conn: aiosqlite.Connection,
    now: datetime,
    settings: SecuritySettings,
    *,
    rewound_locks: list[tuple[str, datetime]] | None = None,
) -> SecurityState:
    """The state at ``now``; rewound (``rewound_locks``: the locks then), nothing later counts."""
    found = rewound_locks if rewound_locks is not None else await locks_in_force(conn, now)
    locks = tuple(LockInForce(who_is_locked(scope), iso(until)) for scope, until in found)
    since = iso(now - timedelta(seconds=settings.attempt_window_s))
    by = iso(now) if rewound_locks is not None else None
    failed = await fetch_int(
        conn,
        "SELECT count(*) FROM auth_attempts WHERE result != 'right' AND at >= ? AND at <= ?",
        (since, by if by is not None else LATER_THAN_ANY),
    )
    holds = []
    for action, limit in _rate_limits(settings).items():
        last = await last_allowed_at(conn, action, by=by) if limit > 0 else None
        if last is not None:
            until = parse_iso(last) + timedelta(seconds=limit)
            if until > now:
                holds.append(RateHold(action.replace("_", "-"), iso(until)))
    return SecurityState(locks, failed, settings.attempt_window_s, tuple(holds))
