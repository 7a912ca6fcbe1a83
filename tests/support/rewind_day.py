"""A replayed day for the rewind tests: the ``clv_day_2024-07-01`` recording, whole or in part.

Four runs, each finishing at its recorded moment (the replay's clock stands still
within a run): 17:07Z (two value bets), 19:00Z (a line move), 19:40Z (one game in
play), 02:30Z next day UTC (finals; still 2024-07-01 in New York).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from app.core.config import Settings
from app.pipeline.replay import replay_recording
from app.storage.database import Database

DAY = Path(__file__).resolve().parents[1] / "fixtures" / "recordings" / "clv_day_2024-07-01"
FINISHES = (
    datetime(2024, 7, 1, 17, 7, tzinfo=UTC),
    datetime(2024, 7, 1, 19, 0, tzinfo=UTC),
    datetime(2024, 7, 1, 19, 40, tzinfo=UTC),
    datetime(2024, 7, 2, 2, 30, tzinfo=UTC),
)
AFTER_THE_DAY = datetime(2024, 7, 2, 3, 0, tzinfo=UTC)


async def replay_day(settings: Settings, db: Database, tmp: Path, *, runs: int = 4) -> None:
    """Replay the first ``runs`` runs of the day into ``db`` (two answers per run)."""
    folder = tmp / f"day-{runs}-runs"
    folder.mkdir()
    for path in sorted(DAY.glob("*.json"))[: 2 * runs]:
        shutil.copy(path, folder / path.name)
    await replay_recording(settings, db, folder)


async def steady_timings(db: Database) -> None:
    """Latencies and stage durations are this machine's timing: fixed where pictures compare."""
    async with db.write() as conn:
        await conn.execute("UPDATE source_health SET latency_ms = 120")
        await conn.execute("UPDATE source_health_history SET latency_ms = 120")
        await conn.execute("UPDATE run_stages SET duration_ms = 10")
