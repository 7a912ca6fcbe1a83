"""The system mode row: auto / paused / halted, with who set it, when and why."""

from __future__ import annotations

import aiosqlite

from app.domain.status import Mode
from app.storage.read.models import ModeState
from app.storage.read.rows import fetch_one

__all__ = ["DEFAULT_MODE", "ModeState", "get_mode", "set_mode"]

DEFAULT_MODE = ModeState(Mode.AUTO, "default", None, "no override has been made")


async def get_mode(conn: aiosqlite.Connection) -> ModeState:
    row = await fetch_one(conn, "SELECT mode, set_by, set_at, reason FROM system_mode WHERE id = 1")
    if row is None:
        return DEFAULT_MODE
    return ModeState(Mode(row["mode"]), row["set_by"], row["set_at"], row["reason"])


async def set_mode(
    conn: aiosqlite.Connection, mode: Mode, *, set_by: str, set_at: str, reason: str
) -> None:
    """Call inside ``db.write()``."""
    await conn.execute(
        "INSERT INTO system_mode (id, mode, set_by, set_at, reason) VALUES (1, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET mode = excluded.mode, set_by = excluded.set_by, "
        "set_at = excluded.set_at, reason = excluded.reason",
        (mode.value, set_by, set_at, reason),
    )
