"""What a database is for: created by a demo, or for production (the ``db_meta`` table).

The demo installs a public admin key and writes simulated games; neither may
ever land in a database that holds, or will hold, real data. The mark is set
once, by the first process that wires a runtime on the database, and never
changes.
"""

from __future__ import annotations

from enum import StrEnum

import aiosqlite

from app.storage.read.rows import fetch_one

CREATED_FOR = "created_for"

# A database holding a row in any of these is in use, whatever its mark says.
_IN_USE_TABLES = ("runs", "games", "odds_events", "audit_log", "admin_key", "control_requests")


class Purpose(StrEnum):
    DEMO = "demo"
    PRODUCTION = "production"


async def purpose(conn: aiosqlite.Connection) -> Purpose | None:
    """The mark, or None for a database no runtime has been wired on yet."""
    row = await fetch_one(conn, "SELECT value FROM db_meta WHERE key = ?", (CREATED_FOR,))
    if row is None:
        return None
    try:
        return Purpose(str(row["value"]))
    except ValueError:
        # An unknown mark is treated as production: the safe side for the demo guard.
        return Purpose.PRODUCTION


async def is_unused(conn: aiosqlite.Connection) -> bool:
    for table in _IN_USE_TABLES:
        if await fetch_one(conn, f"SELECT 1 FROM {table} LIMIT 1") is not None:
            return False
    return True


async def mark(conn: aiosqlite.Connection, value: Purpose) -> None:
    """Set the mark if none is set. Inside ``db.write()``."""
    await conn.execute(
        "INSERT INTO db_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
        (CREATED_FOR, value.value),
    )
