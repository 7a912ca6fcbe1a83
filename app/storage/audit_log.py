"""Reading the audit trail's rows. Writing and the hash chain live in ``app.control.audit``."""

from __future__ import annotations

import aiosqlite

from app.storage.read.models import AUDIT_FIELDS as FIELDS
from app.storage.read.models import AuditEntry

__all__ = ["FIELDS", "AuditEntry", "entry_from_row", "recent"]


def entry_from_row(row: aiosqlite.Row) -> AuditEntry:
    return AuditEntry(
        id=int(row["id"]),
        at=row["at"],
        action=row["action"],
        target=row["target"],
        reason=row["reason"],
        outcome=row["outcome"],
        detail=row["detail"],
        login_user=row["login_user"],
        sudo_user=row["sudo_user"],
        ssh_client=row["ssh_client"],
        tty=row["tty"],
        pid=row["pid"],
        host=row["host"],
        app_version=row["app_version"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


async def recent(
    conn: aiosqlite.Connection, limit: int, *, before_id: int | None = None
) -> list[AuditEntry]:
    """The newest ``limit`` rows, newest first; ``before_id`` pages further back."""
    async with conn.execute(
        "SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
        (before_id if before_id is not None else 2**62, limit),
    ) as cur:
        rows = await cur.fetchall()
    return [entry_from_row(row) for row in rows]
