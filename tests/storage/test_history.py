"""History for rewind: each current-state write leaves its row, in the same transaction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import TransientError
from app.domain.records import FairPrice, Quote
from app.resilience.breaker import on_failure, on_success
from app.storage.analytics_store import replace_fair_prices
from app.storage.database import Database
from app.storage.games import upsert_games
from app.storage.judgement_history import FAIR, judged_at
from app.storage.odds import record_quotes
from tests.support.records import live_game as _game


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as conn, conn.execute(sql) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_a_game_keeps_a_row_per_change_and_none_for_a_repeat(db: Database) -> None:
    for at, game in [
        ("2025-06-15T03:00:00.000Z", _game()),
        ("2025-06-15T03:05:00.000Z", _game()),  # the same answer again: no row
        ("2025-06-15T03:20:00.000Z", _game(inning=7)),
        ("2025-06-15T03:40:00.000Z", _game(inning=7, away_score=4)),
        ("2025-06-15T03:45:00.000Z", _game(inning=7, away_score=None)),  # score kept: no row
    ]:
        async with db.write() as conn:
            await upsert_games(conn, [game], at)
    rows = await _rows(db, "SELECT at, inning, away_score FROM game_history ORDER BY id")
    assert rows == [
        ("2025-06-15T03:00:00.000Z", 6, 3),
        ("2025-06-15T03:20:00.000Z", 7, 3),
        ("2025-06-15T03:40:00.000Z", 7, 4),
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


async def test_a_judgement_is_a_row_while_it_stands_and_closed_when_it_changes(
    db: Database,
) -> None:
    def fair(outcome: str, prob: float) -> FairPrice:
        return FairPrice("ev1", "h2h", outcome, 0.0, prob, -110, 4, "proportional")

    for at, prices in [
        ("2025-06-14T17:00:00.000Z", [fair("Home", 0.52), fair("Away", 0.48)]),
        ("2025-06-14T17:05:00.000Z", [fair("Home", 0.52), fair("Away", 0.48)]),  # the same
        ("2025-06-14T17:10:00.000Z", [fair("Home", 0.55)]),  # moved, and Away not priced
    ]:
        async with db.write() as conn:
            await replace_fair_prices(conn, ["ev1"], prices, at, None)
    rows = await _rows(
        db,
        "SELECT outcome, fair_prob, valid_from, valid_to FROM fair_price_history ORDER BY id",
    )
    assert rows == [
        ("Home", 0.52, "2025-06-14T17:00:00.000Z", "2025-06-14T17:10:00.000Z"),
        ("Away", 0.48, "2025-06-14T17:00:00.000Z", "2025-06-14T17:10:00.000Z"),
        ("Home", 0.55, "2025-06-14T17:10:00.000Z", None),
    ]
    async with db.read() as conn:
        then = await judged_at(conn, FAIR, "ev1", "2025-06-14T17:07:00.000Z")
        now = await judged_at(conn, FAIR, "ev1", "2025-06-14T17:10:00.000Z")
    assert [(r["outcome"], r["fair_prob"]) for r in then] == [("Home", 0.52), ("Away", 0.48)]
    assert [(r["outcome"], r["fair_prob"]) for r in now] == [("Home", 0.55)]
