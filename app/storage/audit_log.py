"""Reading the audit trail's rows. Writing and the hash chain live in ``app.control.audit``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from app.storage.rows import from_row

# The hashed columns, in a fixed order; changing this list breaks every existing chain.
FIELDS = (
    "id",
    "at",
    "action",
    "target",
    "reason",
    "outcome",
    "detail",
    "login_user",
    "sudo_user",
    "ssh_client",
    "tty",
    "pid",
    "host",
    "app_version",
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    action: str
    target: str | None
    reason: str | None
    outcome: str
    detail: str | None
    login_user: str | None
    sudo_user: str | None
    ssh_client: str | None
    tty: str | None
    pid: int | None
    host: str | None
    app_version: str | None
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def entry_from_row(row: aiosqlite.Row) -> AuditEntry:
    return from_row(AuditEntry, row)


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
