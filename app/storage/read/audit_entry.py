"""One audit entry in full, for the desk's audit entry screen."""

from __future__ import annotations

from app.storage.audit_log import entry_from_row
from app.storage.database import Database
from app.storage.read.models import AuditEntry
from app.storage.read.rows import LATER_THAN_ANY, fetch_rows


async def load_audit_entry(
    db: Database, entry_id: int, *, as_of: str | None = None
) -> AuditEntry | None:
    """The entry with ``entry_id``, or None when there is none (``as_of``: none by then)."""
    async with db.read() as conn:
        rows = await fetch_rows(
            conn,
            "SELECT * FROM audit_log WHERE id = ? AND at <= ?",
            (entry_id, as_of or LATER_THAN_ANY),
        )
    return entry_from_row(rows[0]) if rows else None
