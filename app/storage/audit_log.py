"""Reading the audit trail's rows. Writing and the hash chain live in ``app.control.audit``."""

from __future__ import annotations

import aiosqlite

from app.storage.read.models import AUDIT_FIELDS as FIELDS
from app.storage.read.models import AuditEntry
from app.storage.read.rows import LATER_THAN_ANY
from app.storage.rows import from_row

__all__ = ["FIELDS", "AuditEntry", "entry_from_row", "recent"]


def entry_from_row(row: aiosqlite.Row) -> AuditEntry:
    return from_row(AuditEntry, row)


async def recent(
    conn: aiosqlite.Connection,
    limit: int,
    *,
    before_id: int | None = None,
    as_of: str | None = None,
) -> list[AuditEntry]:
    """The newest ``limit`` rows, newest first; ``before_id`` pages further back.

    ``as_of`` (rewind): only the rows written by then.
    """
    async with conn.execute(
        "SELECT * FROM audit_log WHERE id < ? AND at <= ? ORDER BY id DESC LIMIT ?",
        (before_id if before_id is not None else 2**62, as_of or LATER_THAN_ANY, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [entry_from_row(row) for row in rows]
