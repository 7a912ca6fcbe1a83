"""One game: every book's current price with the edge the pipeline judged it at.

The edge, its fair probability, the value and best flags and the verdict (stale,
in play, outlier, too few books, with its note) are read from ``price_edges`` as
the analytics stage stored them: this module never computes
one, so game detail, the value-bets table and ``bets --json`` show the same
number for the same price. A stored judgement belongs to one price: when the
book has moved since (the odds landed, the analytics did not), the row shows the
new price without an edge rather than an edge of another price.
"""

from __future__ import annotations

import aiosqlite

from app.domain.records import FairPrice
from app.storage.database import Database
from app.storage.read.games import GAME_SQL, game_line
from app.storage.read.models import GameDetail, LineHistory, QuotedPrice
from app.storage.read.rows import fetch_rows
from app.storage.rows import from_row

EdgeKey = tuple[str, str, float, str]  # market, outcome, point (0 for h2h), book


def _edge_key(market: str, outcome: str, point: float | None, book: str) -> EdgeKey:
    return (market, outcome, float(point) if point is not None else 0.0, book)


def _book_price(r: aiosqlite.Row, judged: aiosqlite.Row | None) -> QuotedPrice:
    if judged is None or int(judged["price"]) != int(r["price"]):
        return from_row(QuotedPrice, r, fair_prob=None, edge=None)
    return from_row(
        QuotedPrice,
        r,
        fair_prob=judged["fair_prob"],
        edge=judged["edge"],
        is_value=bool(judged["is_value"]),
        is_best=bool(judged["is_best"]),
        verdict=judged["verdict"],
        note=judged["note"],
    )


async def _of_event(
    conn: aiosqlite.Connection, sql: str, event_id: str | None
) -> list[aiosqlite.Row]:
    return await fetch_rows(conn, sql, (event_id,)) if event_id else []


async def load_game_detail(db: Database, game_pk: int) -> GameDetail | None:
    """Every book's prices, the fair prices and the day's line history of one game."""
    async with db.read() as conn:
        games = await fetch_rows(conn, GAME_SQL + "WHERE g.game_pk = ?", (game_pk,))
        if not games:
            return None
        game = games[0]
        event_id = game["odds_event_id"]
        odds = await _of_event(
            conn,
            "SELECT * FROM odds_latest WHERE event_id = ? ORDER BY market, outcome, book",
            event_id,
        )
        judged = await _of_event(conn, "SELECT * FROM price_edges WHERE event_id = ?", event_id)
        fair_rows = await _of_event(
            conn,
            "SELECT * FROM fair_prices WHERE event_id = ? ORDER BY market, outcome, point",
            event_id,
        )
        counts = await _of_event(
            conn,
            "SELECT COUNT(*) AS n FROM value_bets WHERE event_id = ? AND active = 1",
            event_id,
        )
        moves = await _of_event(
            conn,
            "SELECT market, outcome, book, price FROM odds_moves "
            "WHERE event_id = ? ORDER BY market, outcome, book, id",
            event_id,
        )
    return GameDetail(
        game=game_line(game, list(odds), int(counts[0]["n"]) if counts else 0),
        prices=book_prices(odds, judged),
        fair=tuple(from_row(FairPrice, r, point=float(r["point"])) for r in fair_rows),
        history=line_history(moves),
    )


def book_prices(odds: list[aiosqlite.Row], judged: list[aiosqlite.Row]) -> tuple[QuotedPrice, ...]:
    """Each book's line with the judgement stored for that very price, if any."""
    by_key = {_edge_key(j["market"], j["outcome"], j["point"], j["book"]): j for j in judged}
    return tuple(
        _book_price(r, by_key.get(_edge_key(r["market"], r["outcome"], r["point"], r["book"])))
        for r in odds
    )


def line_history(moves: list[aiosqlite.Row]) -> tuple[LineHistory, ...]:
    """The prices of each (market, outcome, book) line in move order."""
    history: dict[tuple[str, str, str], list[int]] = {}
    for m in moves:
        history.setdefault((m["market"], m["outcome"], m["book"]), []).append(int(m["price"]))
    return tuple(LineHistory(k[0], k[1], k[2], tuple(v)) for k, v in history.items())
