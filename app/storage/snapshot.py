"""Read models for the desk and the CLI: frozen dataclasses and the async loaders that fill them.

Every loader reads inside one ``db.read()`` snapshot so that what the operator
sees is consistent (a game row and its prices come from the same commit). The
models are plain values: equality is what the desk's change-only refresh diffs
on, and ``dataclasses.asdict`` is what the CLI's ``--json`` prints. Nothing here
knows about Textual; presentation (relative times, markers) belongs to the UI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import aiosqlite

from app.core.clock import parse_iso
from app.domain.prices import american_to_decimal, expected_value
from app.domain.status import DELIVERED
from app.storage.audit_log import AuditEntry
from app.storage.audit_log import recent as recent_audit
from app.storage.daemon_state import DaemonState
from app.storage.daemon_state import read_state as read_daemon_state
from app.storage.database import Database
from app.storage.mode import ModeState, get_mode
from app.storage.source_health import SourceHealthRow, all_sources

# Outcomes of a run that delivered data (a degraded run still landed the healthy sources).
DELIVERED_OUTCOMES = tuple(sorted(DELIVERED))


# -- read models -------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """One side of a line: American odds, the book offering it, and the point if any."""

    price: int
    book: str
    point: float | None = None


@dataclass(frozen=True)
class GameLine:
    """One game of the slate with the best price on each side of each market."""

    game_pk: int
    official_date: str
    start_time: str
    away_team_id: int
    away_team: str
    home_team_id: int
    home_team: str
    abstract_state: str
    status_code: str
    status: str
    inning: int | None
    inning_half: str | None
    away_score: int | None
    home_score: int | None
    event_id: str | None
    ml_away: Price | None
    ml_home: Price | None
    rl_away: Price | None
    rl_home: Price | None
    total_over: Price | None
    total_under: Price | None
    value_bets: int
    # app.domain.game_status: the category, MLB's reason, and what the slate needs to say.
    status_category: str = ""
    status_reason: str | None = None
    reschedule_date: str | None = None
    start_tbd: bool = False
    also_on: str | None = None
    double_header: str = "N"
    game_number: int = 1


@dataclass(frozen=True)
class ValueBet:
    event_id: str
    game_pk: int | None
    matchup: str
    market: str
    outcome: str
    point: float
    book: str
    price: int
    fair_prob: float
    edge: float
    stake: float
    first_seen_at: str
    updated_at: str

    @property
    def key(self) -> str:
        return f"{self.event_id}|{self.market}|{self.outcome}|{self.point:g}|{self.book}"


@dataclass(frozen=True)
class Stage:
    name: str
    position: int
    status: str
    started_at: str
    finished_at: str | None
    duration_ms: float | None
    error_kind: str | None
    error_summary: str | None
    detail: str | None


@dataclass(frozen=True)
class Run:
    id: int
    trigger: str
    slate_date: str
    outcome: str
    reason: str | None
    started_at: str
    finished_at: str | None
    credits_used: int
    stages: tuple[Stage, ...]

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return (parse_iso(self.finished_at) - parse_iso(self.started_at)).total_seconds()


# The desk shows the rows as the breaker and quota guard store them.
SourceHealth = SourceHealthRow
Daemon = DaemonState


@dataclass(frozen=True)
class Event:
    """One line of the recent-events feed: a run, an alert or an audit entry."""

    at: str
    kind: str  # run / alert / audit
    key: str  # unique across kinds, for keyed tables
    text: str
    severity: str  # info / warning / error


@dataclass(frozen=True)
class DashboardSnapshot:
    slate_date: str
    mode: ModeState
    last_run: Run | None  # the most recent run, running or finished
    last_delivered_at: str | None  # finished_at of the last ok/degraded run
    daemon: Daemon | None
    sources: tuple[SourceHealth, ...]
    games: tuple[GameLine, ...]
    value_bets: tuple[ValueBet, ...]
    events: tuple[Event, ...]


@dataclass(frozen=True)
class BookPrice:
    book: str
    book_title: str
    market: str
    outcome: str
    price: int
    point: float | None
    observed_at: str
    fair_prob: float | None  # consensus at the same point, when computed
    edge: float | None  # EV per unit staked at this price against fair_prob


@dataclass(frozen=True)
class FairPrice:
    market: str
    outcome: str
    point: float
    fair_prob: float
    fair_american: int
    books: int


@dataclass(frozen=True)
class LineHistory:
    """The day's prices of one (market, outcome, book), oldest first."""

    market: str
    outcome: str
    book: str
    prices: tuple[int, ...]


@dataclass(frozen=True)
class GameDetail:
    game: GameLine
    prices: tuple[BookPrice, ...]
    fair: tuple[FairPrice, ...]
    history: tuple[LineHistory, ...]


