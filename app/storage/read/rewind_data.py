"""``DeskData`` that can stand at a past moment: the live reads, or the rewound ones.

``rewind(moment)`` moves it (``None``: live again). While rewound its
``data_version`` is a counter of moments, never the database's: the desk's poll
loads once per moment and then costs nothing, whatever the daemon commits.

What each screen opened from a rewound desk reads (docs/operations.md, "Rewind"):
the dashboard, health, game detail, runs, audit trail and entry, a source's errors,
CLV and trends as they stood at the moment; the first-run checklist stays live (it
describes this installation now: keys, keyring, daemon), and says so on its screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from app.core.clock import Clock, iso, parse_iso
from app.storage.database import Database
from app.storage.read.checklist import inspect_keyring
from app.storage.read.checklist_models import Checklist, KeyringProbe
from app.storage.read.desk_data import StoredDeskData, VerdictRead
from app.storage.read.models import AuditEntry, DashboardSnapshot, GameDetail, Run, Verdict

if TYPE_CHECKING:
    from app.storage.read.clv_models import ClvReport
    from app.storage.read.drill_models import SourceErrors
    from app.storage.read.trends_models import TrendsReport

# Every desk is a RewindDeskData (`w` rewinds a live one), so the reads of the moment and
# of the screens opened later are imported where they are made, not on the first frame.

VerdictAt = Callable[[datetime], Awaitable[Verdict]]


class RewindDeskData(StoredDeskData):
    """``StoredDeskData`` with a moment; ``verdict_at`` is ``health.verdict_at`` (injected)."""

    def __init__(
        self,
        db: Database,
        *,
        verdict: VerdictRead | None = None,
        verdict_at: VerdictAt | None = None,
        moment: datetime | None = None,
        keyring: KeyringProbe = inspect_keyring,
        daemon_fresh_s: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(db, verdict=verdict, keyring=keyring, daemon_fresh_s=daemon_fresh_s)
        self._verdict_at = verdict_at
        self.moment = moment
        self._moments = 0
        self._clock = clock or Clock()  # the live time, for what stays live while rewound

    def rewind(self, moment: datetime | None) -> None:
        self.moment = moment
        self._moments += 1

    async def data_version(self) -> int:
        if self.moment is None:
            return await super().data_version()
        return -self._moments  # the database's counter is never negative

    async def dashboard(self, slate_date: date, *, recent_events: int) -> DashboardSnapshot:
        if self.moment is None:
            return await super().dashboard(slate_date, recent_events=recent_events)
        from app.storage.read import rewind

        snapshot = await rewind.load_dashboard_at(
            self.db, slate_date=slate_date, recent_events=recent_events, as_of=iso(self.moment)
        )
        if self._verdict_at is None:
            return snapshot
        return replace(snapshot, verdict=await self._verdict_at(self.moment))

    async def game_detail(self, game_pk: int) -> GameDetail | None:
        if self.moment is None:
            return await super().game_detail(game_pk)
        from app.storage.read import rewind

        return await rewind.load_game_detail_at(self.db, game_pk, iso(self.moment))

    async def runs(self, *, limit: int) -> tuple[Run, ...]:
        if self.moment is None:
            return await super().runs(limit=limit)
        from app.storage.read import rewind

        async with self.db.read() as conn:
            return tuple(await rewind.runs_at(conn, iso(self.moment), limit))

    async def audit_page(
        self, *, limit: int, before_id: int | None = None
    ) -> tuple[AuditEntry, ...]:
        from app.storage.read.audit import load_audit

        as_of = self._as_of()
        return await load_audit(self.db, limit=limit, before_id=before_id, as_of=as_of)

    async def audit_entry(self, entry_id: int) -> AuditEntry | None:
        from app.storage.read.audit_entry import load_audit_entry

        return await load_audit_entry(self.db, entry_id, as_of=self._as_of())

    async def source_errors(self, source: str, *, limit: int) -> SourceErrors:
        from app.storage.read.source_errors import load_source_errors

        return await load_source_errors(self.db, source, limit=limit, as_of=self._as_of())

    async def clv(self, since: date | None) -> ClvReport:
        from app.storage.read.clv import load_clv

        return await load_clv(self.db, since, as_of=self._as_of())

    async def trends(self, *, since: datetime, now: datetime, reserve_credits: int) -> TrendsReport:
        if self.moment is None:
            return await super().trends(since=since, now=now, reserve_credits=reserve_credits)
        from app.storage.read.trends import load_trends

        # The screen's "now" is the moment already (RewindClock): nothing later is read.
        return await load_trends(
            self.db,
            since=since,
            now=self.moment,
            reserve_credits=reserve_credits,
            rewound=True,
        )

    async def checklist(self, now: datetime) -> Checklist:
        """Live even while rewound: this installation as it is (its screen says so)."""
        return await super().checklist(now if self.moment is None else self._clock.now())

    def _as_of(self) -> str | None:
        return iso(self.moment) if self.moment is not None else None

    async def run_finish_beside(self, moment: datetime, *, later: bool) -> datetime | None:
        """The finish of the run just before ``moment`` (``later``: just after), if any."""
        from app.storage.read import rewind

        async with self.db.read() as conn:
            found = await rewind.run_finish_beside(conn, iso(moment), later=later)
        return parse_iso(found) if found is not None else None
