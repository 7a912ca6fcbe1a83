"""The desk's reads as they stood at a past moment (``as_of``), rebuilt from stored history.

Each fact is read from the table that kept it: prices from ``odds_moves`` (less the
lines in ``odds_pulls``), games from ``game_history``, value bets from
``value_bet_history``, breakers and quota from ``source_health_history``, runs and
stages by their start and finish, the mode from the current row if it was set by
then and else from the audited overrides. A run still going at the moment reads as
``running``, as the live desk showed it.

The analytics' judgements (edge, fair price, verdict) come from their history
(``app.storage.judgement_history``), as they stood at the moment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import aiosqlite

from app.core.clock import iso, parse_iso
from app.core.config import SecuritySettings
from app.domain.records import FairPrice
from app.domain.status import ATTEMPTED, DELIVERED, Mode, RunOutcome
from app.security.identity import Actor
from app.storage.daemon_state import read_state
from app.storage.database import Database
from app.storage.judgement_history import EDGES, FAIR, judged_at
from app.storage.mode import DEFAULT_MODE, get_mode
from app.storage.read import events
from app.storage.read.game_detail import book_prices, line_history
from app.storage.read.games import game_line
from app.storage.read.health_facts import AttemptedRun, HealthFacts
from app.storage.read.models import (
    DaemonState,
    DashboardSnapshot,
    GameDetail,
    GameLine,
    ModeState,
    Run,
    SourceHealthRow,
    Stage,
    ValueBet,
)
from app.storage.read.rows import fetch_rows, marks
from app.storage.read.runs import with_stages
from app.storage.read.security import load_security
from app.storage.read.value_bets import value_bet_of
from app.storage.rows import from_row
from app.storage.runs import outcome_in

RUNNING = RunOutcome.RUNNING.value
_OVERRIDE = "override"  # audit_log.action of a mode change (app.control.service)


def _run_at(run: Run, at: str) -> Run:
    """A stored run as it stood at ``at``: still running if it finished later."""
    stages = tuple(_stage_at(s, at) for s in run.stages if s.started_at <= at)
    if run.finished_at is not None and run.finished_at <= at:
        return replace(run, stages=stages)
    return replace(
        run, outcome=RUNNING, reason=None, finished_at=None, credits_used=0, stages=stages
    )


def _stage_at(stage: Stage, at: str) -> Stage:
    if stage.finished_at is not None and stage.finished_at <= at:
        return stage
    return replace(
        stage,
        status=RUNNING,
        finished_at=None,
        duration_ms=None,
        error_kind=None,
        error_summary=None,
        detail=None,
    )


async def runs_as_of(conn: aiosqlite.Connection, rows: list[aiosqlite.Row], at: str) -> list[Run]:
    """``runs.with_stages``, each run as it stood at ``at``."""
    return [_run_at(run, at) for run in await with_stages(conn, rows)]


async def runs_at(conn: aiosqlite.Connection, at: str, limit: int) -> list[Run]:
    """The newest ``limit`` runs started by ``at``, newest first, as they stood then."""
    rows = await fetch_rows(
        conn,
        "SELECT * FROM runs WHERE started_at <= ? ORDER BY started_at DESC, id DESC LIMIT ?",
        (at, limit),
    )
    return await runs_as_of(conn, rows, at)


async def finished_runs_at(
    conn: aiosqlite.Connection, at: str, outcomes: frozenset[RunOutcome], limit: int
) -> list[Run]:
    """The newest runs finished by ``at`` with one of ``outcomes``, newest start first."""
    where, values = outcome_in(outcomes)
    rows = await fetch_rows(
        conn,
        # A run finished by then started by then: the bound keeps the scan on runs_by_start.
        f"SELECT * FROM runs WHERE {where} AND started_at <= ? AND finished_at <= ? "
        "ORDER BY started_at DESC, id DESC LIMIT ?",
        (*values, at, at, limit),
    )
    return await runs_as_of(conn, rows, at)


async def last_delivered_run_at(conn: aiosqlite.Connection, at: str) -> Run | None:
    """``runs.last_delivered_run`` at ``at``: the newest delivered run finished by then."""
    runs = await finished_runs_at(conn, at, DELIVERED, 1)
    return runs[0] if runs else None


async def first_run_at(
    conn: aiosqlite.Connection, at: str, outcomes: frozenset[RunOutcome]
) -> str | None:
    where, values = outcome_in(outcomes)
    rows = await fetch_rows(
        conn,
        f"SELECT MIN(started_at) AS s FROM runs WHERE {where} AND finished_at <= ?",
        (*values, at),
    )
    return rows[0]["s"] if rows else None


async def run_finish_beside(conn: aiosqlite.Connection, at: str, *, later: bool) -> str | None:
    """The finish of the run just before ``at`` (or just after): the stops of ``[`` and ``]``."""
    sql = (
        "SELECT MIN(finished_at) AS f FROM runs WHERE finished_at > ?"
        if later
        else "SELECT MAX(finished_at) AS f FROM runs WHERE finished_at < ?"
    )
    rows = await fetch_rows(conn, sql, (at,))
    return rows[0]["f"] if rows else None


async def mode_at(conn: aiosqlite.Connection, at: str) -> ModeState:
    """The mode at ``at``: every override is audited with its time, target and reason."""
    current = await get_mode(conn)
    if current.set_at is None or current.set_at <= at:
        return current
    rows = await fetch_rows(
        conn,
        "SELECT * FROM audit_log WHERE action = ? AND outcome = 'done' AND at <= ? "
        "ORDER BY id DESC LIMIT 1",
        (_OVERRIDE, at),
    )
    if not rows:
        return DEFAULT_MODE
    row = rows[0]
    actor = Actor(
        login_user=row["login_user"] or "",
        sudo_user=row["sudo_user"],
        ssh_client=row["ssh_client"],
        tty=row["tty"],
        pid=int(row["pid"] or 0),
        host=row["host"] or "",
        app_version=row["app_version"] or "",
    )
    return ModeState(Mode(row["target"]), actor.describe(), row["at"], row["reason"] or "")


async def daemon_at(conn: aiosqlite.Connection, at: str) -> DaemonState | None:
    """The daemon at ``at``, from ``daemon_history`` (migration 8) and the current row.

    The history keeps every start, stop and change of the next run exactly, and the beats
    around every silence longer than ``DAEMON_SILENCE_S``: a moment inside a silence gets
    the last beat before it, as the live desk showed it. In a steady stretch (the beats
    between kept rows are not kept) the daemon beat less than ``DAEMON_SILENCE_S`` before
    the moment, which reads as the moment itself (``<15 s ago`` on the desk).
    """
    rows = await fetch_rows(
        conn, "SELECT * FROM daemon_history WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1", (at,)
    )
    if not rows:
        return None
    kept = rows[0]
    state = from_row(DaemonState, kept)
    if state.stopped_at is not None:
        return state
    after = await fetch_rows(
        conn, "SELECT kept FROM daemon_history WHERE id > ? ORDER BY id LIMIT 1", (kept["id"],)
    )
    if after and after[0]["kept"] == _AFTER_SILENCE:
        return state  # silent from its last beat until after the moment
    if not after:
        current = await read_state(conn)
        life = (state.host, state.pid, state.started_at)
        if current is None or (current.host, current.pid, current.started_at) != life:
            return state
        if current.heartbeat_at <= at:
            return current  # its last beat, not kept (the latest is always in daemon_state)
    return replace(state, heartbeat_at=at)


_AFTER_SILENCE = "after-silence"  # daemon_history.kept of the first beat after a silence


async def locks_at(conn: aiosqlite.Connection, at: str) -> list[tuple[str, datetime]]:
    """``security.locks_in_force`` at ``at``: each scope's last lock change by then, if locked."""
    rows = await fetch_rows(
        conn,
        "SELECT scope, locked_until FROM auth_lock_history WHERE id IN (SELECT MAX(id) "
        "FROM auth_lock_history WHERE at <= ? GROUP BY scope) AND locked_until > ? "
        "ORDER BY scope",
        (at, at),
    )
    return [(str(r["scope"]), parse_iso(r["locked_until"])) for r in rows]


