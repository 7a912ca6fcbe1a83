"""The ``source_health`` rows: circuit breaker state, last error, latency and quota per source.

Plain functions on a connection from ``db.read()`` / ``db.write()``. The
breaker's rules live in ``app.resilience.breaker``; this module only reads
and writes the row. Text written here is shown on every desk and by
``health``: callers pass one-line, already redacted messages.
"""

from __future__ import annotations

import aiosqlite

from app.domain.status import CircuitState
from app.storage.read.models import SourceHealthRow
from app.storage.read.rows import fetch_one
from app.storage.rows import from_row


def _row(r: aiosqlite.Row) -> SourceHealthRow:
    return from_row(SourceHealthRow, r)


async def get_source(conn: aiosqlite.Connection, source: str) -> SourceHealthRow | None:
    row = await fetch_one(conn, "SELECT * FROM source_health WHERE source = ?", (source,))
    return _row(row) if row is not None else None


async def all_sources(conn: aiosqlite.Connection) -> list[SourceHealthRow]:
    async with conn.execute("SELECT * FROM source_health ORDER BY source") as cur:
        rows = await cur.fetchall()
    return [_row(r) for r in rows]


async def ensure_source(conn: aiosqlite.Connection, source: str, at: str) -> None:
    await conn.execute(
        "INSERT INTO source_health (source, updated_at) VALUES (?, ?) "
        "ON CONFLICT(source) DO NOTHING",
        (source, at),
    )


async def _update(
    conn: aiosqlite.Connection, source: str, at: str, columns: str, values: tuple[object, ...]
) -> None:
    """Set ``columns`` (their ``?`` from ``values``) and ``updated_at`` on one source's row.

    The row is made first when the source has none yet.
    """
    await ensure_source(conn, source, at)
    await conn.execute(
        f"UPDATE source_health SET {columns}, updated_at = ? WHERE source = ?",
        (*values, at, source),
    )


async def set_circuit(
    conn: aiosqlite.Connection,
    source: str,
    *,
    state: str,
    consecutive_failures: int,
    opened_at: str | None,
    at: str,
) -> None:
    columns = "circuit_state = ?, consecutive_failures = ?, opened_at = ?"
    await _update(conn, source, at, columns, (state, consecutive_failures, opened_at))


async def record_success(
    conn: aiosqlite.Connection,
    source: str,
    *,
    at: str,
    latency_ms: float | None,
    retries: int | None = None,
) -> None:
    """A good answer: the circuit closes and the failure count starts again."""
    columns = (
        "circuit_state = ?, consecutive_failures = 0, opened_at = NULL, last_success_at = ?, "
        "latency_ms = COALESCE(?, latency_ms), last_retries = ?"
    )
    await _update(conn, source, at, columns, (CircuitState.CLOSED, at, latency_ms, retries))


async def record_failure(
    conn: aiosqlite.Connection,
    source: str,
    *,
    state: str,
    consecutive_failures: int,
    opened_at: str | None,
    error_kind: str,
    error: str,
    at: str,
    latency_ms: float | None,
    retries: int | None = None,
) -> None:
    columns = (
        "circuit_state = ?, consecutive_failures = ?, opened_at = ?, last_error_kind = ?, "
        "last_error = ?, last_error_at = ?, latency_ms = COALESCE(?, latency_ms), "
        "last_retries = ?"
    )
    values = (state, consecutive_failures, opened_at, error_kind, error, at, latency_ms, retries)
    await _update(conn, source, at, columns, values)


async def record_quota(
    conn: aiosqlite.Connection,
    source: str,
    *,
    remaining: int | None,
    used: int | None,
    last: int | None,
    at: str,
) -> None:
    """Quota headers; a value the answer did not carry keeps the one known before."""
    columns = (
        "quota_remaining = COALESCE(?, quota_remaining), quota_used = COALESCE(?, quota_used), "
        "quota_last = COALESCE(?, quota_last), quota_updated_at = ?"
    )
    await _update(conn, source, at, columns, (remaining, used, last, at))


async def clear_quota_remaining(conn: aiosqlite.Connection, source: str, *, at: str) -> None:
    """Forget the remaining credits (a quota hold cleared by an operator)."""
    await conn.execute(
        "UPDATE source_health SET quota_remaining = NULL, updated_at = ? WHERE source = ?",
        (at, source),
    )
