"""A day of runs for the trends screen and a configured installation for the checklist.

Plain SQL into the real schema, like ``desk_seed``: a run every 20 minutes for 8 hours,
each spending 2 credits (the 500-credit plan of the forecast's worked example).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from app.core.clock import iso
from app.domain.status import CircuitState, Source
from app.security.admin_key import ScryptParams, make_verifier, store_verifier
from app.storage import source_health
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


def mlb_retries(index: int) -> int:
    return 1 if index % 4 == 3 else 0


def quota_after(index: int) -> int:
    """Credits left after run ``index``: 500 after the last, plus what the later runs spent."""
    later = [i for i in range(index + 1, RUNS) if i not in FAILED_ODDS]
    return REMAINING + CREDITS * len(later)


async def seed_day(db: Database, *, now: datetime = NOW) -> None:
    """The runs and their stages in SQL; the sources through the real writes (history rows)."""
    async with db.write() as conn:
        for index in range(RUNS):
            await _run(conn, index, now)
            at = iso(run_start(index, now) + timedelta(seconds=1))
            await source_health.record_success(
                conn, Source.MLB, at=at, latency_ms=mlb_ms(index), retries=mlb_retries(index)
            )
            if index in FAILED_ODDS:
                # Two retries, then the breaker opens; the next run's success closes it.
                await source_health.record_failure(
                    conn,
                    Source.ODDS,
                    state=CircuitState.OPEN,
                    consecutive_failures=3,
                    opened_at=at,
                    error_kind="transient",
                    error="The Odds API timed out after 10 s",
                    at=at,
                    latency_ms=odds_ms(index),
                    retries=2,
                )
                continue
            await source_health.record_success(
                conn, Source.ODDS, at=at, latency_ms=odds_ms(index), retries=0
            )
            await source_health.record_quota(
                conn, Source.ODDS, remaining=quota_after(index), used=19_000, last=CREDITS, at=at
            )


async def _run(conn: aiosqlite.Connection, index: int, now: datetime) -> None:
    run_id = 100 + index
    started = run_start(index, now)
    finished = started + timedelta(seconds=run_seconds(index))
    failed = index in FAILED_ODDS
    await conn.execute(
        "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, finished_at, "
        "owner_host, owner_pid, credits_used) VALUES (?, 'schedule', ?, ?, ?, ?, 'h', 1, ?)",
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
        ("odds", "failed" if failed else "ok", odds_ms(index), "transient" if failed else None),
    )
    for position, (name, status, ms, kind) in enumerate(stages, start=1):
        await conn.execute(
            "INSERT INTO run_stages (run_id, position, name, status, started_at, finished_at, "
            "duration_ms, error_kind, error_summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
