"""Write side of the slate: MLB games, Odds API events, and the pairing between them.

A schedule answer can know *less* than what is stored (a linescore missing for a
moment, a score dropped from a cached response): a known score, inning or half is
never overwritten with NULL. Status fields always take the newest answer, since a
game may legitimately move from Live to Suspended or Postponed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime

import aiosqlite

from app.core.clock import iso, parse_iso
from app.domain.records import Game, OddsEvent
from app.storage.rows import from_row

_GAME_COLUMNS = tuple(f.name for f in fields(Game))
# What a schedule answer may briefly not know; a known value is kept rather than nulled.
_KEPT_WHEN_MISSING = frozenset({"inning", "inning_half", "away_score", "home_score"})


def _set(column: str) -> str:
    if column in _KEPT_WHEN_MISSING:
        return f"{column} = COALESCE(excluded.{column}, games.{column})"
    return f"{column} = excluded.{column}"


_UPSERT_GAME = (
    f"INSERT INTO games ({', '.join(_GAME_COLUMNS)}, updated_at) "
    f"VALUES ({', '.join('?' * (len(_GAME_COLUMNS) + 1))}) ON CONFLICT(game_pk) DO UPDATE SET "
    + ", ".join(_set(column) for column in (*_GAME_COLUMNS[1:], "updated_at"))
)


def _sql_value(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


async def upsert_games(conn: aiosqlite.Connection, games: Sequence[Game], at: str) -> int:
    """Insert or refresh games; returns how many were written. Call inside ``db.write()``."""
    await conn.executemany(
        _UPSERT_GAME,
        [(*(_sql_value(getattr(g, column)) for column in _GAME_COLUMNS), at) for g in games],
    )
    return len(games)


_UPSERT_EVENT = """
INSERT INTO odds_events (event_id, commence_time, home_team, away_team, official_date, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT(event_id) DO UPDATE SET
    commence_time = excluded.commence_time,
    home_team     = excluded.home_team,
    away_team     = excluded.away_team,
    official_date = excluded.official_date,
    updated_at    = excluded.updated_at
"""


async def upsert_odds_events(
    conn: aiosqlite.Connection, events: Iterable[tuple[OddsEvent, date]], at: str
) -> int:
    """Insert or refresh events, each with its official date; the game link is kept."""
    rows = [
        (e.event_id, iso(e.commence_time), e.home_team, e.away_team, day.isoformat(), at)
        for e, day in events
    ]
    await conn.executemany(_UPSERT_EVENT, rows)
    return len(rows)


async def link_matches(
    conn: aiosqlite.Connection, pairs: Sequence[tuple[int, str]], at: str
) -> int:
    """Record game <-> event pairs on both tables.

    A pairing that is not repeated is kept (The Odds API stops listing a game once
    it is over, and that must not unlink it); an event re-paired to another game is
    first released from its old one, because ``games.odds_event_id`` is unique.
    """
    if not pairs:
        return 0
    await conn.executemany(
        "UPDATE games SET odds_event_id = NULL, updated_at = ? "
        "WHERE odds_event_id = ? AND game_pk != ?",
        [(at, event_id, game_pk) for game_pk, event_id in pairs],
    )
    await conn.executemany(
        "UPDATE games SET odds_event_id = ?, updated_at = ? "
        "WHERE game_pk = ? AND odds_event_id IS NOT ?",
        [(event_id, at, game_pk, event_id) for game_pk, event_id in pairs],
    )
    await conn.executemany(
        "UPDATE odds_events SET game_pk = ?, updated_at = ? "
        "WHERE event_id = ? AND game_pk IS NOT ?",
        [(game_pk, at, event_id, game_pk) for game_pk, event_id in pairs],
    )
    return len(pairs)


async def _rows_on(
    conn: aiosqlite.Connection, table: str, order: str, official_date: date
) -> list[aiosqlite.Row]:
    async with conn.execute(
        f"SELECT * FROM {table} WHERE official_date = ? ORDER BY {order}",
        (official_date.isoformat(),),
    ) as cursor:
        return list(await cursor.fetchall())


async def games_on(conn: aiosqlite.Connection, official_date: date) -> list[aiosqlite.Row]:
    return await _rows_on(conn, "games", "start_time, game_pk", official_date)


async def events_on(conn: aiosqlite.Connection, official_date: date) -> list[aiosqlite.Row]:
    return await _rows_on(conn, "odds_events", "commence_time, event_id", official_date)


async def stored_games(conn: aiosqlite.Connection, official_date: date) -> list[Game]:
    """The stored slate of ``official_date`` as records, in start order."""
    return [
        from_row(
            Game,
            row,
            official_date=date.fromisoformat(row["official_date"]),
            start_time=parse_iso(row["start_time"]),
        )
        for row in await games_on(conn, official_date)
    ]


async def stored_events(conn: aiosqlite.Connection, official_date: date) -> list[OddsEvent]:
    """The stored odds events of ``official_date`` (without quotes), in commence order."""
    return [
        from_row(OddsEvent, row, commence_time=parse_iso(row["commence_time"]))
        for row in await events_on(conn, official_date)
    ]
