"""The recent-events feed: runs, alerts and audit entries merged, newest first."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from app.core.clock import parse_iso
from app.storage.read.models import Event
from app.storage.read.rows import fetch_rows

_RUN_SEVERITY = {"failed": "error", "abandoned": "error", "degraded": "warning"}


def _run_text(r: aiosqlite.Row) -> str:
    text = f"run #{r['id']} ({r['trigger']}) {r['outcome']}"
    return f"{text}: {r['reason']}" if r["reason"] else text


def _audit_text(a: aiosqlite.Row) -> str:
    target = f" {a['target']}" if a["target"] else ""
    reason = f": {a['reason']}" if a["reason"] else ""
    return f"{a['action']}{target} {a['outcome']}{reason}"


def _newest_first(event: Event) -> tuple[datetime, str, int]:
    """By time, then by id within a kind: ``run:10`` is newer than ``run:9``, never by text."""
    kind, _, row_id = event.key.partition(":")
    return parse_iso(event.at), kind, int(row_id)


# The feed at a past moment: a run finished later was still running; an alert sent later
# was pending (its other ends are not timed); nothing written later had happened.
_RUNS_AT = (
    "SELECT id, trigger, CASE WHEN finished_at <= ? THEN outcome ELSE 'running' END AS outcome, "
    "CASE WHEN finished_at <= ? THEN reason END AS reason, "
    "CASE WHEN finished_at <= ? THEN finished_at ELSE started_at END AS at "
    "FROM runs WHERE started_at <= ? ORDER BY at DESC, id DESC LIMIT ?"
)
_ALERTS_AT = (
    "SELECT id, kind, subject, CASE WHEN status = 'sent' AND NOT sent_at <= ? "
    "THEN 'pending' ELSE status END AS status, created_at FROM alerts "
    "WHERE created_at <= ? ORDER BY id DESC LIMIT ?"
)
_AUDIT_AT = (
    "SELECT id, at, action, target, outcome, reason FROM audit_log WHERE at <= ? "
    "ORDER BY id DESC LIMIT ?"
)


async def recent_events(
    conn: aiosqlite.Connection, limit: int, *, as_of: str | None = None
) -> tuple[Event, ...]:
    """The newest ``limit`` events; at ``as_of`` (an ``iso`` time), as the feed stood then."""
    if as_of is not None:
        runs = await fetch_rows(conn, _RUNS_AT, (as_of, as_of, as_of, as_of, limit))
        alerts = await fetch_rows(conn, _ALERTS_AT, (as_of, as_of, limit))
        audit = await fetch_rows(conn, _AUDIT_AT, (as_of, limit))
        return _merged(runs, alerts, audit, limit)
    runs = await fetch_rows(
        conn,
        "SELECT id, trigger, outcome, reason, COALESCE(finished_at, started_at) AS at "
        "FROM runs ORDER BY at DESC, id DESC LIMIT ?",
        (limit,),
    )
    alerts = await fetch_rows(
        conn,
        "SELECT id, kind, subject, status, created_at FROM alerts ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    audit = await fetch_rows(
        conn,
        "SELECT id, at, action, target, outcome, reason FROM audit_log ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return _merged(runs, alerts, audit, limit)


def _merged(
    runs: list[aiosqlite.Row], alerts: list[aiosqlite.Row], audit: list[aiosqlite.Row], limit: int
) -> tuple[Event, ...]:
    events = [
        Event(
            r["at"], "run", f"run:{r['id']}", _run_text(r), _RUN_SEVERITY.get(r["outcome"], "info")
        )
        for r in runs
    ]
    events += [
        Event(
            a["created_at"],
            "alert",
            f"alert:{a['id']}",
            f"alert {a['kind']} ({a['status']}): {a['subject']}",
            "warning" if a["status"] != "suppressed" else "info",
        )
        for a in alerts
    ]
    events += [
        Event(
            a["at"],
            "audit",
            f"audit:{a['id']}",
            _audit_text(a),
            "info" if a["outcome"] == "done" else "warning",
        )
        for a in audit
    ]
    events.sort(key=_newest_first, reverse=True)
    return tuple(events[:limit])
