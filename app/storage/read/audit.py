"""Pages of the audit trail for the desk and ``pressbox audit``."""

from __future__ import annotations

from app.storage.audit_log import recent
from app.storage.database import Database
from app.storage.read.models import AuditEntry


async def load_audit(
    db: Database, *, limit: int, before_id: int | None = None, as_of: str | None = None
) -> tuple[AuditEntry, ...]:
    """One page of the audit trail, newest first; ``before_id`` pages further back.

    ``as_of`` (rewind): the trail as it stood then, its later rows not yet written.
    """
    async with db.read() as conn:
        return tuple(await recent(conn, limit, before_id=before_id, as_of=as_of))
