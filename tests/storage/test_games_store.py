"""Games and events: upsert, 'never overwritten with less', pairing."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.records import OddsEvent
from app.storage.database import Database
from app.storage.games import games_on, link_matches, upsert_games, upsert_odds_events
from tests.support.records import SLATE_DAY, live_game

DAY = SLATE_DAY


async def test_a_schedule_answer_without_scores_does_not_erase_them(db: Database) -> None:
    async with db.write() as conn:
        await upsert_games(conn, [live_game()], "2025-06-15T02:40:00.000Z")
    lesser = live_game(
        inning=None,
        inning_half=None,
        away_score=None,
        home_score=None,
        status="Delayed",
        status_code="I",
    )
    async with db.write() as conn:
        await upsert_games(conn, [lesser], "2025-06-15T02:45:00.000Z")
    async with db.read() as conn:
        (row,) = await games_on(conn, DAY)
    assert (row["away_score"], row["home_score"], row["inning"], row["inning_half"]) == (
        3,
        2,
        6,
        "Top",
    )
    assert row["status"] == "Delayed"  # what the answer does know is taken
    assert row["updated_at"] == "2025-06-15T02:45:00.000Z"


async def test_newer_scores_replace_older_ones(db: Database) -> None:
    async with db.write() as conn:
        await upsert_games(conn, [live_game()], "2025-06-15T02:40:00.000Z")
        await upsert_games(conn, [live_game(away_score=4, inning=7)], "2025-06-15T02:50:00.000Z")
    async with db.read() as conn:
        (row,) = await games_on(conn, DAY)
    assert (row["away_score"], row["inning"]) == (4, 7)


async def test_pairing_moves_an_event_to_its_new_game_and_keeps_unrepeated_pairs(
    db: Database,
) -> None:
    at = "2025-06-14T12:00:00.000Z"
    event = OddsEvent(
        event_id="ev1",
        commence_time=datetime(2025, 6, 15, 2, 10, tzinfo=UTC),
        home_team="Los Angeles Dodgers",
        away_team="San Diego Padres",
        quotes=(),
    )
    async with db.write() as conn:
        await upsert_games(conn, [live_game(1), live_game(2), live_game(3)], at)
        await upsert_odds_events(conn, [(event, DAY)], at)
        await link_matches(conn, [(1, "ev1"), (3, "ev3")], at)
        # ev1 belongs to game 2 after all; game 3's pair is not repeated and stays.
        await link_matches(conn, [(2, "ev1")], at)
    async with db.read() as conn:
        rows = {r["game_pk"]: r["odds_event_id"] for r in await games_on(conn, DAY)}
        async with conn.execute("SELECT game_pk FROM odds_events WHERE event_id = 'ev1'") as cur:
            linked = await cur.fetchone()
    assert rows == {1: None, 2: "ev1", 3: "ev3"}
    assert linked is not None and linked[0] == 2
