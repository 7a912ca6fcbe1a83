"""Rows to records: a dataclass filled from the row's columns of the same names.

The tables name their columns after the record fields (``schema.py`` is the contract),
so one mapping serves every record instead of a field-by-field copy per table. A
column that needs converting (an ISO date to ``date``) is passed in ``converted``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from app.storage.read.rows import fetch_rows, marks

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")

# Well under SQLite's host-parameter limit, whatever the build.
_CHUNK = 500


def from_row(record: type[R], row: aiosqlite.Row, **converted: Any) -> R:
    """``record`` built from ``row``: each field from its column, unless in ``converted``.

    A field without a column keeps its default (an event's quotes are another table).
    """
    columns = set(row.keys())
    values = {
        f.name: row[f.name]
        for f in fields(record)
        if f.init and f.name in columns and f.name not in converted
    }
    return record(**values, **converted)


async def rows_of_events(
    conn: aiosqlite.Connection, select: str, event_ids: Iterable[str]
) -> list[aiosqlite.Row]:
    """``select`` (``SELECT ... FROM table``) for the rows of these events, in chunks."""
    found: list[aiosqlite.Row] = []
    for chunk in id_chunks(event_ids):
        found.extend(await fetch_rows(conn, f"{select} WHERE event_id IN ({marks(chunk)})", chunk))
    return found


def id_chunks(ids: Iterable[str]) -> list[tuple[str, ...]]:
    """The distinct ``ids`` in order, in chunks small enough for one ``IN (...)`` each."""
    ordered = sorted(set(ids))
    return [tuple(ordered[i : i + _CHUNK]) for i in range(0, len(ordered), _CHUNK)]
