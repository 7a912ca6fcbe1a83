"""Line moves: a row only when a price or a point changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.records import Quote
from app.storage.database import Database
from app.storage.odds import record_quotes


def _q(
    outcome: str,
    price: int,
    point: float | None = None,
    *,
    event: str = "ev1",
    market: str = "h2h",
    book: str = "draftkings",
) -> Quote:
    return Quote(
        event_id=event,
        book=book,
        book_title=book.title(),
        market=market,
        outcome=outcome,
        price=price,
        point=point,
        book_updated_at=datetime(2025, 6, 14, 16, 0, tzinfo=UTC),
    )


async def _record(db: Database, quotes: list[Quote], at: str, run_id: int) -> int:
    async with db.write() as conn:
        return await record_quotes(conn, quotes, at, run_id)


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as conn, conn.execute(sql) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_first_sight_is_a_move_and_an_unchanged_fetch_writes_nothing(db: Database) -> None:
    quotes = [_q("Home", -150), _q("Away", 130), _q("Over", -110, 9.5, market="totals")]
    assert await _record(db, quotes, "2025-06-14T16:00:00.000Z", 1) == 3
    assert await _record(db, quotes, "2025-06-14T16:05:00.000Z", 2) == 0
    assert await _rows(db, "SELECT COUNT(*) FROM odds_moves") == [(3,)]
    # The current rows keep the time their price was first seen.
    assert await _rows(db, "SELECT DISTINCT observed_at FROM odds_latest") == [
        ("2025-06-14T16:00:00.000Z",)
    ]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (_q("Over", -115, 9.5, market="totals"), (-115, 9.5)),  # price moved
        (_q("Over", -110, 9.0, market="totals"), (-110, 9.0)),  # point moved, same price
    ],
)
async def test_a_price_or_point_change_is_exactly_one_move(
    db: Database, changed: Quote, expected: tuple[int, float]
) -> None:
    await _record(db, [_q("Home", -150), _q("Over", -110, 9.5, market="totals")], "t1", 1)
    assert await _record(db, [_q("Home", -150), changed], "t2", 2) == 1
    assert await _rows(
        db, "SELECT price, point, observed_at, run_id FROM odds_moves WHERE run_id = 2"
    ) == [(*expected, "t2", 2)]
    assert await _rows(db, "SELECT price, point FROM odds_latest WHERE market = 'totals'") == [
        expected
    ]


async def test_a_pulled_line_leaves_latest_but_other_events_keep_theirs(db: Database) -> None:
    await _record(db, [_q("Home", -150), _q("Away", 130), _q("Home", -120, event="ev2")], "t1", 1)
    # ev1 fetched again without its Away quote; ev2 (game over) is not in the fetch at all.
    assert await _record(db, [_q("Home", -150)], "t2", 2) == 0
    assert await _rows(db, "SELECT event_id, outcome FROM odds_latest ORDER BY 1, 2") == [
        ("ev1", "Home"),
        ("ev2", "Home"),
    ]
    assert await _rows(db, "SELECT COUNT(*) FROM odds_moves") == [(3,)]  # history untouched


async def test_a_large_batch_spanning_chunks_is_compared_correctly(db: Database) -> None:
    quotes = [_q("Home", -150, event=f"ev{i:04d}") for i in range(1200)]
    assert await _record(db, quotes, "t1", 1) == 1200
    moved = [*quotes[:-1], _q("Home", -140, event="ev1199")]
    assert await _record(db, moved, "t2", 2) == 1
