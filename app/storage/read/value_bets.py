"""The active value bets of a slate, with the edge and stake the pipeline stored."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypeVar

import aiosqlite

from app.domain.records import Alternative, Verdict
from app.storage.database import Database
from app.storage.read.models import SlatePrice, SuspiciousLine, ValueBet, matchup
from app.storage.read.rows import fetch_rows
from app.storage.rows import from_row

P = TypeVar("P", bound=SlatePrice)


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
    return tuple(value_bet_of(r) for r in rows)


def value_bet_of(r: aiosqlite.Row) -> ValueBet:
    """A ``value_bets``-shaped row (with ``e_home``, ``e_away``, ``book_title``) as a bet."""
    return _on_slate(
        ValueBet,
        r,
        alternatives=_alternatives(r["alternatives"]),
        book_title=r["book_title"] or "",
    )


def _on_slate(record: type[P], r: aiosqlite.Row, **converted: Any) -> P:
    """A price row with its event's teams (``e_home``, ``e_away``) placed on the slate."""
    return from_row(
        record,
        r,
        matchup=matchup(r["e_away"], r["e_home"]) if r["e_home"] else r["event_id"],
        point=float(r["point"]),
        **converted,
    )


def _alternatives(text: str | None) -> tuple[Alternative, ...]:
    """The stored alternatives; text this program did not write reads as none."""
    try:
        items = json.loads(text or "[]")
        return tuple(Alternative(str(i["book"]), int(i["price"]), float(i["edge"])) for i in items)
    except (ValueError, TypeError, KeyError):
        return ()


async def outliers_on(conn: aiosqlite.Connection, slate_date: str) -> tuple[SuspiciousLine, ...]:
    """The slate's prices the pipeline set apart as outliers, as it stored them."""
    rows = await fetch_rows(
        conn,
        # One row per book line and reason: a line out on its margin is one outlier, shown
        # by its lowest (favourite's) price -- SQLite takes the bare columns from that row.
        "SELECT p.event_id, p.market, p.outcome, p.point, p.book, MIN(p.price) AS price, "
        "p.note, e.home_team AS e_home, e.away_team AS e_away, g.game_pk FROM price_edges p "
        "JOIN odds_events e ON e.event_id = p.event_id "
        "LEFT JOIN games g ON g.odds_event_id = p.event_id "
        "WHERE e.official_date = ? AND p.verdict = ? "
        "GROUP BY p.event_id, p.market, p.book, p.note "
        "ORDER BY p.event_id, p.market, p.book, p.outcome",
        (slate_date, Verdict.OUTLIER.value),
    )
    return tuple(_on_slate(SuspiciousLine, r, note=r["note"] or "") for r in rows)


async def load_value_bets(db: Database, slate_date: date) -> tuple[ValueBet, ...]:
    async with db.read() as conn:
        return await value_bets_on(conn, slate_date.isoformat())


async def load_bets_and_outliers(
    db: Database, slate_date: date
) -> tuple[tuple[ValueBet, ...], tuple[SuspiciousLine, ...]]:
    """The value bets and the outliers of a slate, from one snapshot."""
    async with db.read() as conn:
        day = slate_date.isoformat()
        return await value_bets_on(conn, day), await outliers_on(conn, day)
