"""What the analytics judged, kept for rewind: a row per judgement from when to when it stood.

``fair_prices`` and ``price_edges`` hold the latest judgement only (each run replaces an
evaluated event's rows). Their ``*_history`` tables keep a row per key and value, open
(``valid_to`` NULL) while it stands: a run that judges a line the same leaves its row
alone, a run that changes or drops it closes the row at its ``computed_at`` and opens
the new one. Called by ``analytics_store`` around its replacement, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from app.storage.rows import rows_of_events

Row = tuple[object, ...]


@dataclass(frozen=True)
class Kept:
    """A current-judgement table and its history: key columns, value columns."""

    table: str
    history: str
    keys: tuple[str, ...]
    values: tuple[str, ...]


FAIR = Kept(
    "fair_prices",
    "fair_price_history",
    ("event_id", "market", "outcome", "point"),
    ("fair_prob", "fair_american", "books", "method"),
)
EDGES = Kept(
    "price_edges",
    "price_edge_history",
    ("event_id", "market", "outcome", "point", "book"),
    ("price", "fair_prob", "edge", "is_value", "is_best", "verdict", "note"),
)


async def standing(
    conn: aiosqlite.Connection, kept: Kept, event_ids: Sequence[str]
) -> dict[Row, Row]:
    """The current judgement of these events: key -> values."""
    columns = ", ".join((*kept.keys, *kept.values))
    rows = await rows_of_events(conn, f"SELECT {columns} FROM {kept.table}", event_ids)
    n = len(kept.keys)
    return {tuple(r[:n]): tuple(r[n:]) for r in rows}


async def keep(
    conn: aiosqlite.Connection,
    kept: Kept,
    before: dict[Row, Row],
    after: Iterable[Row],
    at: str,
) -> None:
    """Close the history rows of what changed or went, open rows for what changed or came."""
    n = len(kept.keys)
    now = {tuple(row[:n]): tuple(row[n:]) for row in after}
    closed = [key for key, values in before.items() if now.get(key) != values]
    opened = [(*key, *values) for key, values in now.items() if before.get(key) != values]
    match = " AND ".join(f"{c} = ?" for c in kept.keys)
    if closed:
        await conn.executemany(
            f"UPDATE {kept.history} SET valid_to = ? WHERE {match} AND valid_to IS NULL",
            [(at, *key) for key in closed],
        )
    if opened:
        columns = ", ".join((*kept.keys, *kept.values))
        marks = ", ".join("?" * (n + len(kept.values) + 1))
        await conn.executemany(
            f"INSERT INTO {kept.history} ({columns}, valid_from) VALUES ({marks})",
            [(*row, at) for row in opened],
        )


async def judged_at(
    conn: aiosqlite.Connection, kept: Kept, event_id: str, at: str, order: str = "id"
) -> list[aiosqlite.Row]:
    """The judgement of one event as it stood at ``at``."""
    async with conn.execute(
        f"SELECT * FROM {kept.history} WHERE event_id = ? AND valid_from <= ? "
        f"AND (valid_to IS NULL OR valid_to > ?) ORDER BY {order}",
        (event_id, at, at),
    ) as cursor:
        return list(await cursor.fetchall())
