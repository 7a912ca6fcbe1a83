"""The slate: each game with the best price on each side of its main lines."""

from __future__ import annotations

from collections import Counter
from datetime import date

import aiosqlite

from app.storage.database import Database
from app.storage.read.models import GameLine, Price
from app.storage.read.rows import fetch_rows
from app.storage.rows import from_row

# A game row with the team names as the odds feed spells them (prices are keyed by those).
GAME_SQL = (
    "SELECT g.*, e.home_team AS odds_home, e.away_team AS odds_away "
    "FROM games g LEFT JOIN odds_events e ON e.event_id = g.odds_event_id "
)


def _best(rows: list[aiosqlite.Row], outcome: str, point: float | None) -> Price | None:
    candidates = [
        r for r in rows if r["outcome"] == outcome and (point is None or r["point"] == point)
    ]
    if not candidates:
        return None
    # Best for the bettor is the highest American price; ties go to the first book by name.
    top = min(candidates, key=lambda r: (-r["price"], r["book"]))
    return Price(int(top["price"]), str(top["book"]), top["point"])


def _main_point(rows: list[aiosqlite.Row], outcome: str) -> float | None:
    """The point most books offer for an outcome (the 'main' line)."""
    points = Counter(r["point"] for r in rows if r["outcome"] == outcome and r["point"] is not None)
    if not points:
        return None
    return max(points.items(), key=lambda kv: (kv[1], -abs(kv[0])))[0]


def game_line(game: aiosqlite.Row, odds: list[aiosqlite.Row], value_count: int) -> GameLine:
    """A ``GAME_SQL`` row and its event's current quotes as one line of the slate."""
    away_name = game["odds_away"] or game["away_team"]
    home_name = game["odds_home"] or game["home_team"]
    h2h = [r for r in odds if r["market"] == "h2h"]
    spreads = [r for r in odds if r["market"] == "spreads"]
    totals = [r for r in odds if r["market"] == "totals"]
    rl_away_point = _main_point(spreads, away_name)
    rl_home_point = -rl_away_point if rl_away_point is not None else _main_point(spreads, home_name)
    total_point = _main_point(totals, "Over")
    return from_row(
        GameLine,
        game,
        event_id=game["odds_event_id"],
        ml_away=_best(h2h, away_name, None),
        ml_home=_best(h2h, home_name, None),
        rl_away=_best(spreads, away_name, rl_away_point) if rl_away_point is not None else None,
        rl_home=_best(spreads, home_name, rl_home_point) if rl_home_point is not None else None,
        total_over=_best(totals, "Over", total_point) if total_point is not None else None,
        total_under=_best(totals, "Under", total_point) if total_point is not None else None,
        value_bets=value_count,
        start_tbd=bool(game["start_tbd"]),
    )


async def games_on(conn: aiosqlite.Connection, slate_date: str) -> tuple[GameLine, ...]:
    games = await fetch_rows(
        conn,
        GAME_SQL + "WHERE (g.official_date = ? OR g.also_on = ?) ORDER BY g.start_time, g.game_pk",
        (slate_date, slate_date),
    )
    odds = await fetch_rows(
        conn,
        "SELECT o.* FROM odds_latest o JOIN games g ON g.odds_event_id = o.event_id "
        "WHERE (g.official_date = ? OR g.also_on = ?)",
        (slate_date, slate_date),
    )
    counts = await fetch_rows(
        conn,
        "SELECT event_id, COUNT(*) AS n FROM value_bets "
        "WHERE official_date = ? AND active = 1 GROUP BY event_id",
        (slate_date,),
    )
    by_event: dict[str, list[aiosqlite.Row]] = {}
    for row in odds:
        by_event.setdefault(row["event_id"], []).append(row)
    value_counts = {r["event_id"]: int(r["n"]) for r in counts}
    return tuple(
        game_line(g, by_event.get(g["odds_event_id"], []), value_counts.get(g["odds_event_id"], 0))
        for g in games
    )


async def load_games(db: Database, slate_date: date) -> tuple[GameLine, ...]:
    async with db.read() as conn:
        return await games_on(conn, slate_date.isoformat())
