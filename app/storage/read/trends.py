"""The trends screen's numbers: run durations, per-source latency and retries, breaker, quota.

All series cover ``since`` to now, oldest first. A source's calls are the rows of
``source_health_history`` its guarded calls wrote (a success or a failure: the rows
that moved ``last_success_at`` or ``last_error_at``), each with its latency and
retries; a database from before that history falls back to the duration of the
stage that calls the source (``schedule`` calls MLB, ``odds`` The Odds API). Breaker
openings are the distinct ``opened_at`` of the history's open rows. The credits left
are the history's quota readings; before the history, they are rebuilt from the last
stored reading and the credits each later run spent (``runs.credits_used``). The
forecast is ``app.domain.quota_forecast`` over the runs' spending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite
from aiosqlite import Row

from app.core.clock import iso, parse_iso
from app.domain.quota_forecast import forecast_quota
from app.domain.status import SOURCES, Source
from app.storage.database import Database
from app.storage.read.models import Run, SourceHealthRow
from app.storage.read.rewind import runs_as_of, sources_at
from app.storage.read.rows import LATER_THAN_ANY, fetch_rows
from app.storage.read.runs import with_stages
from app.storage.read.trends_models import Series, SourceTrend, TrendsReport
from app.storage.source_health import all_sources

# The stage that calls each source, whose duration is that source's latency.
SOURCE_STAGE = {Source.MLB: "schedule", Source.ODDS: "odds"}
MIN_WINDOW_H = 1.0  # a rate over a few minutes of a fresh install would say nothing
RUNS_READ = 2000  # a day at the shortest interval the scheduler allows, with room
ROWS_READ = 20_000  # history rows per series: a day of calls with retries, with room


async def load_trends(
    db: Database, *, since: datetime, now: datetime, reserve_credits: int, rewound: bool = False
) -> TrendsReport:
    """``rewound``: ``now`` is a past moment; nothing written after it counts."""
    async with db.read() as conn:
        runs = await _runs_since(conn, since, now if rewound else None)
        rows = await sources_at(conn, iso(now)) if rewound else await all_sources(conn)
        health = {row.source: row for row in rows}
        until = iso(now) if rewound else LATER_THAN_ANY
        history = {source: await _history(conn, source, since, until) for source in SOURCES}
    started = [parse_iso(run.started_at) for run in runs]
    first = min(started) if started else now
    window_h = max(MIN_WINDOW_H, (now - first).total_seconds() / 3600)
    durations = tuple(d for d in (run.duration_s for run in runs) if d is not None)
    credits = tuple(float(run.credits_used) for run in runs)
    odds = health.get(Source.ODDS)
    forecast = None
    if odds is not None and odds.quota_remaining is not None:
        forecast = forecast_quota(
            odds.quota_remaining, reserve_credits, [run.credits_used for run in runs], window_h
        )
    sources = tuple(_source_trend(s, runs, health.get(s), history[s]) for s in SOURCES)
    readings = history[Source.ODDS].quota
    return TrendsReport(
        since=iso(since),
        window_h=window_h,
        run_durations=Series("run duration", "s", durations),
        sources=sources,
        credits=Series("credits per run", "credits", credits),
        quota_left=Series("credits left", "credits", readings or _quota_left(runs, odds)),
        forecast=forecast,
    )


async def _runs_since(
    conn: aiosqlite.Connection, since: datetime, until: datetime | None
) -> tuple[Run, ...]:
    """The runs started since ``since``; ``until`` (rewind): started by then, as they stood."""
    rows = await fetch_rows(
        conn,
        "SELECT * FROM (SELECT * FROM runs WHERE started_at >= ? AND started_at <= ? "
        "ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY started_at, id",
        (iso(since), iso(until) if until else LATER_THAN_ANY, RUNS_READ),
    )
    if until is not None:
        return tuple(await runs_as_of(conn, rows, iso(until)))
    return await with_stages(conn, rows)


@dataclass(frozen=True)
class SourceHistory:
    """What one source's history rows in the window say, each fact read once."""

    latencies: tuple[float, ...]  # ms per call
    retries: tuple[float, ...]  # per call
    calls: int
    openings: tuple[str, ...]  # distinct opened_at of the open rows, oldest first
    quota: tuple[float, ...]  # the readings of x-requests-remaining


async def _history(
    conn: aiosqlite.Connection, source: str, since: datetime, until: str
) -> SourceHistory:
    """A row is a call when it moved last_success_at or last_error_at (other writes carry them
    over), and a quota reading when it moved quota_updated_at."""
    rows = await fetch_rows(
        conn,
        "SELECT * FROM (SELECT id, at, latency_ms, retries, last_success_at, last_error_at, "
        "circuit_state, opened_at, quota_remaining, quota_updated_at FROM source_health_history "
        "WHERE source = ? AND at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT ?) "
        "ORDER BY at, id",
        (source, iso(since), until, ROWS_READ),
    )
    latencies: list[float] = []
    retries: list[float] = []
    calls = 0
    openings: dict[str, None] = {}
    quota: list[float] = []
    previous: Row | None = None
    for row in rows:
        if _moved(row, previous, "last_success_at") or _moved(row, previous, "last_error_at"):
            calls += 1
            if row["latency_ms"] is not None:
                latencies.append(float(row["latency_ms"]))
            if row["retries"] is not None:
                retries.append(float(row["retries"]))
        if _moved(row, previous, "quota_updated_at") and row["quota_remaining"] is not None:
            quota.append(float(row["quota_remaining"]))
        if row["circuit_state"] == "open" and row["opened_at"] is not None:
            openings[row["opened_at"]] = None
        previous = row
    return SourceHistory(tuple(latencies), tuple(retries), calls, tuple(openings), tuple(quota))


def _moved(row: Row, previous: Row | None, column: str) -> bool:
    value = row[column]
    return value is not None and (previous is None or previous[column] != value)


def _source_trend(
    source: str, runs: tuple[Run, ...], health: SourceHealthRow | None, history: SourceHistory
) -> SourceTrend:
    latencies, measured = history.latencies, "calls"
    if not history.calls:
        latencies, measured = tuple(_stage_latencies(source, runs)), "stages"
    return SourceTrend(
        source=source,
        latency=Series(f"{source} latency", "ms", latencies),
        retries=Series(f"{source} retries", "retries", history.retries),
        latency_measured=measured,
        openings=len(history.openings),
        last_opened_at=history.openings[-1] if history.openings else None,
        circuit_state=health.circuit_state if health is not None else "closed",
        consecutive_failures=health.consecutive_failures if health is not None else 0,
    )


def _stage_latencies(source: str, runs: tuple[Run, ...]) -> list[float]:
    """Before the history: the duration of each delivered stage that calls the source."""
    name = SOURCE_STAGE.get(Source(source))
    return [
        stage.duration_ms
        for run in runs
        for stage in run.stages
        if stage.name == name and stage.status in ("ok", "degraded") and stage.duration_ms
    ]


def _quota_left(runs: tuple[Run, ...], odds: SourceHealthRow | None) -> tuple[float, ...]:
    """Before the history: credits left after each run that started before the last reading."""
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
