"""The ``alerts`` table: every alert raised, with its delivery status.

Statuses: ``pending`` (recorded, not yet sent), ``sent``, ``failed`` (the last
attempt failed; retried while young and under the attempt limit) and
``suppressed`` (alerts disabled, or the hourly rate limit was reached).
Functions take a connection from ``db.read()`` / ``db.write()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from app.alerts.rules import AlertDraft
from app.domain.status import AlertStatus
from app.storage.read.rows import fetch_int, fetch_one, marks
from app.storage.rows import from_row


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    dedupe_key: str
    subject: str
    body: str
    created_at: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: str | None


def _row(r: aiosqlite.Row) -> AlertRow:
    return from_row(AlertRow, r)


async def seen_since(conn: aiosqlite.Connection, dedupe_key: str, since: str) -> bool:
    row = await fetch_one(
        conn,
        "SELECT 1 FROM alerts WHERE dedupe_key = ? AND created_at >= ? LIMIT 1",
        (dedupe_key, since),
    )
    return row is not None


async def counted_since(conn: aiosqlite.Connection, since: str) -> int:
    """Alerts that used (or will use) the mail budget since ``since``."""
    return await fetch_int(
        conn,
        "SELECT COUNT(*) FROM alerts WHERE created_at >= ? AND status != ?",
        (since, AlertStatus.SUPPRESSED),
    )


async def insert(
    conn: aiosqlite.Connection,
    draft: AlertDraft,
    *,
    status: str,
    created_at: str,
    last_error: str | None = None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO alerts (kind, dedupe_key, subject, body, created_at, status, last_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (draft.kind, draft.dedupe_key, draft.subject, draft.body, created_at, status, last_error),
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def mark_sent(conn: aiosqlite.Connection, alert_id: int, at: str) -> None:
    await conn.execute(
        "UPDATE alerts SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = NULL "
        "WHERE id = ?",
        (AlertStatus.SENT, at, alert_id),
    )


async def mark_failed(conn: aiosqlite.Connection, alert_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE alerts SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
        (AlertStatus.FAILED, error, alert_id),
    )


async def to_deliver(
    conn: aiosqlite.Connection, *, since: str, max_attempts: int
) -> list[AlertRow]:
    async with conn.execute(
        "SELECT * FROM alerts WHERE status IN (?, ?) AND created_at >= ? AND attempts < ? "
        "ORDER BY id",
        (AlertStatus.PENDING, AlertStatus.FAILED, since, max_attempts),
    ) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def latest_of_kinds(
    conn: aiosqlite.Connection, kinds: tuple[str, ...], key_like: str = "%"
) -> AlertRow | None:
    """The newest alert of one of ``kinds`` whose dedupe key matches the LIKE pattern."""
    row = await fetch_one(
        conn,
        f"SELECT * FROM alerts WHERE kind IN ({marks(kinds)}) AND dedupe_key LIKE ? "
        "ORDER BY id DESC LIMIT 1",
        (*kinds, key_like),
    )
    return _row(row) if row is not None else None


async def recent(conn: aiosqlite.Connection, limit: int = 50) -> list[AlertRow]:
    async with conn.execute("SELECT * FROM alerts ORDER BY id DESC LIMIT ?", (limit,)) as cur:
        return [_row(r) for r in await cur.fetchall()]
