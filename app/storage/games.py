"""Write side of the slate: MLB games, Odds API events, and the pairing between them.

A schedule answer can know *less* than what is stored (a linescore missing for a
moment, a score dropped from a cached response): a known score, inning or half is
never overwritten with NULL. Status fields always take the newest answer, since a
game may legitimately move from Live to Suspended or Postponed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import aiosqlite

from app.core.clock import iso
from app.domain.records import Game, OddsEvent

_UPSERT_GAME = """
INSERT INTO games (game_pk, official_date, start_time, away_team_id, away_team, home_team_id,
                   home_team, abstract_state, status_code, status, inning, inning_half,
                   away_score, home_score, double_header, game_number, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(game_pk) DO UPDATE SET
    official_date  = excluded.official_date,
    start_time     = excluded.start_time,
    away_team_id   = excluded.away_team_id,
    away_team      = excluded.away_team,
    home_team_id   = excluded.home_team_id,
    home_team      = excluded.home_team,
    abstract_state = excluded.abstract_state,
    status_code    = excluded.status_code,
    status         = excluded.status,
    inning         = COALESCE(excluded.inning, games.inning),
    inning_half    = COALESCE(excluded.inning_half, games.inning_half),
    away_score     = COALESCE(excluded.away_score, games.away_score),
    home_score     = COALESCE(excluded.home_score, games.home_score),
    double_header  = excluded.double_header,
    game_number    = excluded.game_number,
    updated_at     = excluded.updated_at
"""


async def upsert_games(conn: aiosqlite.Connection, games: Sequence[Game], at: str) -> int:
    """Insert or refresh games; returns how many were written. Call inside ``db.write()``."""
    await conn.executemany(
        _UPSERT_GAME,
        [
            (
                g.game_pk,
                g.official_date.isoformat(),
                iso(g.start_time),
                g.away_team_id,
                g.away_team,
                g.home_team_id,
                g.home_team,
                g.abstract_state,
                g.status_code,
                g.status,
                g.inning,
                g.inning_half,
                g.away_score,
                g.home_score,
                g.double_header,
                g.game_number,
                at,
            )
            for g in games
        ],
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


async def games_on(conn: aiosqlite.Connection, official_date: date) -> list[aiosqlite.Row]:
    async with conn.execute(
        "SELECT * FROM games WHERE official_date = ? ORDER BY start_time, game_pk",
        (official_date.isoformat(),),
    ) as cursor:
        return list(await cursor.fetchall())


async def events_on(conn: aiosqlite.Connection, official_date: date) -> list[aiosqlite.Row]:
    async with conn.execute(
        "SELECT * FROM odds_events WHERE official_date = ? ORDER BY commence_time, event_id",
        (official_date.isoformat(),),
    ) as cursor:
        return list(await cursor.fetchall())
