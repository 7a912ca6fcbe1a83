"""A replayed day for the rewind tests: the ``clv_day_2024-07-01`` recording, whole or in part.

Four runs, each finishing at its recorded moment (the replay's clock stands still
within a run): 17:07Z (two value bets), 19:00Z (a line move), 19:40Z (one game in
play), 02:30Z next day UTC (finals; still 2024-07-01 in New York).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.control import audit, lockout
from app.core.clock import iso
from app.core.config import Settings
from app.domain.status import Mode
from app.pipeline.replay import replay_recording
from app.security.identity import Actor
from app.storage import daemon_state
from app.storage.database import Database
from app.storage.mode import set_mode

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


# -- what a day also holds beside its runs: a daemon, overrides, a lockout ----------------

DAEMON_HOST, DAEMON_PID = "desk-host", 4242
OPERATOR = Actor(
    login_user="ops",
    sudo_user=None,
    ssh_client=None,
    tty="pts/1",
    pid=77,
    host="h",
    app_version="test",
)
INTRUDER = Actor(
    login_user="mallory",
    sudo_user=None,
    ssh_client="10.0.0.9",
    tty=None,
    pid=66,
    host="h",
    app_version="test",
)


async def beat(db: Database, at: datetime, *, next_run_at: datetime | None) -> None:
    """The daemon's heartbeat, as the scheduler writes it (started at 17:00Z)."""
    async with db.write() as conn:
        await daemon_state.beat(
            conn,
            host=DAEMON_HOST,
            pid=DAEMON_PID,
            started_at=iso(datetime(2024, 7, 1, 17, 0, tzinfo=UTC)),
            now=iso(at),
            next_run_at=iso(next_run_at) if next_run_at is not None else None,
        )


async def stop_daemon(db: Database, at: datetime) -> None:
    async with db.write() as conn:
        await daemon_state.mark_stopped(conn, host=DAEMON_HOST, pid=DAEMON_PID, now=iso(at))


async def override(db: Database, mode: Mode, at: datetime, reason: str) -> None:
    """A mode change as break-glass makes it: the mode row and its audit entry."""
    async with db.write() as conn:
        await set_mode(conn, mode, set_by=OPERATOR.describe(), set_at=iso(at), reason=reason)
        await audit.append(
            conn,
            at=iso(at),
            action="override",
            outcome="done",
            actor=OPERATOR,
            target=mode.value,
            reason=reason,
        )


async def lock_out(db: Database, settings: Settings, at: datetime) -> None:
    """Wrong admin keys from one origin until it is locked out (the last one at ``at``)."""
    tries = settings.security.max_attempts
    for n in range(tries):
        now = at - timedelta(seconds=tries - 1 - n)
        async with db.write() as conn:
            reserved = await lockout.reserve(
                conn, action="override", actor=INTRUDER, now=now, settings=settings.security
            )
            assert reserved.attempt_id is not None, "locked before the limit"
            await lockout.settle_wrong(
                conn, reserved.attempt_id, actor=INTRUDER, now=now, settings=settings.security
            )


async def unlock(db: Database, at: datetime) -> None:
    async with db.write() as conn:
        await lockout.unlock_all(conn, at)
