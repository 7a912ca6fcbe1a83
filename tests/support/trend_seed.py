"""A day of runs for the trends screen and a configured installation for the checklist.

Plain SQL into the real schema, like ``desk_seed``: a run every 20 minutes for 8 hours,
each spending 2 credits (the 500-credit plan of the forecast's worked example).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.clock import iso
from app.security.admin_key import ScryptParams, make_verifier, store_verifier
from app.storage.database import Database
from tests.support.desk_seed import NOW

RUNS = 24
EVERY = timedelta(minutes=20)
CREDITS = 2
REMAINING = 500
FAILED_ODDS = frozenset({5, 17})  # runs whose odds stage failed (their run degraded)
FAST = ScryptParams(n=2**10)


def run_start(index: int, now: datetime = NOW) -> datetime:
    """Run ``index`` (0 = oldest) started this long before ``now``: the first 8 h ago."""
    return now - (RUNS - index) * EVERY


def run_seconds(index: int) -> float:
    return 2.0 + index % 3  # 2, 3, 4 s


def mlb_ms(index: int) -> float:
    return 100.0 + index


def odds_ms(index: int) -> float:
    return 300.0 + 10 * index


async def seed_day(db: Database, *, now: datetime = NOW, opened_at: datetime | None = None) -> None:
    async with db.write() as conn:
        for index in range(RUNS):
            run_id = 100 + index
            started = run_start(index, now)
            finished = started + timedelta(seconds=run_seconds(index))
            failed = index in FAILED_ODDS
            await conn.execute(
                "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, finished_at, "
                "owner_host, owner_pid, credits_used) "
                "VALUES (?, 'schedule', ?, ?, ?, ?, 'h', 1, ?)",
                (
                    run_id,
                    started.date().isoformat(),
                    "degraded" if failed else "ok",
                    iso(started),
                    iso(finished),
                    0 if failed else CREDITS,
                ),
            )
            stages = (
                ("schedule", "ok", mlb_ms(index), None),
                (
                    "odds",
                    "failed" if failed else "ok",
                    odds_ms(index),
                    "transient" if failed else None,
                ),
            )
            for position, (name, status, ms, kind) in enumerate(stages, start=1):
                await conn.execute(
                    "INSERT INTO run_stages (run_id, position, name, status, started_at, "
                    "finished_at, duration_ms, error_kind, error_summary) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        position,
                        name,
                        status,
                        iso(started),
                        iso(finished),
                        ms,
                        kind,
                        "The Odds API timed out after 10 s" if kind else None,
                    ),
                )
        stamp = iso(now - timedelta(minutes=1))
        await conn.execute(
            "INSERT INTO source_health (source, circuit_state, consecutive_failures, latency_ms, "
            "last_success_at, updated_at) VALUES ('mlb', 'closed', 0, 123, ?, ?)",
            (stamp, stamp),
        )
        await conn.execute(
            "INSERT INTO source_health (source, circuit_state, consecutive_failures, opened_at, "
            "latency_ms, quota_remaining, quota_used, quota_updated_at, updated_at) "
            "VALUES ('odds', 'closed', 0, ?, 400, ?, 19500, ?, ?)",
            (iso(opened_at) if opened_at else None, REMAINING, stamp, stamp),
        )


async def configure(db: Database, *, now: datetime = NOW) -> None:
    """An admin key and a daemon heard from a moment ago (runs come from ``seed_day``)."""
    verifier = await make_verifier(
        "correct-horse-battery-staple",  # pragma: allowlist secret
        set_at=iso(now - timedelta(days=2)),
        set_by="ops",
        params=FAST,
    )
    async with db.write() as conn:
        await store_verifier(conn, verifier)
        await conn.execute(
            "INSERT INTO daemon_state (id, host, pid, started_at, heartbeat_at) "
            "VALUES (1, 'box', 4242, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "heartbeat_at = excluded.heartbeat_at, stopped_at = NULL",
            (iso(now - timedelta(hours=9)), iso(now - timedelta(seconds=5))),
        )
