"""Closing-line value of the stored closes, settled against the stored final scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import aiosqlite

from app.core.clock import parse_iso
from app.domain.clv import closing_value, profit, settle
from app.domain.game_status import FINISHED, classify
from app.domain.prices import H2H
from app.storage.clv import closing_quotes
from app.storage.database import Database
from app.storage.read.clv_models import ClosedBet, ClvReport
from app.storage.read.models import matchup
from app.storage.read.rows import LATER_THAN_ANY, fetch_rows

_CLOSES = (
    "SELECT c.*, e.home_team AS e_home, e.away_team AS e_away, g.home_score, g.away_score, "
    "g.status_code, g.status, g.abstract_state FROM bet_closes c "
    "LEFT JOIN odds_events e ON e.event_id = c.event_id "
    "LEFT JOIN {games} "
    "WHERE c.official_date >= ? AND c.recorded_at <= ? "
    "ORDER BY c.official_date, c.closed_at, c.event_id, c.market, c.outcome, c.point, c.book"
)
_GAME_NOW = "games g ON g.game_pk = coalesce(c.game_pk, e.game_pk)"
# Rewind: the game (its score, its state) as game_history had it at the moment.
_GAME_THEN = (
    "game_history g ON g.id = (SELECT MAX(h.id) FROM game_history h "
    "WHERE h.game_pk = coalesce(c.game_pk, e.game_pk) AND h.at <= ?)"
)


def _closed_bet(r: aiosqlite.Row) -> ClosedBet:
    price = int(r["price"])
    close_prob = r["close_fair_prob"]
    clv = closing_value(close_prob, price) if close_prob is not None else None
    result = None
    final = r["status_code"] is not None and (
        classify(r["status_code"], r["status"], r["abstract_state"]).status in FINISHED
    )
    if final and r["e_home"] and r["home_score"] is not None and r["away_score"] is not None:
        result = settle(
            r["market"],
            r["outcome"],
            float(r["point"]),
            home_team=r["e_home"],
            away_team=r["e_away"],
            home_score=int(r["home_score"]),
            away_score=int(r["away_score"]),
        )
    return ClosedBet(
        event_id=r["event_id"],
        matchup=matchup(r["e_away"], r["e_home"]) if r["e_home"] else r["event_id"],
        official_date=r["official_date"],
        market=r["market"],
        outcome=r["outcome"],
        point=float(r["point"]),
        book=r["book"],
        price=price,
        fair_prob=r["fair_prob"],
        edge=r["edge"],
        stake=r["stake"],
        flagged_at=r["flagged_at"],
        closed_at=r["closed_at"],
        close_fair_prob=close_prob,
        close_price=r["close_price"],
        clv=clv,
        result=None if result is None else result.value,
        profit=None if result is None else profit(result, price),
    )


async def clv_since(
    conn: aiosqlite.Connection, since: date | None, *, as_of: str | None = None
) -> ClvReport:
    """``as_of`` (rewind): the closes recorded by then, settled against the scores of then."""
    day = since.isoformat() if since else ""
    if as_of is None:
        rows = await fetch_rows(conn, _CLOSES.format(games=_GAME_NOW), (day, LATER_THAN_ANY))
    else:
        rows = await fetch_rows(conn, _CLOSES.format(games=_GAME_THEN), (as_of, day, as_of))
    return ClvReport.of(since, tuple(_closed_bet(r) for r in rows))


async def load_clv(db: Database, since: date | None, *, as_of: str | None = None) -> ClvReport:
    """Every close of a game on or after ``since`` (all of them for None), or as of a moment."""
    async with db.read() as conn:
        return await clv_since(conn, since, as_of=as_of)


@dataclass(frozen=True, slots=True)
class ClosingLine:
    """A finished game's moneyline at first pitch, book by book, and who won."""

    event_id: str
    home_team: str
    away_team: str
    home_won: bool
    books: dict[str, dict[str, int]]  # book -> {team: American price}


_FINISHED_GAMES = (
    "SELECT e.event_id, e.home_team, e.away_team, e.commence_time, g.start_time, "
    "g.home_score, g.away_score, g.status_code, g.status, g.abstract_state "
    "FROM odds_events e JOIN games g ON g.game_pk = e.game_pk "
    "WHERE g.home_score IS NOT NULL AND g.away_score IS NOT NULL ORDER BY e.event_id"
)


async def closing_lines(conn: aiosqlite.Connection) -> list[ClosingLine]:
    """Every finished, decided game with the moneyline each book last showed before it began."""
    lines = []
    for g in await fetch_rows(conn, _FINISHED_GAMES):
        if classify(g["status_code"], g["status"], g["abstract_state"]).status not in FINISHED:
            continue
        if g["home_score"] == g["away_score"]:
            continue
        first_pitch = min(parse_iso(t) for t in (g["commence_time"], g["start_time"]) if t)
        books: dict[str, dict[str, int]] = {}
        for quote in await closing_quotes(conn, g["event_id"], H2H, first_pitch):
            books.setdefault(quote.book, {})[quote.outcome] = quote.price
        sides = {g["home_team"], g["away_team"]}
        complete = {book: line for book, line in books.items() if set(line) == sides}
        if complete:
            lines.append(
                ClosingLine(
                    g["event_id"],
                    g["home_team"],
                    g["away_team"],
                    g["home_score"] > g["away_score"],
                    complete,
                )
            )
    return lines


async def load_closing_lines(db: Database) -> list[ClosingLine]:
    async with db.read() as conn:
        return await closing_lines(conn)
