"""Write side of the analytics: fair prices, judged prices and value bets of the events evaluated.

Only the evaluated events are touched: another event's rows (a game whose odds were
not fetched this run) stay as they were.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aiosqlite

from app.domain.records import BestPrice, FairPrice, PriceEdge, PriceMark, ValueBet, Verdict
from app.storage import judgement_history
from app.storage.read.rows import marks as placeholders
from app.storage.rows import id_chunks


@dataclass(frozen=True)
class EventInfo:
    """Where a value bet belongs on the slate."""

    official_date: str
    game_pk: int | None


@dataclass(frozen=True)
class ValueBetChanges:
    active: int  # value bets of the evaluated events that qualify now
    new: int  # of which first seen in this run
    deactivated: int  # previously active, no longer qualifying


async def _update_events(
    conn: aiosqlite.Connection,
    sql: str,
    event_ids: Sequence[str],
    before: tuple[object, ...] = (),
    after: tuple[object, ...] = (),
) -> int:
    """Run the UPDATE ``sql`` once per chunk of event ids; the number of rows it changed.

    ``{ids}`` in ``sql`` stands for one chunk's placeholders, between the parameters
    ``before`` and ``after``.
    """
    changed = 0
    for chunk in id_chunks(event_ids):
        cursor = await conn.execute(sql.format(ids=placeholders(chunk)), (*before, *chunk, *after))
        changed += cursor.rowcount
        await cursor.close()
    return changed


async def replace_fair_prices(
    conn: aiosqlite.Connection,
    event_ids: Sequence[str],
    prices: Sequence[FairPrice],
    computed_at: str,
    run_id: int | None,
) -> int:
    """The evaluated events' fair prices become exactly ``prices``. Inside ``db.write()``."""
    before = await judgement_history.standing(conn, judgement_history.FAIR, event_ids)
    for chunk in id_chunks(event_ids):
        await conn.execute(
            f"DELETE FROM fair_prices WHERE event_id IN ({placeholders(chunk)})",
            chunk,
        )
    rows = [
        (p.event_id, p.market, p.outcome, p.point, p.fair_prob, p.fair_american, p.books, p.method)
        for p in prices
    ]
    await conn.executemany(
        "INSERT OR REPLACE INTO fair_prices (event_id, market, outcome, point, fair_prob, "
        "fair_american, books, method, computed_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, computed_at, run_id) for row in rows],
    )
    await judgement_history.keep(conn, judgement_history.FAIR, before, rows, computed_at)
    return len(prices)


async def replace_price_edges(
    conn: aiosqlite.Connection,
    event_ids: Sequence[str],
    edges: Sequence[PriceEdge],
    best: Sequence[BestPrice],
    computed_at: str,
    run_id: int | None,
    marks: Sequence[PriceMark] = (),
) -> int:
    """The evaluated events' judged prices become exactly ``edges``, ``marks`` and ``best``.

    Inside ``db.write()``. A price not judged (``marks``: stale, in play, an outlier
    line, too few books) is stored with its verdict and note, ``fair_prob`` and
    ``edge`` NULL; so is a best price nothing else covers.
    """
    before = await judgement_history.standing(conn, judgement_history.EDGES, event_ids)
    for chunk in id_chunks(event_ids):
        await conn.execute(
            f"DELETE FROM price_edges WHERE event_id IN ({placeholders(chunk)})", chunk
        )
    best_keys = {
        (b.event_id, b.market, b.outcome, b.point, book): b.price for b in best for book in b.books
    }
    rows: dict[tuple[str, str, str, float, str], tuple[object, ...]] = {}
    for e in edges:
        key = (e.event_id, e.market, e.outcome, e.point, e.book)
        rows[key] = (
            *key,
            e.price,
            e.fair_prob,
            e.edge,
            int(e.is_value),
            int(key in best_keys),
            e.verdict.value,
            e.note,
        )
    for m in marks:
        key = (m.event_id, m.market, m.outcome, m.point, m.book)
        best_here = int(best_keys.get(key) == m.price)
        rows.setdefault(key, (*key, m.price, None, None, 0, best_here, m.verdict.value, m.note))
    for key, price in best_keys.items():
        rows.setdefault(key, (*key, price, None, None, 0, 1, Verdict.TOO_FEW_BOOKS.value, None))
    await conn.executemany(
        "INSERT INTO price_edges (event_id, market, outcome, point, book, price, fair_prob, "
        "edge, is_value, is_best, verdict, note, computed_at, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, computed_at, run_id) for row in rows.values()],
    )
    await judgement_history.keep(conn, judgement_history.EDGES, before, rows.values(), computed_at)
    return len(rows)


