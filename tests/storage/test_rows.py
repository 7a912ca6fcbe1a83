"""from_row: a record from the columns named like its fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.storage.database import Database
from app.storage.rows import from_row


@dataclass(frozen=True)
class Sample:
    name: str
    count: int
    day: date
    note: str | None = "none given"


async def _row(db: Database, sql: str):  # type: ignore[no-untyped-def]
    async with db.read() as conn, conn.execute(sql) as cur:
        return await cur.fetchone()


async def test_fields_come_from_their_columns_and_conversions_win(db: Database) -> None:
    row = await _row(db, "SELECT 'a' AS name, 3 AS count, '2025-06-14' AS day, 'x' AS note")
    assert from_row(Sample, row, day=date.fromisoformat(row["day"])) == Sample(
        "a", 3, date(2025, 6, 14), "x"
    )


async def test_a_field_without_a_column_keeps_its_default(db: Database) -> None:
    row = await _row(db, "SELECT 'a' AS name, 3 AS count")
    assert from_row(Sample, row, day=date(2025, 6, 14)).note == "none given"


async def test_a_required_field_without_a_column_is_refused(db: Database) -> None:
    row = await _row(db, "SELECT 'a' AS name")
    with pytest.raises(TypeError):
        from_row(Sample, row, day=date(2025, 6, 14))
