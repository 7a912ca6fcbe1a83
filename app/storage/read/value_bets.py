"""The active value bets of a slate, with the edge and stake the pipeline stored."""

from __future__ import annotations

from datetime import date

import aiosqlite

from app.storage.database import Database
from app.storage.read.models import ValueBet, matchup
from app.storage.read.rows import fetch_rows
from app.storage.rows import from_row


async def value_bets_on(conn: aiosqlite.Connection, slate_date: str) -> tuple[ValueBet, ...]:
    rows = await fetch_rows(
        conn,
        "SELECT v.*, e.home_team AS e_home, e.away_team AS e_away, "
        "(SELECT o.book_title FROM odds_latest o WHERE o.book = v.book AND o.book_title != '' "
        "ORDER BY o.observed_at DESC LIMIT 1) AS book_title FROM value_bets v "
        "LEFT JOIN odds_events e ON e.event_id = v.event_id "
        "WHERE v.official_date = ? AND v.active = 1 ORDER BY v.edge DESC, v.book",
        (slate_date,),
    )
    return tuple(
        from_row(
            ValueBet,
            r,
            matchup=matchup(r["e_away"], r["e_home"]) if r["e_home"] else r["event_id"],
            point=float(r["point"]),
            book_title=r["book_title"] or "",
        )
        for r in rows
    )


async def load_value_bets(db: Database, slate_date: date) -> tuple[ValueBet, ...]:
    async with db.read() as conn:
        return await value_bets_on(conn, slate_date.isoformat())
