"""``DeskData`` over a ``Database``: what the composition root hands the desk.

Only the dashboard's read is imported with this module: it is all the desk's first frame
reads. Every other read is imported by the method that makes it (the screen that asks is
opened later, or never); ``tests/tui/test_first_frame.py`` keeps them out of the first frame.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

import aiosqlite

from app.storage.database import Database
from app.storage.read.checklist import inspect_keyring, load_checklist
from app.storage.read.checklist_models import Checklist, KeyringProbe
from app.storage.read.dashboard import read_dashboard
from app.storage.read.models import AuditEntry, DashboardSnapshot, GameDetail, Run, Verdict
from app.storage.read.runs import load_runs

if TYPE_CHECKING:
    from app.storage.read.clv_models import ClvReport
    from app.storage.read.drill_models import SourceErrors
    from app.storage.read.trends_models import TrendsReport

# The verdict of a snapshot, read on the snapshot's own connection.
VerdictRead = Callable[[aiosqlite.Connection, DashboardSnapshot], Awaitable[Verdict]]


class StoredDeskData:
    """The desk's reads on one process-wide ``Database``.

    Handed a closed database (snapshot tests, simple launchers), ``start`` opens it
    on the desk's event loop and ``stop`` closes it; an open one stays its owner's.
    ``verdict`` is the health verdict (``app.pipeline.health.desk_verdict``, handed in
    by the composition root: storage may not import the pipeline), judged inside the
    dashboard's own read from that snapshot, so the header says what ``pressbox
    health`` would say of exactly what the desk shows, and a changed poll is one read.
    ``keyring`` inspects the keyring for the checklist (the demo hands in its in-memory store's);
    ``daemon_fresh_s`` is how recent a heartbeat must be to count as alive.
    """

    def __init__(
        self,
        db: Database,
        *,
        verdict: VerdictRead | None = None,
        keyring: KeyringProbe = inspect_keyring,
        daemon_fresh_s: float = 30.0,
    ) -> None:
        self.db = db
        self._verdict = verdict
        self._owns_db = False
        self._keyring = keyring
        self._daemon_fresh_s = daemon_fresh_s

    async def start(self) -> None:
        if not self.db.is_open:
            await self.db.open()
            self._owns_db = True

    async def stop(self) -> None:
        if self._owns_db:
            self._owns_db = False
            await self.db.close()

    async def data_version(self) -> int:
        return await self.db.data_version()

    async def dashboard(self, slate_date: date, *, recent_events: int) -> DashboardSnapshot:
        async with self.db.read() as conn:
            snapshot = await read_dashboard(
                conn, slate_date=slate_date, recent_events=recent_events
            )
            if self._verdict is None:
                return snapshot
            return replace(snapshot, verdict=await self._verdict(conn, snapshot))

    async def game_detail(self, game_pk: int) -> GameDetail | None:
        from app.storage.read.game_detail import load_game_detail

        return await load_game_detail(self.db, game_pk)

    async def runs(self, *, limit: int) -> tuple[Run, ...]:
        return await load_runs(self.db, limit=limit)

    async def audit_page(
        self, *, limit: int, before_id: int | None = None
    ) -> tuple[AuditEntry, ...]:
        from app.storage.read.audit import load_audit

        return await load_audit(self.db, limit=limit, before_id=before_id)

    async def clv(self, since: date | None) -> ClvReport:
        from app.storage.read.clv import load_clv

        return await load_clv(self.db, since)

    # -- drill-through (issue 13) --

    async def audit_entry(self, entry_id: int) -> AuditEntry | None:
        from app.storage.read.audit_entry import load_audit_entry

        return await load_audit_entry(self.db, entry_id)

    async def source_errors(self, source: str, *, limit: int) -> SourceErrors:
        from app.storage.read.source_errors import load_source_errors

        return await load_source_errors(self.db, source, limit=limit)

    # -- trends and the first-run checklist ---------------------------------------

    async def trends(self, *, since: datetime, now: datetime, reserve_credits: int) -> TrendsReport:
        from app.storage.read.trends import load_trends

        return await load_trends(self.db, since=since, now=now, reserve_credits=reserve_credits)

    async def checklist(self, now: datetime) -> Checklist:
        keyring = await self._keyring()
        return await load_checklist(
            self.db, now, keyring=keyring, daemon_fresh_s=self._daemon_fresh_s
        )