async def source_at(conn: aiosqlite.Connection, source: str, at: str) -> SourceHealthRow | None:
    """The source's ``source_health`` row as its last write before ``at`` left it."""
    # One index seek, however long the history.
    rows = await fetch_rows(
        conn,
        "SELECT *, at AS updated_at FROM source_health_history WHERE source = ? "
        "AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
        (source, at),
    )
    return from_row(SourceHealthRow, rows[0]) if rows else None


async def sources_at(conn: aiosqlite.Connection, at: str) -> list[SourceHealthRow]:
    """Each source's ``source_health`` row as its last write before ``at`` left it."""
    found = []
    for source in await fetch_rows(conn, "SELECT source FROM source_health ORDER BY source"):
        if (row := await source_at(conn, source["source"], at)) is not None:
            found.append(row)
    return found


_GAME_AT = (
    "SELECT g.*, e.home_team AS odds_home, e.away_team AS odds_away FROM game_history g "
    "LEFT JOIN odds_events e ON e.event_id = g.odds_event_id WHERE g.id IN "
)


async def _lines_at(
    conn: aiosqlite.Connection, event_ids: tuple[str, ...], at: str, order: str
) -> list[aiosqlite.Row]:
    """The line of every (event, book, market, outcome) at ``at``: its last move, if not pulled."""
    if not event_ids:
        return []
    return await fetch_rows(
        conn,
        "SELECT m.event_id, m.book, m.market, m.outcome, m.price, m.point, m.observed_at, "
        "COALESCE((SELECT o.book_title FROM odds_latest o WHERE o.event_id = m.event_id "
        "AND o.book = m.book AND o.market = m.market AND o.outcome = m.outcome), "
        "(SELECT o.book_title FROM odds_latest o WHERE o.book = m.book AND o.book_title != '' "
        "ORDER BY o.observed_at DESC LIMIT 1), '') AS book_title FROM odds_moves m "
        "WHERE m.id IN (SELECT MAX(id) FROM odds_moves "
        f"WHERE event_id IN ({marks(event_ids)}) AND observed_at <= ? "
        "GROUP BY event_id, market, book, outcome) AND NOT EXISTS (SELECT 1 FROM odds_pulls p "
        "WHERE p.event_id = m.event_id AND p.book = m.book AND p.market = m.market "
        "AND p.outcome = m.outcome AND p.observed_at > m.observed_at AND p.observed_at <= ?) "
        f"ORDER BY {order}",
        (*event_ids, at, at),
    )


