"""The records that cross layers: frozen, positional in a stable order, shared bases."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.domain.records import (
    BookPrice,
    LineOutcome,
    OddsEvent,
    PriceEdge,
    Quote,
    RunResult,
    StageResult,
    ValueBet,
)
from app.domain.status import RunOutcome, StageStatus
from app.storage.database import Database
from app.storage.games import stored_events, stored_games, upsert_games, upsert_odds_events
from tests.support.records import live_game


def test_priced_records_start_with_the_line_outcome_they_are_about() -> None:
    edge = PriceEdge("ev1", "totals", "Over", 8.5, "fanduel", 105, 0.51, 0.0455, True)
    bet = ValueBet("ev1", "totals", "Over", 8.5, "fanduel", 105, 0.51, 0.0455, 4.1)
    for record in (edge, bet):
        assert isinstance(record, LineOutcome) and isinstance(record, BookPrice)
        assert (record.event_id, record.market, record.outcome, record.point) == (
            "ev1",
            "totals",
            "Over",
            8.5,
        )
        assert (record.book, record.price, record.edge) == ("fanduel", 105, 0.0455)
    assert edge.is_value and bet.stake == 4.1
    assert edge != bet  # same line, different records


def test_records_are_frozen() -> None:
    quote = Quote("ev1", "draftkings", "h2h", "Boston Red Sox", -120)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quote.price = -125  # type: ignore[misc]
    assert quote.point is None and quote.book_title == "" and quote.book_updated_at is None
    assert hash(quote) == hash(Quote("ev1", "draftkings", "h2h", "Boston Red Sox", -120))


def test_run_summary_names_the_outcome_and_the_reason() -> None:
    stage = StageResult("odds", StageStatus.FAILED, 12.0, "auth", "key refused", None)
    result = RunResult(7, RunOutcome.DEGRADED, "odds: key refused", 0, (stage,), games=15)
    assert result.summary() == (
        "run 7 degraded: 15 games, 0 moves, 0 value bets (odds: key refused)"
    )
    assert RunResult(None, RunOutcome.SKIPPED, None, 0, ()).summary().startswith("run - skipped")


async def test_a_game_and_an_event_read_back_as_they_were_written(db: Database) -> None:
    game = live_game()
    event = OddsEvent("ev1", game.start_time, game.home_team, game.away_team)
    async with db.write() as conn:
        await upsert_games(conn, [game], "2025-06-14T23:10:00.000Z")
        await upsert_odds_events(conn, [(event, game.official_date)], "2025-06-14T23:10:00.000Z")
    async with db.read() as conn:
        assert await stored_games(conn, game.official_date) == [game]
        assert await stored_events(conn, game.official_date) == [event]
        assert await stored_games(conn, date(2025, 6, 15)) == []
