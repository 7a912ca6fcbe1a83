"""``DeskData`` that can stand at a past moment: the live reads, or the rewound ones.

``rewind(moment)`` moves it (``None``: live again). While rewound its
``data_version`` is a counter of moments, never the database's: the desk's poll
loads once per moment and then costs nothing, whatever the daemon commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime

from app.core.clock import iso, parse_iso
from app.storage.database import Database
from app.storage.read.checklist import inspect_keyring
from app.storage.read.checklist_models import KeyringProbe
from app.storage.read.desk_data import StoredDeskData, VerdictRead
from app.storage.read.models import DashboardSnapshot, GameDetail, Run, Verdict
from app.storage.read.rewind import (
    load_dashboard_at,
    load_game_detail_at,
    run_finish_beside,
    runs_at,
)

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
    ) -> None:
        super().__init__(db, verdict=verdict, keyring=keyring, daemon_fresh_s=daemon_fresh_s)
        self._verdict_at = verdict_at
        self.moment = moment
        self._moments = 0

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
        snapshot = await load_dashboard_at(
            self.db, slate_date=slate_date, recent_events=recent_events, as_of=iso(self.moment)
        )
        if self._verdict_at is None:
            return snapshot
        return replace(snapshot, verdict=await self._verdict_at(self.moment))

    async def game_detail(self, game_pk: int) -> GameDetail | None:
        if self.moment is None:
            return await super().game_detail(game_pk)
        return await load_game_detail_at(self.db, game_pk, iso(self.moment))

    async def runs(self, *, limit: int) -> tuple[Run, ...]:
        if self.moment is None:
            return await super().runs(limit=limit)
        async with self.db.read() as conn:
            return tuple(await runs_at(conn, iso(self.moment), limit))

    async def run_finish_beside(self, moment: datetime, *, later: bool) -> datetime | None:
        """The finish of the run just before ``moment`` (``later``: just after), if any."""
        async with self.db.read() as conn:
            found = await run_finish_beside(conn, iso(moment), later=later)
        return parse_iso(found) if found is not None else None