async def upsert_value_bets(
    conn: aiosqlite.Connection,
    event_ids: Sequence[str],
    bets: Sequence[ValueBet],
    events: Mapping[str, EventInfo],
    now: str,
    run_id: int,
) -> ValueBetChanges:
    """Refresh the evaluated events' value bets. Inside ``db.write()``.

    A bet seen before keeps its ``first_seen_at`` (the desk shows how long a price
    has been value); a previously active bet of an evaluated event that no longer
    qualifies is deactivated, not deleted, so its history stays visible.
    """
    keys = [(b.event_id, b.market, b.outcome, b.point, b.book) for b in bets]
    known: set[tuple[object, ...]] = set()
    for chunk in id_chunks(event_ids):
        async with conn.execute(
            "SELECT event_id, market, outcome, point, book FROM value_bets "
            f"WHERE event_id IN ({placeholders(chunk)})",
            chunk,
        ) as cursor:
            known.update(tuple(r) for r in await cursor.fetchall())
    rows = []
    for bet in bets:
        info = events.get(bet.event_id)
        if info is None:
            raise KeyError(f"value bet for event {bet.event_id!r} without its slate date")
        rows.append(
            (
                bet.event_id,
                bet.market,
                bet.outcome,
                bet.point,
                bet.book,
                info.official_date,
                info.game_pk,
                bet.price,
                bet.fair_prob,
                bet.edge,
                bet.stake,
                alternatives_json(bet),
                now,
                now,
                run_id,
            )
        )
    await conn.executemany(
        "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, game_pk, "
        "price, fair_prob, edge, stake, alternatives, active, first_seen_at, updated_at, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
        "ON CONFLICT(event_id, market, outcome, point, book) DO UPDATE SET "
        "official_date = excluded.official_date, game_pk = excluded.game_pk, "
        "price = excluded.price, fair_prob = excluded.fair_prob, edge = excluded.edge, "
        "stake = excluded.stake, alternatives = excluded.alternatives, active = 1, "
        "closed_reason = NULL, closed_at = NULL, updated_at = excluded.updated_at, "
        "run_id = excluded.run_id",
        rows,
    )
    deactivated = await _update_events(
        conn,
        "UPDATE value_bets SET active = 0, updated_at = ? "
        "WHERE event_id IN ({ids}) AND active = 1 AND run_id IS NOT ?",
        event_ids,
        (now,),
        (run_id,),
    )
    new = sum(1 for key in keys if key not in known)
    return ValueBetChanges(active=len(rows), new=new, deactivated=deactivated)


def alternatives_json(bet: ValueBet) -> str:
    """The ``value_bets.alternatives`` text: the other books with value, best first."""
    return json.dumps(
        [{"book": a.book, "price": a.price, "edge": round(a.edge, 6)} for a in bet.alternatives]
    )


STARTED = "started"  # value_bets.closed_reason of a bet whose game began


async def close_started(conn: aiosqlite.Connection, event_ids: Sequence[str], now: str) -> int:
    """Close the active bets of games that have started. Inside ``db.write()``.

    Called before the started events' prices are replaced by in-play marks: the
    bets' last pre-game ``fair_prices`` and ``price_edges`` rows are still in place.
    """
    return await _update_events(
        conn,
        "UPDATE value_bets SET active = 0, closed_reason = ?, closed_at = ?, updated_at = ? "
        "WHERE active = 1 AND event_id IN ({ids})",
        event_ids,
        (STARTED, now, now),
    )


async def retire_off_board(
    conn: aiosqlite.Connection, listed_event_ids: Sequence[str], now: str
) -> int:
    """Deactivate active bets whose event the odds feed no longer lists. Inside ``db.write()``.

    The Odds API drops games once they are over, so their bets are never evaluated
    again; without this they would stay "active" forever. Call it only with the
    events of a successful odds fetch: a failed fetch says nothing about the board.
    """
    listed = set(listed_event_ids)
    async with conn.execute("SELECT DISTINCT event_id FROM value_bets WHERE active = 1") as cur:
        gone = sorted(row[0] for row in await cur.fetchall() if row[0] not in listed)
    return await _update_events(
        conn,
        "UPDATE value_bets SET active = 0, updated_at = ? WHERE active = 1 AND event_id IN ({ids})",
        gone,
        (now,),
    )


async def event_info(conn: aiosqlite.Connection, event_ids: Sequence[str]) -> dict[str, EventInfo]:
    """The slate date and paired game of each stored event."""
    info: dict[str, EventInfo] = {}
    for chunk in id_chunks(event_ids):
        async with conn.execute(
            "SELECT event_id, official_date, game_pk FROM odds_events "
            f"WHERE event_id IN ({placeholders(chunk)})",
            chunk,
        ) as cursor:
            for row in await cursor.fetchall():
                info[row[0]] = EventInfo(row[1], row[2])
    return info