# -- pure helpers ------------------------------------------------------------


def stale_reason(snapshot: DashboardSnapshot, now: datetime, stale_after_s: float) -> str | None:
    """Why the data on screen may be out of date, or None when it is fresh.

    Pure so that the desk can re-evaluate it on its minute tick without a query:
    staleness grows while the database stands still.
    """
    if snapshot.last_delivered_at is None:
        return "no successful run yet"
    age = now - parse_iso(snapshot.last_delivered_at)
    if age > timedelta(seconds=stale_after_s):
        minutes = int(age.total_seconds() // 60)
        return f"last good data is {minutes} min old"
    return None


def short_team(name: str) -> str:
    """The nickname: 'Boston Red Sox' -> 'Red Sox', 'New York Yankees' -> 'Yankees'."""
    words = name.split()
    if len(words) >= 2 and f"{words[-2]} {words[-1]}" in {"Red Sox", "White Sox", "Blue Jays"}:
        return f"{words[-2]} {words[-1]}"
    return words[-1] if words else name


def matchup(away: str, home: str) -> str:
    return f"{short_team(away)} @ {short_team(home)}"


# -- loaders -----------------------------------------------------------------


async def _rows(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()
) -> list[aiosqlite.Row]:
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


def _best(rows: list[aiosqlite.Row], outcome: str, point: float | None) -> Price | None:
    candidates = [
        r for r in rows if r["outcome"] == outcome and (point is None or r["point"] == point)
    ]
    if not candidates:
        return None
    # Best for the bettor is the highest American price; ties go to the first book by name.
    top = min(candidates, key=lambda r: (-r["price"], r["book"]))
    return Price(int(top["price"]), str(top["book"]), top["point"])


def _main_point(rows: list[aiosqlite.Row], outcome: str) -> float | None:
    """The point most books offer for an outcome (the 'main' line)."""
    points = Counter(r["point"] for r in rows if r["outcome"] == outcome and r["point"] is not None)
    if not points:
        return None
    return max(points.items(), key=lambda kv: (kv[1], -abs(kv[0])))[0]


def _line(game: aiosqlite.Row, odds: list[aiosqlite.Row], value_count: int) -> GameLine:
    away_name = game["odds_away"] or game["away_team"]
    home_name = game["odds_home"] or game["home_team"]
    h2h = [r for r in odds if r["market"] == "h2h"]
    spreads = [r for r in odds if r["market"] == "spreads"]
    totals = [r for r in odds if r["market"] == "totals"]
    rl_away_point = _main_point(spreads, away_name)
    rl_home_point = -rl_away_point if rl_away_point is not None else _main_point(spreads, home_name)
    total_point = _main_point(totals, "Over")
    return GameLine(
        game_pk=int(game["game_pk"]),
        official_date=game["official_date"],
        start_time=game["start_time"],
        away_team_id=int(game["away_team_id"]),
        away_team=game["away_team"],
        home_team_id=int(game["home_team_id"]),
        home_team=game["home_team"],
        abstract_state=game["abstract_state"],
        status_code=game["status_code"],
        status=game["status"],
        inning=game["inning"],
        inning_half=game["inning_half"],
        away_score=game["away_score"],
        home_score=game["home_score"],
        event_id=game["odds_event_id"],
        ml_away=_best(h2h, away_name, None),
        ml_home=_best(h2h, home_name, None),
        rl_away=_best(spreads, away_name, rl_away_point) if rl_away_point is not None else None,
        rl_home=_best(spreads, home_name, rl_home_point) if rl_home_point is not None else None,
        total_over=_best(totals, "Over", total_point) if total_point is not None else None,
        total_under=_best(totals, "Under", total_point) if total_point is not None else None,
        value_bets=value_count,
        status_category=game["status_category"],
        status_reason=game["status_reason"],
        reschedule_date=game["reschedule_date"],
        start_tbd=bool(game["start_tbd"]),
        also_on=game["also_on"],
        double_header=game["double_header"],
        game_number=int(game["game_number"]),
    )


_GAME_SQL = (
    "SELECT g.*, e.home_team AS odds_home, e.away_team AS odds_away "
    "FROM games g LEFT JOIN odds_events e ON e.event_id = g.odds_event_id "
)


async def _games(conn: aiosqlite.Connection, slate_date: str) -> tuple[GameLine, ...]:
    games = await _rows(
        conn,
        _GAME_SQL + "WHERE (g.official_date = ? OR g.also_on = ?) ORDER BY g.start_time, g.game_pk",
        (slate_date, slate_date),
    )
    odds = await _rows(
        conn,
        "SELECT o.* FROM odds_latest o JOIN games g ON g.odds_event_id = o.event_id "
        "WHERE (g.official_date = ? OR g.also_on = ?)",
        (slate_date, slate_date),
    )
    counts = await _rows(
        conn,
        "SELECT event_id, COUNT(*) AS n FROM value_bets "
        "WHERE official_date = ? AND active = 1 GROUP BY event_id",
        (slate_date,),
    )
    by_event: dict[str, list[aiosqlite.Row]] = {}
    for row in odds:
        by_event.setdefault(row["event_id"], []).append(row)
    value_counts = {r["event_id"]: int(r["n"]) for r in counts}
    return tuple(
        _line(g, by_event.get(g["odds_event_id"], []), value_counts.get(g["odds_event_id"], 0))
        for g in games
    )


async def _value_bets(conn: aiosqlite.Connection, slate_date: str) -> tuple[ValueBet, ...]:
    rows = await _rows(
        conn,
        "SELECT v.*, e.home_team AS e_home, e.away_team AS e_away FROM value_bets v "
        "LEFT JOIN odds_events e ON e.event_id = v.event_id "
        "WHERE v.official_date = ? AND v.active = 1 ORDER BY v.edge DESC, v.book",
        (slate_date,),
    )
    return tuple(
        ValueBet(
            event_id=r["event_id"],
            game_pk=r["game_pk"],
            matchup=matchup(r["e_away"], r["e_home"]) if r["e_home"] else r["event_id"],
            market=r["market"],
            outcome=r["outcome"],
            point=float(r["point"]),
            book=r["book"],
            price=int(r["price"]),
            fair_prob=float(r["fair_prob"]),
            edge=float(r["edge"]),
            stake=float(r["stake"]),
            first_seen_at=r["first_seen_at"],
            updated_at=r["updated_at"],
        )
        for r in rows
    )


def _stage(r: aiosqlite.Row) -> Stage:
    return Stage(
        name=r["name"],
        position=int(r["position"]),
        status=r["status"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        duration_ms=r["duration_ms"],
        error_kind=r["error_kind"],
        error_summary=r["error_summary"],
        detail=r["detail"],
    )


async def _runs(conn: aiosqlite.Connection, limit: int) -> tuple[Run, ...]:
    runs = await _rows(
        conn, "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
    )
    if not runs:
        return ()
    ids = [int(r["id"]) for r in runs]
    marks = ",".join("?" * len(ids))
    stage_rows = await _rows(
        conn,
        f"SELECT * FROM run_stages WHERE run_id IN ({marks}) ORDER BY run_id, position",
        tuple(ids),
    )
    stages: dict[int, list[Stage]] = {}
    for s in stage_rows:
        stages.setdefault(int(s["run_id"]), []).append(_stage(s))
    return tuple(
        Run(
            id=int(r["id"]),
            trigger=r["trigger"],
            slate_date=r["slate_date"],
            outcome=r["outcome"],
            reason=r["reason"],
            started_at=r["started_at"],
            finished_at=r["finished_at"],
            credits_used=int(r["credits_used"]),
            stages=tuple(stages.get(int(r["id"]), [])),
        )
        for r in runs
    )


async def _sources(conn: aiosqlite.Connection) -> tuple[SourceHealth, ...]:
    return tuple(await all_sources(conn))


def _run_text(r: aiosqlite.Row) -> str:
    text = f"run #{r['id']} ({r['trigger']}) {r['outcome']}"
    return f"{text}: {r['reason']}" if r["reason"] else text


async def _events(conn: aiosqlite.Connection, limit: int) -> tuple[Event, ...]:
    runs = await _rows(
        conn,
        "SELECT id, trigger, outcome, reason, COALESCE(finished_at, started_at) AS at "
        "FROM runs ORDER BY at DESC, id DESC LIMIT ?",
        (limit,),
    )
    alerts = await _rows(
        conn,
        "SELECT id, kind, subject, status, created_at FROM alerts ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    audit = await _rows(
        conn,
        "SELECT id, at, action, target, outcome, reason FROM audit_log ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    run_severity = {"failed": "error", "abandoned": "error", "degraded": "warning"}
    events = [
        Event(
            r["at"], "run", f"run:{r['id']}", _run_text(r), run_severity.get(r["outcome"], "info")
        )
        for r in runs
    ]
    events += [
        Event(
            a["created_at"],
            "alert",
            f"alert:{a['id']}",
            f"alert {a['kind']} ({a['status']}): {a['subject']}",
            "warning" if a["status"] != "suppressed" else "info",
        )
        for a in alerts
    ]
    events += [
        Event(
            a["at"],
            "audit",
            f"audit:{a['id']}",
            f"{a['action']}{' ' + a['target'] if a['target'] else ''} {a['outcome']}"
            + (f": {a['reason']}" if a["reason"] else ""),
            "info" if a["outcome"] == "done" else "warning",
        )
        for a in audit
    ]
    events.sort(key=lambda e: (e.at, e.key), reverse=True)
    return tuple(events[:limit])


async def load_dashboard(
    db: Database, *, slate_date: date, recent_events: int
) -> DashboardSnapshot:
    """Everything the dashboard shows, from one consistent read."""
    day = slate_date.isoformat()
    async with db.read() as conn:
        mode = await get_mode(conn)
        runs = await _runs(conn, 1)
        delivered = await _rows(
            conn,
            "SELECT MAX(finished_at) AS at FROM runs WHERE outcome IN (?, ?)",
            DELIVERED_OUTCOMES,
        )
        snapshot = DashboardSnapshot(
            slate_date=day,
            mode=mode,
            last_run=runs[0] if runs else None,
            last_delivered_at=delivered[0]["at"] if delivered else None,
            daemon=await read_daemon_state(conn),
            sources=await _sources(conn),
            games=await _games(conn, day),
            value_bets=await _value_bets(conn, day),
            events=await _events(conn, recent_events),
        )
    return snapshot


async def load_games(db: Database, slate_date: date) -> tuple[GameLine, ...]:
    async with db.read() as conn:
        return await _games(conn, slate_date.isoformat())


async def load_value_bets(db: Database, slate_date: date) -> tuple[ValueBet, ...]:
    async with db.read() as conn:
        return await _value_bets(conn, slate_date.isoformat())


async def load_runs(db: Database, *, limit: int) -> tuple[Run, ...]:
    """The most recent runs, newest first, each with its stages in order."""
    async with db.read() as conn:
        return await _runs(conn, limit)


async def load_game_detail(db: Database, game_pk: int) -> GameDetail | None:
    """Every book's prices, the fair prices and the day's line history of one game."""
    async with db.read() as conn:
        games = await _rows(conn, _GAME_SQL + "WHERE g.game_pk = ?", (game_pk,))
        if not games:
            return None
        game = games[0]
        event_id = game["odds_event_id"]
        odds = (
            await _rows(
                conn,
                "SELECT * FROM odds_latest WHERE event_id = ? ORDER BY market, outcome, book",
                (event_id,),
            )
            if event_id
            else []
        )
        fair_rows = (
            await _rows(
                conn,
                "SELECT * FROM fair_prices WHERE event_id = ? ORDER BY market, outcome, point",
                (event_id,),
            )
            if event_id
            else []
        )
        counts = (
            await _rows(
                conn,
                "SELECT COUNT(*) AS n FROM value_bets WHERE event_id = ? AND active = 1",
                (event_id,),
            )
            if event_id
            else []
        )
        moves = (
            await _rows(
                conn,
                "SELECT market, outcome, book, price FROM odds_moves "
                "WHERE event_id = ? ORDER BY market, outcome, book, id",
                (event_id,),
            )
            if event_id
            else []
        )
    fair = tuple(
        FairPrice(
            market=r["market"],
            outcome=r["outcome"],
            point=float(r["point"]),
            fair_prob=float(r["fair_prob"]),
            fair_american=int(r["fair_american"]),
            books=int(r["books"]),
        )
        for r in fair_rows
    )
    fair_by_key = {(f.market, f.outcome, f.point): f.fair_prob for f in fair}
    prices = []
    for r in odds:
        point = float(r["point"]) if r["point"] is not None else 0.0
        prob = fair_by_key.get((r["market"], r["outcome"], point))
        prices.append(
            BookPrice(
                book=r["book"],
                book_title=r["book_title"],
                market=r["market"],
                outcome=r["outcome"],
                price=int(r["price"]),
                point=r["point"],
                observed_at=r["observed_at"],
                fair_prob=prob,
                edge=expected_value(prob, american_to_decimal(int(r["price"])))
                if prob is not None
                else None,
            )
        )
    history: dict[tuple[str, str, str], list[int]] = {}
    for m in moves:
        history.setdefault((m["market"], m["outcome"], m["book"]), []).append(int(m["price"]))
    return GameDetail(
        game=_line(game, list(odds), int(counts[0]["n"]) if counts else 0),
        prices=tuple(prices),
        fair=fair,
        history=tuple(LineHistory(k[0], k[1], k[2], tuple(v)) for k, v in history.items()),
    )


async def load_audit(
    db: Database, *, limit: int, before_id: int | None = None
) -> tuple[AuditEntry, ...]:
    """One page of the audit trail, newest first; ``before_id`` pages further back."""
    async with db.read() as conn:
        return tuple(await recent_audit(conn, limit, before_id=before_id))