_BETS_AT = (
    "SELECT v.*, v.at AS updated_at, e.home_team AS e_home, e.away_team AS e_away, "
    "(SELECT o.book_title FROM odds_latest o WHERE o.book = v.book AND o.book_title != '' "
    "ORDER BY o.observed_at DESC LIMIT 1) AS book_title FROM value_bet_history v "
    "LEFT JOIN odds_events e ON e.event_id = v.event_id WHERE v.active = 1 AND v.id IN "
    "(SELECT MAX(id) FROM value_bet_history WHERE {where} AND at <= ? "
    "GROUP BY event_id, market, outcome, point, book) ORDER BY v.edge DESC, v.book"
)


async def value_bets_at(
    conn: aiosqlite.Connection, slate_date: str, at: str
) -> tuple[ValueBet, ...]:
    """``value_bets.value_bets_on`` at ``at``: each bet's last write before then, if active."""
    rows = await fetch_rows(conn, _BETS_AT.format(where="official_date = ?"), (slate_date, at))
    return tuple(value_bet_of(r) for r in rows)


async def games_at(
    conn: aiosqlite.Connection, slate_date: str, at: str, bets: tuple[ValueBet, ...]
) -> tuple[GameLine, ...]:
    """``games.games_on`` at ``at``: the slate's games, lines and value counts of then."""
    games = await fetch_rows(
        conn,
        _GAME_AT + "(SELECT MAX(id) FROM game_history WHERE at <= ? AND game_pk IN "
        "(SELECT game_pk FROM game_history WHERE official_date = ? OR also_on = ?) "
        "GROUP BY game_pk) AND (g.official_date = ? OR g.also_on = ?) "
        "ORDER BY g.start_time, g.game_pk",
        (at, slate_date, slate_date, slate_date, slate_date),
    )
    event_ids = tuple(sorted({g["odds_event_id"] for g in games if g["odds_event_id"]}))
    odds = await _lines_at(conn, event_ids, at, "m.event_id, m.book, m.market, m.outcome")
    by_event: dict[str, list[aiosqlite.Row]] = {}
    for row in odds:
        by_event.setdefault(row["event_id"], []).append(row)
    counts: dict[str, int] = {}
    for bet in bets:
        counts[bet.event_id] = counts.get(bet.event_id, 0) + 1
    return tuple(
        game_line(g, by_event.get(g["odds_event_id"], []), counts.get(g["odds_event_id"], 0))
        for g in games
    )


