"""What the desk needs from storage, as one small interface (the data twin of ``ControlActions``).

The desk never holds a ``Database``: the composition root (``app.cli.desk``, or a
test) hands it a ``DeskData`` and the desk only ever sees read models. Every call
may raise a classified ``StorageError``; the desk reports it and carries on.
``start``/``stop`` run on the desk's own event loop, so an implementation can open
and close its connections there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Annotations only: the read models of later screens load with those screens.
    from app.storage.read.checklist_models import Checklist
    from app.storage.read.clv_models import ClvReport
    from app.storage.read.drill_models import SourceErrors
    from app.storage.read.models import AuditEntry, DashboardSnapshot, GameDetail, Run
    from app.storage.read.trends_models import TrendsReport


class DeskData(Protocol):
    async def start(self) -> None:
        """Get ready to answer (called once, when the desk mounts)."""

    async def stop(self) -> None:
        """Release what ``start`` took (called once, when the desk unmounts)."""

    async def data_version(self) -> int:
        """A cheap counter that moves whenever another process commits."""
        ...

    async def dashboard(self, slate_date: date, *, recent_events: int) -> DashboardSnapshot: ...

    async def game_detail(self, game_pk: int) -> GameDetail | None: ...

    async def runs(self, *, limit: int) -> tuple[Run, ...]: ...

    async def audit_page(
        self, *, limit: int, before_id: int | None = None
    ) -> tuple[AuditEntry, ...]: ...

    async def clv(self, since: date | None) -> ClvReport:
        """Closing-line value of the bets whose games were on or after ``since``."""
        ...

    async def audit_entry(self, entry_id: int) -> AuditEntry | None:
        """One audit entry in full (None when there is no such entry)."""
        ...

    async def source_errors(self, source: str, *, limit: int) -> SourceErrors:
        """A source's breaker row and its newest ``limit`` stage errors."""
        ...

    # -- trends and the first-run checklist ---------------------------------------

    async def trends(self, *, since: datetime, now: datetime, reserve_credits: int) -> TrendsReport:
        """Run durations, per-source latency and failures, quota burn since ``since``."""
        ...

    async def checklist(self, now: datetime) -> Checklist:
        """What a new installation still lacks (stored facts only; no upstream call)."""
        ...
