"""More rows for the find/sort/zoom tests: value bets with chosen edges, books and markets."""

from __future__ import annotations

from app.storage.database import Database
from tests.support.desk_seed import SLATE

STAMP = "2025-06-14T19:58:00.000Z"

# event, game, market, outcome, point, book, price, fair, edge, stake
BETS = [
    ("ev-nyy-bos", 777001, "totals", "Over", 9.5, "fanduel", -105, 0.52, 0.10, 9.0),
    ("ev-nyy-bos", 777001, "spreads", "Boston Red Sox", 1.5, "betmgm", -150, 0.63, 0.09, 7.5),
    ("ev-cws-tor", 777002, "h2h", "Chicago White Sox", 0.0, "fanduel", 180, 0.37, 0.021, 4.0),
]


async def add_value_bets(db: Database) -> None:
    """Three more bets beside the seed's DraftKings +4.9%: EV 10%, 9% and 2.1%."""
    async with db.write() as conn:
        for event, pk, market, outcome, point, book, price, fair, edge, stake in BETS:
            await conn.execute(
                "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, "
                "game_pk, price, fair_prob, edge, stake, first_seen_at, updated_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event,
                    market,
                    outcome,
                    point,
                    book,
                    SLATE,
                    pk,
                    price,
                    fair,
                    edge,
                    stake,
                    STAMP,
                    STAMP,
                ),
            )
