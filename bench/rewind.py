"""Rewind benchmark: the desk's first frame rewound to a moment vs live, on a season's database.

The database is ``bench/ingest.py``'s season (2,430 games with odds, 466,560 line moves,
value bets; its seeder is reused, not copied), with the runs spread over the season (one
finished run every ~53 minutes), a breaker/quota history of 30,000 rows, a daemon's history
of one kept beat a minute all season (migration 8 keeps no more for a steady daemon) and a
lockout a day, as a season of runs leaves. The moment is a mid-season day at 23:30Z (its
games started at 23:05Z).

* live: ``StoredDeskData`` on a clock standing at the moment (what the desk showed then);
* rewound: ``RewindDeskData`` at the moment, the clock a day later (what ``pressbox --at``
  shows now).

Each side is the real desk (``PressboxApp``, headless, 120x40) from ``run_test`` until the
first frame whose games table has rows; the sides are interleaved and the median of
``--runs`` is compared, in the same process. Aim: rewound / live <= 2.

    .venv/bin/python bench/rewind.py            # 9 runs each, about a minute
    .venv/bin/python bench/rewind.py --runs 3   # smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest  # the season seeder, from its own file

from app.core.clock import FixedClock, iso
from app.core.config import load_settings
from app.pipeline.health import desk_verdict, verdict_at
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.storage.read.rewind_data import RewindDeskData
from app.tui.app import PressboxApp
from app.tui.data import DeskData
from widgets.keyed_table import KeyedTable

DAY = ingest.OPENING_DAY + timedelta(days=90)
MOMENT = datetime(DAY.year, DAY.month, DAY.day, 23, 30, tzinfo=UTC)
HEALTH_ROWS = 30_000
AIM = 2.0


def season_with_history(path: Path) -> dict[str, int]:
    """``ingest.build_season``, then the runs spread over the season and a health history."""
    counts = ingest.build_season(path, random.Random(20250614), 4)
    start = datetime(ingest.OPENING_DAY.year, 3, 27, tzinfo=UTC)
    span = timedelta(days=ingest.SEASON_DAYS)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        ids = [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY id")]
        step = span / len(ids)
        conn.executemany(
            "UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?",
            [
                (iso(start + step * i), iso(start + step * i + timedelta(seconds=3)), run_id)
                for i, run_id in enumerate(ids)
            ],
        )
        conn.executemany(
            "INSERT INTO source_health (source, circuit_state, latency_ms, quota_remaining, "
            "updated_at) VALUES (?, 'closed', 100, 15000, ?)",
            [("mlb", iso(start)), ("odds", iso(start))],
        )
        hstep = span / HEALTH_ROWS
        conn.executemany(
            "INSERT INTO source_health_history (source, at, circuit_state, consecutive_failures, "
            "latency_ms, retries, quota_remaining, quota_used) "
            "VALUES (?, ?, 'closed', 0, ?, 0, ?, ?)",
            [
                ("odds" if i % 2 else "mlb", iso(start + hstep * i), 90 + i % 50, 20000 - i, i)
                for i in range(HEALTH_ROWS)
            ],
        )
        minutes = ingest.SEASON_DAYS * 24 * 60
        conn.executemany(
            "INSERT INTO daemon_history (at, host, pid, started_at, heartbeat_at, next_run_at, "
            "kept) VALUES (?, 'bench', 1, ?, ?, ?, 'beat')",
            [
                (iso(at), iso(start), iso(at), iso(at + timedelta(seconds=300)))
                for at in (start + timedelta(minutes=m) for m in range(minutes))
            ],
        )
        conn.executemany(
            "INSERT INTO auth_lock_history (scope, at, locked_until) VALUES ('global', ?, ?)",
            [
                (iso(start + timedelta(days=d)), iso(start + timedelta(days=d, minutes=15)))
                for d in range(ingest.SEASON_DAYS)
            ],
        )
        conn.execute("COMMIT")
        counts["source_health_history"] = HEALTH_ROWS
        counts["daemon_history"] = minutes
        counts["game_history"] = conn.execute("SELECT COUNT(*) FROM game_history").fetchone()[0]
    return counts


async def first_frame(app: PressboxApp) -> float:
    """Seconds from start until the first frame whose games table has rows."""
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        while not games.row_count:
            await pilot.pause(0.001)
        await pilot.pause()  # that frame drawn
        elapsed = time.perf_counter() - started
    return elapsed


def desk(path: Path, *, rewound: bool) -> PressboxApp:
    settings = load_settings(dotenv_path=None, db={"path": path}, dashboard={"read_only": True})
    db = Database(path)
    data: DeskData
    if rewound:
        clock = FixedClock(MOMENT + timedelta(days=1))
        data = RewindDeskData(db, verdict_at=verdict_at(db, settings, clock), moment=MOMENT)
    else:
        clock = FixedClock(MOMENT)
        data = StoredDeskData(db, verdict=desk_verdict(db, settings, clock))
    return PressboxApp(settings, data, clock=clock)


async def measure(path: Path, runs: int) -> tuple[list[float], list[float]]:
    live: list[float] = []
    rewound: list[float] = []
    await first_frame(desk(path, rewound=False))  # warm the page cache and the imports
    for _ in range(runs):
        live.append(await first_frame(desk(path, rewound=False)))
        rewound.append(await first_frame(desk(path, rewound=True)))
    return live, rewound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "season.db"
        counts = season_with_history(path)
        live, rewound = asyncio.run(measure(path, args.runs))
    live_s, rewound_s = statistics.median(live), statistics.median(rewound)
    print(f"season database: {counts}")
    print(f"moment: {iso(MOMENT)} ({args.runs} runs each, interleaved, medians)")
    print(f"  live desk first frame     : {live_s * 1e3:9.1f} ms")
    print(f"  rewound desk first frame  : {rewound_s * 1e3:9.1f} ms")
    print(f"  ratio rewound/live        : {rewound_s / live_s:9.2f}   (aim <= {AIM:g})")


if __name__ == "__main__":
    main()