async def load_dashboard_at(
    db: Database, *, slate_date: date, recent_events: int, as_of: str
) -> DashboardSnapshot:
    """``dashboard.load_dashboard`` as it stood at ``as_of`` (an ``iso`` time)."""
    day = slate_date.isoformat()
    async with db.read() as conn:
        runs = await runs_at(conn, as_of, 1)
        delivered = await last_delivered_run_at(conn, as_of)
        bets = await value_bets_at(conn, day, as_of)
        return DashboardSnapshot(
            slate_date=day,
            mode=await mode_at(conn, as_of),
            last_run=runs[0] if runs else None,
            last_delivered_at=delivered.finished_at if delivered is not None else None,
            daemon=await daemon_at(conn, as_of),
            sources=tuple(await sources_at(conn, as_of)),
            games=await games_at(conn, day, as_of, bets),
            value_bets=bets,
            events=await events.recent_events(conn, recent_events, as_of=as_of),
        )


async def load_game_detail_at(db: Database, game_pk: int, as_of: str) -> GameDetail | None:
    """``game_detail.load_game_detail`` at ``as_of``: game, lines and history of then."""
    async with db.read() as conn:
        games = await fetch_rows(
            conn,
            _GAME_AT + "(SELECT MAX(id) FROM game_history WHERE game_pk = ? AND at <= ?)",
            (game_pk, as_of),
        )
        if not games:
            return None
        game = games[0]
        event_id = game["odds_event_id"]
        if not event_id:
            return GameDetail(game=game_line(game, [], 0), prices=(), fair=(), history=())
        odds = await _lines_at(conn, (event_id,), as_of, "m.market, m.outcome, m.book")
        judged = await judged_at(conn, EDGES, event_id, as_of)
        fair_rows = await judged_at(conn, FAIR, event_id, as_of, "market, outcome, point")
        bets = await fetch_rows(conn, _BETS_AT.format(where="event_id = ?"), (event_id, as_of))
        moves = await fetch_rows(
            conn,
            "SELECT market, outcome, book, price FROM odds_moves "
            "WHERE event_id = ? AND observed_at <= ? ORDER BY market, outcome, book, id",
            (event_id, as_of),
        )
    return GameDetail(
        game=game_line(game, odds, len(bets)),
        prices=book_prices(odds, judged),
        fair=tuple(from_row(FairPrice, r, point=float(r["point"])) for r in fair_rows),
        history=line_history(moves),
    )


async def health_facts_at(
    conn: aiosqlite.Connection, moment: datetime, security: SecuritySettings, *, recent_runs: int
) -> HealthFacts:
    """``read_health_facts`` as they stood at ``moment`` (security as it stands then, too)."""
    at = iso(moment)
    recent = await finished_runs_at(conn, at, ATTEMPTED, max(recent_runs, 1))
    delivered = await last_delivered_run_at(conn, at)
    return HealthFacts(
        mode=await mode_at(conn, at),
        recent=tuple(
            AttemptedRun(r.id, r.trigger, r.outcome, r.reason, r.started_at, r.finished_at)
            for r in recent
        ),
        last_success_at=delivered.started_at if delivered is not None else None,
        first_run_at=await first_run_at(conn, at, ATTEMPTED),
        sources=tuple(await sources_at(conn, at)),
        security=await load_security(
            conn, moment, security, rewound_locks=await locks_at(conn, at)
        ),
    )
