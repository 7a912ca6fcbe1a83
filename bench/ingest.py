"""Ingest benchmark: line-move ingestion through the storage layer, and the idle poll.

Two questions, answered as ratios measured in the same process on the same machine:

1. How fast does ``app.storage.odds.record_quotes`` (aiosqlite, compare against
   ``odds_latest``, insert moves, upsert current lines, in one ``BEGIN IMMEDIATE``)
   ingest line moves, against a plain ``sqlite3.executemany`` of the same rows into a
   same-shaped table (the floor: no comparison, no async hop)? Aim: ratio >= 0.5.
2. On a season-sized database (2,430 games with odds), how much cheaper is the
   desk's idle check (``PRAGMA data_version``) than a full dashboard snapshot?

Run: ``.venv/bin/python bench/ingest.py`` (``--quick`` for a smoke run). Results go
to bench/RESULTS.md under "## ingest" by hand: copy the printed table.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.core.clock import iso
from app.storage.database import Database
from app.storage.odds import record_quotes
from app.storage.read.dashboard import load_dashboard

BOOKS = (
    "draftkings",
    "fanduel",
    "betmgm",
    "caesars",
    "pointsbetus",
    "betrivers",
    "bovada",
    "mybookie",
)
SEASON_GAMES = 2430
SEASON_DAYS = 186
OPENING_DAY = date(2025, 3, 27)


@dataclass(frozen=True)
class Quote:
    event_id: str
    book: str
    book_title: str
    market: str
    outcome: str
    price: int
    point: float | None
    book_updated_at: datetime | None


def slate_quotes(events: int, rng: random.Random, when: datetime) -> list[Quote]:
    """One full fetch: every book x market x outcome of ``events`` events."""
    quotes = []
    for e in range(events):
        event_id = f"ev{e:05d}"
        for book in BOOKS:
            fav = rng.randrange(-220, -105)
            total = rng.choice((7.5, 8.0, 8.5, 9.0, 9.5))
            sides = (
                ("h2h", "Home", fav, None),
                ("h2h", "Away", -fav - rng.randrange(0, 25), None),
                ("spreads", "Home", rng.randrange(110, 170), -1.5),
                ("spreads", "Away", -rng.randrange(130, 200), 1.5),
                ("totals", "Over", -rng.randrange(100, 125), total),
                ("totals", "Under", -rng.randrange(100, 125), total),
            )
            quotes += [
                Quote(event_id, book, book.title(), market, outcome, price, point, when)
                for market, outcome, price, point in sides
            ]
    return quotes


def moved(quotes: list[Quote], rng: random.Random) -> list[Quote]:
    """Every price moves (the worst case for the move writer)."""
    return [
        Quote(
            q.event_id,
            q.book,
            q.book_title,
            q.market,
            q.outcome,
            q.price + rng.choice((-5, 5))
            if abs(q.price + 5) >= 100 and abs(q.price - 5) >= 100
            else q.price + 10,
            q.point,
            q.book_updated_at,
        )
        for q in quotes
    ]


PLAIN_TABLE = """
CREATE TABLE odds_moves (
    id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, book TEXT NOT NULL, market TEXT NOT NULL,
    outcome TEXT NOT NULL, price INTEGER NOT NULL, point REAL, book_updated_at TEXT,
    observed_at TEXT NOT NULL, run_id INTEGER
);
CREATE INDEX odds_moves_by_key ON odds_moves(event_id, market, book, outcome, id);
"""


def plain_ingest(path: Path, batches: list[list[Quote]]) -> float:
    """Seconds to executemany every batch into a same-shaped table, one transaction each."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(PLAIN_TABLE)
        started = time.perf_counter()
        for run_id, batch in enumerate(batches, 1):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO odds_moves (event_id, book, market, outcome, price, point, "
                "book_updated_at, observed_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        q.event_id,
                        q.book,
                        q.market,
                        q.outcome,
                        q.price,
                        q.point,
                        iso(q.book_updated_at) if q.book_updated_at else None,
                        f"t{run_id}",
                        run_id,
                    )
                    for q in batch
                ],
            )
            conn.execute("COMMIT")
        return time.perf_counter() - started


async def store_ingest(path: Path, batches: list[list[Quote]]) -> tuple[float, int]:
    """Seconds through the storage layer, and the number of moves it wrote."""
    async with Database(path) as db:
        written = 0
        started = time.perf_counter()
        for run_id, batch in enumerate(batches, 1):
            async with db.write() as conn:
                written += await record_quotes(conn, batch, f"t{run_id}", run_id)
        return time.perf_counter() - started, written


async def unchanged_ingest(path: Path, batch: list[Quote], repeats: int) -> float:
    """Seconds for fetches that move nothing (the common case between runs)."""
    async with Database(path) as db:
        async with db.write() as conn:
            await record_quotes(conn, batch, "t0", 0)
        started = time.perf_counter()
        for run_id in range(1, repeats + 1):
            async with db.write() as conn:
                assert await record_quotes(conn, batch, f"t{run_id}", run_id) == 0
        return time.perf_counter() - started


