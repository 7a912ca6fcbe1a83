"""The one helper every loader shares: all rows of a query on a read connection."""

from __future__ import annotations

import aiosqlite

# Above every stored ``iso`` time: the bound of "written by then" when a read is not rewound.
LATER_THAN_ANY = "9999"


async def fetch_rows(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()
) -> list[aiosqlite.Row]:
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


def marks(values: tuple[object, ...]) -> str:
    """``?, ?, ?`` for an ``IN (...)`` over ``values``."""
    return ",".join("?" * len(values))
