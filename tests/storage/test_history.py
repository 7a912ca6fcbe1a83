"""History for rewind: each current-state write leaves its row, in the same transaction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import TransientError
from app.domain.records import Game, Quote
from app.resilience.breaker import on_failure, on_success
from app.storage.database import Database
from app.storage.games import upsert_games
from app.storage.odds import record_quotes


def _game(**changes: object) -> Game:
    game = Game(
        game_pk=777370,
        official_date=date(2025, 6, 14),
        start_time=datetime(2025, 6, 14, 23, 10, tzinfo=UTC),
        away_team_id=147,
        away_team="New York Yankees",
        home_team_id=111,
        home_team="Boston Red Sox",
        abstract_state="Preview",
        status_code="S",
        status="Scheduled",
        inning=None,
        inning_half=None,
        away_score=None,
        home_score=None,
        double_header="N",
        game_number=1,
    )
    return dataclasses.replace(game, **changes)  # type: ignore[arg-type]


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as conn, conn.execute(sql) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_a_game_keeps_a_row_per_change_and_none_for_a_repeat(db: Database) -> None:
    for at, game in [
        ("2025-06-14T20:00:00.000Z", _game()),
        ("2025-06-14T20:05:00.000Z", _game()),  # the same answer again: no row
        ("2025-06-14T23:20:00.000Z", _game(abstract_state="Live", status_code="I", inning=1)),
        ("2025-06-14T23:40:00.000Z", _game(abstract_state="Live", status_code="I", inning=2)),
    ]:
        async with db.write() as conn:
            await upsert_games(conn, [game], at)
    rows = await _rows(db, "SELECT at, status_code, inning FROM game_history ORDER BY id")
    assert rows == [
        ("2025-06-14T20:00:00.000Z", "S", None),
        ("2025-06-14T23:20:00.000Z", "I", 1),
        ("2025-06-14T23:40:00.000Z", "I", 2),
    ]


async def test_a_failed_write_leaves_no_history(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await upsert_games(conn, [_game()], "2025-06-14T20:00:00.000Z")
            raise RuntimeError("the run died before its commit")
    assert await _rows(db, "SELECT * FROM game_history") == []


async def test_breaker_writes_keep_state_and_retries(db: Database, settings: Settings) -> None:
    clock = FixedClock(datetime(2025, 6, 14, 20, 0, tzinfo=UTC))
    await on_failure(db, "mlb", settings, clock, TransientError("timed out"), 9.0, retries=2)
    clock.advance(300)
    await on_success(db, "mlb", clock, 40.0, retries=0)
    rows = await _rows(
        db,
        "SELECT at, circuit_state, consecutive_failures, last_error_kind, latency_ms, retries "
        "FROM source_health_history ORDER BY id",
    )
    # The first write inserts the row (defaults) and then updates it, at the same time.
    assert rows[-2:] == [
        ("2025-06-14T20:00:00.000Z", "closed", 1, "transient", 9.0, 2),
        ("2025-06-14T20:05:00.000Z", "closed", 0, "transient", 40.0, 0),
    ]


async def test_a_pulled_line_is_recorded(db: Database) -> None:
    quote = Quote("ev1", "fanduel", "h2h", "Boston Red Sox", -120, book_title="FanDuel")
    other = dataclasses.replace(quote, book="draftkings", book_title="DraftKings")
    async with db.write() as conn:
        await record_quotes(conn, [quote, other], "2025-06-14T20:00:00.000Z", 1)
    async with db.write() as conn:
        await record_quotes(conn, [other], "2025-06-14T20:05:00.000Z", 2)
    assert await _rows(db, "SELECT book, observed_at, run_id FROM odds_pulls") == [
        ("fanduel", "2025-06-14T20:05:00.000Z", 2)
    ]
