"""Break-glass requests handed from a desk to the daemon (which holds the credentials).

Statuses: pending -> taken -> done / failed; a pending request nobody took in time
becomes expired. Taking is one UPDATE ... RETURNING, so two daemons cannot take the
same request.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from app.domain.status import FINISHED_REQUEST
from app.storage.read.rows import fetch_one
from app.storage.rows import from_row


@dataclass(frozen=True)
class ControlRequest:
    id: int
    action: str
    reason: str | None
    requested_at: str
    requested_by: str
    status: str
    run_id: int | None


def _request(row: aiosqlite.Row) -> ControlRequest:
    return from_row(ControlRequest, row)


async def submit(
    conn: aiosqlite.Connection, *, action: str, reason: str | None, requested_by: str, now: str
) -> int:
    """A new pending request. Inside ``db.write()``."""
    cursor = await conn.execute(
        "INSERT INTO control_requests (action, reason, requested_at, requested_by, status) "
        "VALUES (?, ?, ?, ?, 'pending')",
        (action, reason, now, requested_by),
    )
    request_id = cursor.lastrowid
    await cursor.close()
    assert request_id is not None
    return int(request_id)


async def take_next(conn: aiosqlite.Connection, now: str) -> ControlRequest | None:
    """Claim the oldest pending request, atomically. Inside ``db.write()``."""
    row = await fetch_one(
        conn,
        "UPDATE control_requests SET status = 'taken', taken_at = ? WHERE id = "
        "(SELECT id FROM control_requests WHERE status = 'pending' ORDER BY id LIMIT 1) "
        "RETURNING *",
        (now,),
    )
    return _request(row) if row is not None else None


async def finish(
    conn: aiosqlite.Connection, request_id: int, *, status: str, run_id: int | None, now: str
) -> None:
    if status not in FINISHED_REQUEST:
        raise ValueError(f"not a final request status: {status!r}")
    await conn.execute(
        "UPDATE control_requests SET status = ?, finished_at = ?, run_id = ? WHERE id = ?",
        (status, now, run_id, request_id),
    )


async def expire_pending(conn: aiosqlite.Connection, *, older_than: str, now: str) -> int:
    """Pending requests made before ``older_than`` will not run any more (the desk gave up)."""
    cursor = await conn.execute(
        "UPDATE control_requests SET status = 'expired', finished_at = ? "
        "WHERE status = 'pending' AND requested_at < ?",
        (now, older_than),
    )
    count = cursor.rowcount
    await cursor.close()
    return count


async def get_request(conn: aiosqlite.Connection, request_id: int) -> ControlRequest | None:
    row = await fetch_one(conn, "SELECT * FROM control_requests WHERE id = ?", (request_id,))
    return _request(row) if row is not None else None
