"""The helpers every query shares: its rows, its first row, or the number it counts."""

from __future__ import annotations

import aiosqlite

# Above every stored ``iso`` time: the bound of "written by then" when a read is not rewound.
LATER_THAN_ANY = "9999"


async def fetch_rows(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()
) -> list[aiosqlite.Row]:
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()
) -> aiosqlite.Row | None:
    """The first row of the query, or None when it has none."""
    async with conn.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def fetch_int(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()) -> int:
    """The first column of the first row (a ``COUNT``, a ``SUM``) as an int; 0 with no row."""
    row = await fetch_one(conn, sql, params)
    return int(row[0]) if row is not None else 0


def marks(values: tuple[object, ...]) -> str:
    """``?, ?, ?`` for an ``IN (...)`` over ``values``."""
    return ",".join("?" * len(values))
