"""Fair prices are replaced per evaluated event; value bets keep first_seen_at."""

from __future__ import annotations

from app.domain.records import BestPrice, FairPrice, PriceEdge, ValueBet
from app.storage.analytics_store import (
    EventInfo,
    close_started,
    replace_fair_prices,
    replace_price_edges,
    retire_off_board,
    upsert_value_bets,
)
from app.storage.database import Database

INFO = {e: EventInfo("2025-06-14", None) for e in ("ev1", "ev2")}


def _bet(event: str, book: str, price: int = 145, edge: float = 0.031) -> ValueBet:
    return ValueBet(event, "h2h", "San Diego Padres", 0.0, book, price, 0.42, edge, 5.0)


async def _bets(db: Database) -> dict[tuple[str, str], tuple[object, ...]]:
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT event_id, book, price, active, first_seen_at, updated_at FROM value_bets"
        ) as cur,
    ):
        return {(r[0], r[1]): tuple(r[2:]) for r in await cur.fetchall()}


async def test_value_bets_keep_first_seen_and_only_evaluated_events_deactivate(
    db: Database,
) -> None:
    async with db.write() as conn:
        await upsert_value_bets(
            conn,
            ["ev1", "ev2"],
            [_bet("ev1", "betmgm"), _bet("ev1", "fanduel"), _bet("ev2", "betmgm")],
            INFO,
            "t1",
            1,
        )
    async with db.write() as conn:
        # Run 2 evaluates ev1 only: betmgm still value at a new price, fanduel no longer.
        changes = await upsert_value_bets(
            conn, ["ev1"], [_bet("ev1", "betmgm", price=150)], INFO, "t2", 2
        )
    assert (changes.active, changes.new, changes.deactivated) == (1, 0, 1)
    assert await _bets(db) == {
        ("ev1", "betmgm"): (150, 1, "t1", "t2"),
        ("ev1", "fanduel"): (145, 0, "t1", "t2"),
        ("ev2", "betmgm"): (145, 1, "t1", "t1"),  # not evaluated: untouched
    }
    async with db.write() as conn:
        back = await upsert_value_bets(conn, ["ev1"], [_bet("ev1", "fanduel")], INFO, "t3", 3)
    assert (back.active, back.new) == (1, 0)
    assert (await _bets(db))[("ev1", "fanduel")] == (145, 1, "t1", "t3")


async def test_fair_prices_of_an_evaluated_event_are_replaced_others_kept(db: Database) -> None:
    def fair(event: str, outcome: str, prob: float) -> FairPrice:
        return FairPrice(event, "h2h", outcome, 0.0, prob, -150, 3, "power")

    async with db.write() as conn:
        await replace_fair_prices(
            conn,
            ["ev1", "ev2"],
            [fair("ev1", "A", 0.6), fair("ev1", "B", 0.4), fair("ev2", "A", 0.5)],
            "t1",
            1,
        )
        await replace_fair_prices(conn, ["ev1"], [fair("ev1", "A", 0.55)], "t2", 2)
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT event_id, outcome, fair_prob, run_id FROM fair_prices ORDER BY 1, 2"
        ) as cur,
    ):
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [("ev1", "A", 0.55, 2), ("ev2", "A", 0.5, 1)]


async def test_bets_of_events_off_the_board_are_retired(db: Database) -> None:
    async with db.write() as conn:
        await upsert_value_bets(
            conn, ["ev1", "ev2"], [_bet("ev1", "betmgm"), _bet("ev2", "betmgm")], INFO, "t1", 1
        )
    # The feed now lists ev1 only: ev2's game is over and dropped out of /odds.
    async with db.write() as conn:
        retired = await retire_off_board(conn, ["ev1", "ev9"], "t2")
    assert retired == 1
    bets = await _bets(db)
    assert bets[("ev1", "betmgm")][1] == 1
    assert bets[("ev2", "betmgm")] == (145, 0, "t1", "t2")
    # An empty board (every game over) retires everything still active.
    async with db.write() as conn:
        assert await retire_off_board(conn, [], "t3") == 1
    assert all(row[1] == 0 for row in (await _bets(db)).values())


async def test_price_edges_store_every_judged_price_and_the_best_of_thin_lines(
    db: Database,
) -> None:
    padres = "San Diego Padres"
    edges = [
        PriceEdge("ev1", "h2h", padres, 0.0, "betmgm", 145, 0.42, 0.029, True),
        PriceEdge("ev1", "h2h", padres, 0.0, "fanduel", 130, 0.43, -0.011, False),
    ]
    best = [
        BestPrice("ev1", "h2h", padres, 0.0, 145, ("betmgm",)),
        # A total only one book offers: ranked, but no consensus to judge it against.
        BestPrice("ev1", "totals", "Over", 8.5, -105, ("draftkings",)),
    ]
    async with db.write() as conn:
        assert await replace_price_edges(conn, ["ev1", "ev2"], edges, best, "t1", 1) == 3
    async with db.write() as conn:
        await replace_price_edges(conn, ["ev2"], [], [], "t2", 2)  # another event: untouched

    async with (
        db.read() as conn,
        conn.execute(
            "SELECT book, market, price, fair_prob, edge, is_value, is_best, run_id "
            "FROM price_edges ORDER BY book"
        ) as cur,
    ):
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [
        ("betmgm", "h2h", 145, 0.42, 0.029, 1, 1, 1),
        ("draftkings", "totals", -105, None, None, 0, 1, 1),
        ("fanduel", "h2h", 130, 0.43, -0.011, 0, 0, 1),
    ]
    async with db.write() as conn:
        await replace_price_edges(conn, ["ev1"], edges[1:], [], "t3", 3)
    async with db.read() as conn, conn.execute("SELECT book FROM price_edges") as cur:
        assert [r[0] for r in await cur.fetchall()] == ["fanduel"]  # replaced, not merged


async def test_closing_started_games_counts_across_chunks_of_event_ids(db: Database) -> None:
    # More ids than one statement takes (500 a chunk): bets in the first, second and third chunk.
    ids = [f"ev{n:04d}" for n in range(1200)]
    betting = [ids[0], ids[700], ids[1199]]
    info = {e: EventInfo("2025-06-14", None) for e in betting}
    async with db.write() as conn:
        await upsert_value_bets(conn, betting, [_bet(e, "betmgm") for e in betting], info, "t1", 1)
    async with db.write() as conn:
        assert await close_started(conn, [*ids, ids[700]], "t2") == 3
        assert await close_started(conn, ids, "t3") == 0, "a closed bet is not closed again"
    assert {row[1] for row in (await _bets(db)).values()} == {0}
