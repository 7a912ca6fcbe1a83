"""The trends screen's numbers: run durations, per-source latency, breaker, quota burn.

All series cover the runs started since ``since`` (oldest first). A source's latency
is its pipeline stage's duration (``schedule`` calls MLB, ``odds`` calls The Odds
API), measured around the guarded call, retries included. The credits left after
each run are rebuilt from the last ``x-requests-remaining`` the odds source stored
and the credits every later run spent (``runs.credits_used``); the forecast is
``app.domain.quota_forecast`` over the same runs.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from app.core.clock import iso, parse_iso
from app.domain.quota_forecast import forecast_quota
from app.domain.status import SOURCES, Source
from app.storage.database import Database
from app.storage.read.models import Run, SourceHealthRow
from app.storage.read.rows import fetch_rows
from app.storage.read.runs import _with_stages
from app.storage.read.trends_models import Series, SourceTrend, TrendsReport
from app.storage.source_health import all_sources

# The stage that calls each source, whose duration is that source's latency.
SOURCE_STAGE = {Source.MLB: "schedule", Source.ODDS: "odds"}
MIN_WINDOW_H = 1.0  # a rate over a few minutes of a fresh install would say nothing
RUNS_READ = 2000  # a day at the shortest interval the scheduler allows, with room


async def load_trends(
    db: Database, *, since: datetime, now: datetime, reserve_credits: int
) -> TrendsReport:
    async with db.read() as conn:
        runs = await _runs_since(conn, since)
        health = {row.source: row for row in await all_sources(conn)}
    started = [parse_iso(run.started_at) for run in runs]
    first = min(started) if started else now
    window_h = max(MIN_WINDOW_H, (now - first).total_seconds() / 3600)
    durations = tuple(d for d in (run.duration_s for run in runs) if d is not None)
    credits = tuple(float(run.credits_used) for run in runs)
    odds = health.get(Source.ODDS)
    quota_left = _quota_left(runs, odds)
    forecast = None
    if odds is not None and odds.quota_remaining is not None:
        forecast = forecast_quota(
            odds.quota_remaining, reserve_credits, [run.credits_used for run in runs], window_h
        )
    return TrendsReport(
        since=iso(since),
        window_h=window_h,
        run_durations=Series("run duration", "s", durations),
        sources=tuple(_source_trend(s, runs, health.get(s), since) for s in SOURCES),
        credits=Series("credits per run", "credits", credits),
        quota_left=Series("credits left", "credits", quota_left),
        forecast=forecast,
    )


async def _runs_since(conn: aiosqlite.Connection, since: datetime) -> tuple[Run, ...]:
    rows = await fetch_rows(
        conn,
        "SELECT * FROM (SELECT * FROM runs WHERE started_at >= ? "
        "ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY started_at, id",
        (iso(since), RUNS_READ),
    )
    return await _with_stages(conn, rows)


def _source_trend(
    source: str, runs: tuple[Run, ...], health: SourceHealthRow | None, since: datetime
) -> SourceTrend:
    stage_name = SOURCE_STAGE.get(Source(source))
    latencies: list[float] = []
    failures: list[float] = []
    for run in runs:
        stage = next((s for s in run.stages if s.name == stage_name), None)
        if stage is None or stage.status == "running":
            continue
        if stage.duration_ms is not None and stage.status in ("ok", "degraded"):
            latencies.append(stage.duration_ms)
        failures.append(1.0 if stage.status == "failed" else 0.0)
    opened_at = None
    if health is not None and health.opened_at is not None:
        opened_at = health.opened_at if parse_iso(health.opened_at) >= since else None
    return SourceTrend(
        source=source,
        latency=Series(f"{source} latency", "ms", tuple(latencies)),
        failures=Series(f"{source} failed calls", "per run", tuple(failures)),
        circuit_state=health.circuit_state if health is not None else "closed",
        opened_at=opened_at,
        consecutive_failures=health.consecutive_failures if health is not None else 0,
    )


def _quota_left(runs: tuple[Run, ...], odds: SourceHealthRow | None) -> tuple[float, ...]:
    """Credits left after each run that started before the stored numbers were read."""
    if odds is None or odds.quota_remaining is None or odds.quota_updated_at is None:
        return ()
    read_at = odds.quota_updated_at
    before = [run for run in runs if run.started_at <= read_at]
    left: list[float] = []
    spent_later = 0
    for run in reversed(before):
        left.append(float(odds.quota_remaining + spent_later))
        spent_later += run.credits_used
    return tuple(reversed(left))