def build_season(path: Path, rng: random.Random, moves_per_line: int) -> dict[str, int]:
    """A season's worth of rows, written with plain sqlite3 (setup, not measured)."""
    asyncio.run(_migrate(path))
    counts: dict[str, int] = {}
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        games, events, latest, moves, bets = [], [], [], [], []
        for n in range(SEASON_GAMES):
            day = OPENING_DAY + timedelta(days=n * SEASON_DAYS // SEASON_GAMES)
            start = datetime(day.year, day.month, day.day, 23, 5, tzinfo=UTC)
            event_id = f"ev{n:05d}"
            games.append(
                (
                    700000 + n,
                    day.isoformat(),
                    iso(start),
                    100 + n % 30,
                    f"Away {n % 30}",
                    130 - n % 30,
                    f"Home {n % 30}",
                    "Final",
                    "F",
                    "Final",
                    9,
                    "Bottom",
                    rng.randrange(10),
                    rng.randrange(10),
                    "N",
                    1,
                    event_id,
                    iso(start),
                )
            )
            events.append(
                (
                    event_id,
                    iso(start),
                    f"Home {n % 30}",
                    f"Away {n % 30}",
                    day.isoformat(),
                    700000 + n,
                    iso(start),
                )
            )
            for q in slate_quotes(1, rng, start):
                latest.append(
                    (
                        event_id,
                        q.book,
                        q.market,
                        q.outcome,
                        q.price,
                        q.point,
                        q.book_title,
                        iso(start),
                    )
                )
                moves += [
                    (
                        event_id,
                        q.book,
                        q.market,
                        q.outcome,
                        q.price + 5 * k,
                        q.point,
                        iso(start),
                        iso(start - timedelta(minutes=10 * k)),
                        n,
                    )
                    for k in range(moves_per_line)
                ]
            bets.append(
                (
                    event_id,
                    "h2h",
                    "Home",
                    0.0,
                    "betmgm",
                    day.isoformat(),
                    700000 + n,
                    145,
                    0.42,
                    0.031,
                    5.0,
                    1,
                    iso(start),
                    iso(start),
                    n,
                )
            )
        conn.executemany(
            "INSERT INTO games (game_pk, official_date, start_time, away_team_id, away_team, "
            "home_team_id, home_team, abstract_state, status_code, status, inning, inning_half, "
            "away_score, home_score, double_header, game_number, odds_event_id, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            games,
        )
        conn.executemany("INSERT INTO odds_events VALUES (?,?,?,?,?,?,?)", events)
        conn.executemany("INSERT INTO odds_latest VALUES (?,?,?,?,?,?,?,?)", latest)
        conn.executemany(
            "INSERT INTO odds_moves (event_id, book, market, outcome, price, point, "
            "book_updated_at, observed_at, run_id) VALUES (?,?,?,?,?,?,?,?,?)",
            moves,
        )
        conn.executemany(
            "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, "
            "game_pk, price, fair_prob, edge, stake, active, first_seen_at, updated_at, run_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            bets,
        )
        runs = [
            (
                "schedule",
                OPENING_DAY.isoformat(),
                "ok",
                None,
                f"2025-04-01T00:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
                None,
                "host",
                1,
                i,
                3,
            )
            for i in range(5000)
        ]
        conn.executemany(
            "INSERT INTO runs (trigger, slate_date, outcome, reason, started_at, finished_at, "
            "owner_host, owner_pid, lease_token, credits_used) VALUES (?,?,?,?,?,?,?,?,?,?)",
            runs,
        )
        conn.execute("COMMIT")
        for table in ("games", "odds_latest", "odds_moves", "runs"):
            counts[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return counts


async def _migrate(path: Path) -> None:
    async with Database(path):
        pass


async def median_s(fn: Callable[[], Awaitable[object]], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def poll_costs(path: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of the idle check and of a full dashboard snapshot (a mid-season day)."""
    busiest = OPENING_DAY + timedelta(days=90)
    async with Database(path) as db:
        snap = await load_dashboard(db, slate_date=busiest, recent_events=20)
        assert snap.games, "the snapshot day must have games"
        check = await median_s(db.data_version, repeats * 10)
        full = await median_s(
            lambda: load_dashboard(db, slate_date=busiest, recent_events=20), repeats
        )
    return check, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    events, batches_n, repeats, moves_per_line = (20, 3, 5, 1) if args.quick else (300, 10, 30, 4)
    rng = random.Random(20250614)
    first = slate_quotes(events, rng, datetime(2025, 6, 14, 16, 0, tzinfo=UTC))
    batches = [first]
    for _ in range(batches_n - 1):
        batches.append(moved(batches[-1], rng))
    rows = sum(len(b) for b in batches)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain_s = plain_ingest(folder / "plain.db", batches)
        store_s, written = asyncio.run(store_ingest(folder / "store.db", batches))
        assert written == rows, (written, rows)
        same_s = asyncio.run(unchanged_ingest(folder / "same.db", first, batches_n))
        counts = build_season(folder / "season.db", rng, moves_per_line)
        check_s, snapshot_s = asyncio.run(poll_costs(folder / "season.db", repeats))

    plain_rate, store_rate = rows / plain_s, rows / store_s
    same_rate = len(first) * batches_n / same_s
    print(f"line moves: {batches_n} fetches x {len(first)} quotes = {rows} rows, every price moved")
    print(f"  plain sqlite3.executemany : {plain_rate:12,.0f} rows/s")
    print(f"  storage record_quotes     : {store_rate:12,.0f} rows/s")
    print(f"  ratio storage/plain       : {store_rate / plain_rate:12.2f}   (aim >= 0.5)")
    print(
        f"  unchanged fetch (0 moves) : {same_rate:12,.0f} quotes/s "
        f"({same_rate / plain_rate:.2f} x plain insert rate)"
    )
    print(f"season database: {counts}")
    print(f"  PRAGMA data_version       : {check_s * 1e6:12.1f} us (median)")
    print(f"  full dashboard snapshot   : {snapshot_s * 1e3:12.2f} ms (median)")
    print(f"  ratio snapshot/check      : {snapshot_s / check_s:12,.0f} x")


if __name__ == "__main__":
    main()
