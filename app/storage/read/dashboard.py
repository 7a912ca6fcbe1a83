"""Everything the dashboard shows, from one consistent read."""

from __future__ import annotations

from datetime import date

import aiosqlite

from app.storage.daemon_state import read_state
from app.storage.database import Database
from app.storage.mode import get_mode
from app.storage.read import events
from app.storage.read.games import games_on
from app.storage.read.models import DashboardSnapshot
from app.storage.read.runs import last_delivered_run, recent_runs
from app.storage.read.value_bets import value_bets_on
from app.storage.source_health import all_sources


async def load_dashboard(
    db: Database, *, slate_date: date, recent_events: int
) -> DashboardSnapshot:
    async with db.read() as conn:
        return await read_dashboard(conn, slate_date=slate_date, recent_events=recent_events)


async def read_dashboard(
    conn: aiosqlite.Connection, *, slate_date: date, recent_events: int
) -> DashboardSnapshot:
    """The snapshot on a read the caller holds (the desk reads the verdict in it too)."""
    day = slate_date.isoformat()
    runs = await recent_runs(conn, 1)
    delivered = await last_delivered_run(conn)
    return DashboardSnapshot(
        slate_date=day,
        mode=await get_mode(conn),
        last_run=runs[0] if runs else None,
        last_delivered_at=delivered.finished_at if delivered is not None else None,
        daemon=await read_state(conn),
        sources=tuple(await all_sources(conn)),
        games=await games_on(conn, day),
        value_bets=await value_bets_on(conn, day),
        events=await events.recent_events(conn, recent_events),
    )
