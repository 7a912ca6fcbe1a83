"""Line moves: ``odds_latest`` holds the current price per line, ``odds_moves`` its history.

A row goes into ``odds_moves`` only when a quote's price or point differs from the
current one (or the line is new), so a run that sees no change writes no history.
The current rows of every event in the batch are loaded with one query per chunk
and compared in Python; the writes are two ``executemany`` calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from app.core.clock import iso
from app.domain.records import Quote
from app.storage.rows import rows_of_events

LineKey = tuple[str, str, str, str]  # event_id, book, market, outcome


async def latest_lines(
    conn: aiosqlite.Connection, event_ids: Sequence[str]
) -> dict[LineKey, tuple[int, float | None]]:
    """The current (price, point) of every line of the given events."""
    rows = await rows_of_events(
        conn, "SELECT event_id, book, market, outcome, price, point FROM odds_latest", event_ids
    )
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in rows}


async def record_quotes(
    conn: aiosqlite.Connection,
    quotes: Sequence[Quote],
    observed_at: str,
    run_id: int | None,
) -> int:
    """Store a full fetch of the given events' quotes; returns the number of moves written.

    Call inside ``db.write()``. Lines of these events that are no longer quoted (a book
    pulled its line) leave ``odds_latest`` so that the desk does not show a price nobody
    offers; events absent from the batch (games over) keep their last lines.
    """
    event_ids = [q.event_id for q in quotes]
    current = await latest_lines(conn, event_ids)
    moves: list[tuple[object, ...]] = []
    latest: list[tuple[object, ...]] = []
    seen: set[LineKey] = set()
    for q in quotes:
        key = (q.event_id, q.book, q.market, q.outcome)
        if key in seen:
            continue  # a duplicate within one fetch is not a move
        seen.add(key)
        if current.get(key) == (q.price, q.point):
            continue
        updated = iso(q.book_updated_at) if q.book_updated_at is not None else None
        moves.append((*key, q.price, q.point, updated, observed_at, run_id))
        latest.append((*key, q.price, q.point, q.book_title, observed_at))
    if moves:
        await conn.executemany(
            "INSERT INTO odds_moves (event_id, book, market, outcome, price, point, "
            "book_updated_at, observed_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            moves,
        )
        await conn.executemany(
            "INSERT INTO odds_latest (event_id, book, market, outcome, price, point, "
            "book_title, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(event_id, book, market, outcome) DO UPDATE SET "
            "price = excluded.price, point = excluded.point, "
            "book_title = excluded.book_title, observed_at = excluded.observed_at",
            latest,
        )
    gone = [key for key in current if key not in seen]
    if gone:
        await conn.executemany(
            "DELETE FROM odds_latest WHERE event_id = ? AND book = ? AND market = ? "
            "AND outcome = ?",
            gone,
        )
        # The pull is history too: a rewound desk must not show a line nobody offered.
        await conn.executemany(
            "INSERT INTO odds_pulls (event_id, book, market, outcome, observed_at, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(*key, observed_at, run_id) for key in gone],
        )
    return len(moves)
