"""Write side of closing-line value: bets due a close, the line at first pitch, the closes.

A bet is *due* once its game's first pitch (the earlier of the MLB start time and the
odds feed's ``commence_time``) has passed and no close is stored for it. The closing
line is rebuilt from ``odds_moves``: each book's last move observed before first pitch,
so a game that started between two runs closes on the line seen before it, not on the
(in-play) line of the run that noticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from app.core.clock import iso, parse_iso
from app.domain.records import Quote


@dataclass(frozen=True, slots=True)
class DueBet:
    """A flagged bet whose game has started, with what it was when flagged."""

    event_id: str
    market: str
    outcome: str
    point: float
    book: str
    official_date: str
    game_pk: int | None
    first_seen_at: str
    price: int
    fair_prob: float
    edge: float
    stake: float
    first_pitch: datetime


@dataclass(frozen=True, slots=True)
class BetClose:
    bet: DueBet
    close_fair_prob: float | None
    close_price: int | None
    close_books: int
    method: str


_DUE = (
    "SELECT v.event_id, v.market, v.outcome, v.point, v.book, v.official_date, v.game_pk, "
    "v.first_seen_at, v.price, v.fair_prob, v.edge, v.stake, "
    "e.commence_time, g.start_time FROM value_bets v "
    "LEFT JOIN odds_events e ON e.event_id = v.event_id "
    "LEFT JOIN games g ON g.game_pk = coalesce(v.game_pk, e.game_pk) "
    "LEFT JOIN bet_closes c ON c.event_id = v.event_id AND c.market = v.market "
    "AND c.outcome = v.outcome AND c.point = v.point AND c.book = v.book "
    "WHERE c.event_id IS NULL"
)


async def due_bets(conn: aiosqlite.Connection, now: datetime) -> list[DueBet]:
    """Bets without a close whose first pitch is at or before ``now``."""
    async with conn.execute(_DUE) as cursor:
        rows = await cursor.fetchall()
    due = []
    for r in rows:
        starts = [parse_iso(t) for t in (r["commence_time"], r["start_time"]) if t]
        if not starts or min(starts) > now:
            continue
        due.append(
            DueBet(
                r["event_id"],
                r["market"],
                r["outcome"],
                float(r["point"]),
                r["book"],
                r["official_date"],
                r["game_pk"],
                r["first_seen_at"],
                r["price"],
                r["fair_prob"],
                r["edge"],
                r["stake"],
                min(starts),
            )
        )
    return due


async def closing_quotes(
    conn: aiosqlite.Connection, event_id: str, market: str, first_pitch: datetime
) -> list[Quote]:
    """Each book's last quote of ``market`` observed before ``first_pitch``."""
    async with conn.execute(
        "SELECT m.book, m.outcome, m.price, m.point FROM odds_moves m "
        "WHERE m.id = (SELECT max(l.id) FROM odds_moves l WHERE l.event_id = m.event_id "
        "AND l.market = m.market AND l.book = m.book AND l.outcome = m.outcome "
        "AND l.observed_at <= ?) AND m.event_id = ? AND m.market = ? ORDER BY m.book, m.outcome",
        (iso(first_pitch), event_id, market),
    ) as cursor:
        rows = await cursor.fetchall()
    return [Quote(event_id, r["book"], market, r["outcome"], r["price"], r["point"]) for r in rows]


async def record_closes(
    conn: aiosqlite.Connection, closes: Sequence[BetClose], now: str, run_id: int | None
) -> int:
    """Store the closes (once per bet: a stored close is never rewritten). Inside ``db.write()``."""
    await conn.executemany(
        "INSERT OR IGNORE INTO bet_closes (event_id, market, outcome, point, book, "
        "official_date, game_pk, flagged_at, price, fair_prob, edge, stake, closed_at, "
        "close_fair_prob, close_price, close_books, method, recorded_at, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.bet.event_id,
                c.bet.market,
                c.bet.outcome,
                c.bet.point,
                c.bet.book,
                c.bet.official_date,
                c.bet.game_pk,
                c.bet.first_seen_at,
                c.bet.price,
                c.bet.fair_prob,
                c.bet.edge,
                c.bet.stake,
                iso(c.bet.first_pitch),
                c.close_fair_prob,
                c.close_price,
                c.close_books,
                c.method,
                now,
                run_id,
            )
            for c in closes
        ],
    )
    return len(closes)
