"""How read models turn into the short strings the desk shows. Pure functions, no widgets.

Everything that depends on "now" (relative ages) is computed from an injected
instant so the minute tick and the tests decide when text changes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.core.clock import parse_iso
from app.core.sanitize import markup_field
from app.core.timefmt import local_iso, span
from app.domain.game_status import start_text
from app.domain.teams import TEAMS, team_id_for_name
from app.storage.read.models import (
    DashboardSnapshot,
    GameLine,
    Price,
    Run,
    SecurityState,
    SourceHealthRow,
    ValueBet,
    Verdict,
    short_team,
)
from app.tui.timefmt import TimeView

UP = "▲"
DOWN = "▼"

# Column keys of the games table, in display order (also the diffing keys).
# Sized so that the whole row fits an 80-column terminal inside the panel border.
GAME_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("time", "Time", 5),
    ("matchup", "Game", 10),
    ("status", "Status", 6),
    ("score", "Score", 5),
    ("ml_away", "Away ML", 7),
    ("ml_home", "Home ML", 7),
    ("runline", "Away RL", 10),
    ("total", "Over", 10),
)
PRICE_COLUMNS = ("ml_away", "ml_home", "runline", "total")

VALUE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("matchup", "Game", 9),
    ("bet", "Bet", 12),
    ("book", "Book", 14),
    ("price", "Price", 5),
    ("fair", "Fair %", 6),
    ("edge", "EV %", 6),
    ("stake", "Stake u", 7),
)

# What the numbers mean, for the help screen: every unit a header names.
LEGEND: tuple[tuple[str, str], ...] = (
    ("Away ML / Home ML", "moneyline, American odds (+150 wins 150 per 100 staked)"),
    ("Away RL", "run line of the away side: its spread, then its price"),
    ("Over", "total runs line, then the price of the Over (Under is its other side)"),
    ("Fair %", "the consensus win probability of the other books, vig removed"),
    ("EV %", "expected value per unit staked at the book's price (the edge)"),
    ("Stake u", "suggested stake in units of the configured bankroll"),
    ("▲ / ▼", "a price that moved up / down since the last refresh"),
    ("★", "the game has a value bet"),
)


def legend_lines() -> list[str]:
    """The numbers' legend, for the help screen."""
    return ["", "[b]What the numbers mean[/]"] + [f"  [b]{k}[/]: {v}" for k, v in LEGEND]


EVENT_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("time", "Time", 5),
    ("text", "Event", 64),
)

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": ""}
OUTCOME_STYLE = {
    "ok": "green",
    "degraded": "yellow",
    "failed": "bold red",
    "abandoned": "bold red",
    "skipped": "dim",
    "running": "cyan",
}
_VERDICT_STYLE = {"CRITICAL": "bold red", "WARNING": "yellow", "UNKNOWN": "blue", "OK": "green"}
_CIRCUIT_STYLE = {"closed": "green", "half_open": "yellow", "open": "bold red"}


def styled(text: str, style: str) -> str:
    return f"[{style}]{text}[/]" if style else text


def error_kind(kind: str | None) -> str:
    """A source's last error kind as the desk shows it: red, and "error" when none was stored."""
    return styled(markup_field(kind or "error"), "red")


def local_hhmm(iso_text: str | None, tz: ZoneInfo) -> str:
    if not iso_text:
        return "--:--"
    return parse_iso(iso_text).astimezone(tz).strftime("%H:%M")


def moments(snapshot: DashboardSnapshot) -> list[str]:
    """The times the health panel shows relative: when one would read differently, redraw."""
    daemon = snapshot.daemon
    found = [snapshot.last_run.started_at if snapshot.last_run else None]
    if daemon is not None and daemon.stopped_at is None:
        found += [daemon.next_run_at, daemon.heartbeat_at]
    found += [source.last_error_at for source in snapshot.sources]
    return [moment for moment in found if moment]


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def american(price: int) -> str:
    return f"{price:+d}"


def edge_text(edge: float) -> str:
    """An edge (EV per unit staked) as every screen shows it: ``+4.9%``."""
    return styled(f"{edge * 100:+.1f}%", "green" if edge > 0 else "")


def point_text(point: float | None) -> str:
    if point is None:
        return ""
    return f"{point:+g}"


def team_code(team_id: int, name: str) -> str:
    team = TEAMS.get(team_id)
    return team.abbreviation if team is not None else short_team(name)[:3].upper()


def game_code(line: GameLine) -> str:
    """'NYY @ BOS': fits the narrowest layout."""
    away = team_code(line.away_team_id, line.away_team)
    home = team_code(line.home_team_id, line.home_team)
    return f"{away} @ {home}"


# Interrupted games, in the scorebook's short forms (the status column is six wide).
_INTERRUPTED = (
    ("Postponed", "PPD"),
    ("Suspended", "Susp"),
    ("Cancelled", "Canc"),
    ("Delayed", "Delay"),
)


def game_status(line: GameLine) -> str:
    # Interrupted first: MLB calls a suspended or rain-delayed game "Live" (with its
    # inning) and a rainout "Final" (codedGameState D); say what happened.
    for state, short in _INTERRUPTED:
        if line.status.startswith(state):
            return styled(short, "yellow")
    if line.abstract_state == "Live" and line.inning is not None:
        half = {"Top": "T", "Bottom": "B", "Middle": "M", "End": "E"}.get(
            line.inning_half or "", ""
        )
        return styled(f"{half}{line.inning}", "bold cyan")
    if line.abstract_state == "Final":
        return styled("Final", "dim")
    # Upstream text, and the result is markup: a detailedState of "[/]" must stay text.
    return markup_field(line.status[:6]) if line.status != "Scheduled" else "Sched"


def score(line: GameLine) -> str:
    if line.away_score is None or line.home_score is None or line.abstract_state == "Preview":
        return ""
    return f"{line.away_score}-{line.home_score}"


def _price_cell(price: Price | None, *, with_point: bool, marker: str) -> str:
    if price is None:
        return styled("—", "dim")
    text = american(price.price)
    if with_point:
        text = f"{point_text(price.point)} {text}"
    return text + marker_text(marker)


def marker_text(marker: str) -> str:
    return {UP: f"[green]{UP}[/]", DOWN: f"[red]{DOWN}[/]"}.get(marker, "")


def total_cell(over: Price | None, marker: str) -> str:
    if over is None:
        return styled("—", "dim")
    base = (
        f"o{over.point:g} {american(over.price)}"
        if over.point is not None
        else american(over.price)
    )
    return base + marker_text(marker)


def price_of(line: GameLine, column: str) -> int | None:
    """The number behind a price column, for up/down markers."""
    price = {
        "ml_away": line.ml_away,
        "ml_home": line.ml_home,
        "runline": line.rl_away,
        "total": line.total_over,
    }[column]
    return price.price if price is not None else None


def game_cells(line: GameLine, tz: ZoneInfo, markers: dict[str, str]) -> tuple[str, ...]:
    """One games-table row; ``markers`` maps a price column to ▲ / ▼."""
    return (
        start_text(
            local_hhmm(line.start_time, tz),
            start_tbd=line.start_tbd,
            double_header=line.double_header,
            game_number=line.game_number,
        ),
        markup_field(game_code(line)) + (styled("★", "bold yellow") if line.value_bets else ""),
        game_status(line),
        score(line),
        _price_cell(line.ml_away, with_point=False, marker=markers.get("ml_away", "")),
        _price_cell(line.ml_home, with_point=False, marker=markers.get("ml_home", "")),
        _price_cell(line.rl_away, with_point=True, marker=markers.get("runline", "")),
        total_cell(line.total_over, markers.get("total", "")),
    )


def outcome_code(outcome: str) -> str:
    team_id = team_id_for_name(outcome)
    return team_code(team_id, outcome) if team_id is not None else short_team(outcome)


def bet_label(bet: ValueBet) -> str:
    if bet.market == "h2h":
        return f"ML {outcome_code(bet.outcome)}"
    if bet.market == "spreads":
        return f"RL {outcome_code(bet.outcome)} {bet.point:+g}"
    return f"{total_side(bet.outcome)} {bet.point:g}"


def total_side(outcome: str) -> str:
    """The one naming of a total's sides: ``Over`` / ``Under``, whatever the case upstream."""
    return outcome.capitalize() if outcome.lower() in {"over", "under"} else outcome


def book_name(book: str, title: str) -> str:
    """The bookmaker's own title from The Odds API (``PointsBet (US)``), its key otherwise."""
    return title or book


def value_cells(bet: ValueBet, games: dict[int, GameLine]) -> tuple[str, ...]:
    game = games.get(bet.game_pk) if bet.game_pk is not None else None
    return (
        markup_field(game_code(game) if game is not None else bet.matchup),
        markup_field(bet_label(bet)),
        markup_field(book_name(bet.book, bet.book_title)),
        american(bet.price),
        f"{bet.fair_prob * 100:.1f}",
        edge_text(bet.edge),
        f"{bet.stake:.1f}",
    )


def run_line(
    run: Run | None, now: datetime, tz: ZoneInfo, times: TimeView, *, no_control: bool = False
) -> str:
    """The last run; ``no_control``: the desk has no X (read-only, or rewound to a past moment)."""
    if run is None:
        if no_control:
            return "Last run: [dim]none yet[/]"
        return "Last run: [dim]none yet[/] — start one with X or `pressbox run`"
    outcome = styled(run.outcome.upper(), OUTCOME_STYLE.get(run.outcome, ""))
    text = (
        f"Run #{run.id} {outcome} {run.trigger}, {times.moment(run.started_at, now, tz)},"
        f" took {duration(run.duration_s)}"
    )
    if run.reason:
        text += f": {markup_field(run.reason)}"
    return text


def stages_line(run: Run | None) -> str:
    if run is None or not run.stages:
        return "Stages: —"
    parts = []
    for stage in run.stages:
        took = f" {stage.duration_ms / 1000:.1f}s" if stage.duration_ms is not None else ""
        parts.append(styled(f"{stage.name}{took}", OUTCOME_STYLE.get(stage.status, "")))
    return "Stages: " + " › ".join(parts)


# A scheduled run this late has not started: the daemon is busy, stuck or gone.
OVERDUE_AFTER_S = 60.0


def next_run_line(
    snapshot: DashboardSnapshot,
    now: datetime,
    tz: ZoneInfo,
    times: TimeView,
    *,
    no_control: bool = False,
) -> str:
    """The daemon's schedule; ``no_control``: no X hint (read-only, or rewound to a past moment)."""
    daemon = snapshot.daemon
    if daemon is None or daemon.stopped_at is not None:
        if no_control:
            stopped = daemon.stopped_at if daemon is not None else None
            since = f" (stopped {times.moment(stopped, now, tz)})" if stopped else ""
            return f"Next run: [yellow]no daemon running[/]{since}"
        return "Next run: [yellow]no daemon running[/] (X runs one now)"
    when = _next_run_when(daemon.next_run_at, now, tz, times)
    beat = times.moment(daemon.heartbeat_at, now, tz)
    return f"Next run: {when} · daemon pid {daemon.pid} beat {beat}"


def _next_run_when(next_run_at: str | None, now: datetime, tz: ZoneInfo, times: TimeView) -> str:
    """``in 30 s``; a time already passed is due (the run is starting) or, later, overdue."""
    if not next_run_at:
        return "not scheduled"
    late = (now - parse_iso(next_run_at)).total_seconds()
    if times.absolute or late < 0:
        return times.moment(next_run_at, now, tz)
    if late < OVERDUE_AFTER_S:
        return "due now"
    return styled(f"overdue by {span(late)}", "yellow")


def source_line(
    source: SourceHealthRow, now: datetime, low_credits: int, tz: ZoneInfo, times: TimeView
) -> str:
    circuit = styled(
        source.circuit_state.replace("_", "-"), _CIRCUIT_STYLE.get(source.circuit_state, "")
    )
    latency = f"{source.latency_ms:.0f} ms" if source.latency_ms is not None else "— ms"
    text = f"{markup_field(source.source):<5} {circuit} {latency}"
    if source.quota_remaining is not None:
        quota = f"quota {source.quota_remaining}"
        text += " · " + (styled(quota, "yellow") if source.quota_remaining < low_credits else quota)
    if source.last_error:
        text += (
            f" · {error_kind(source.last_error_kind)} "
            f"{times.moment(source.last_error_at, now, tz)}: {markup_field(source.last_error)}"
        )
    return text


def severity_text(text: str, severity: str) -> str:
    return styled(markup_field(text), _SEVERITY_STYLE.get(severity, ""))


def verdict_lines(verdict: Verdict | None) -> list[str]:
    """Every reason of the verdict, worst first (the header has room for the first only)."""
    if verdict is None:
        return []
    style = _VERDICT_STYLE.get(verdict.status.value, "")
    return [f"{styled('●', style)} {markup_field(reason)}" for reason in verdict.reasons]


def security_line(security: SecurityState | None, tz: ZoneInfo) -> str:
    """Lockouts in force (who, until when), failed attempts in the window, rate-limit holds.

    Empty when there is nothing to say: a quiet panel keeps its rows for the games.
    """
    if security is None or not (security.locks or security.failed_attempts or security.holds):
        return ""
    parts = [
        styled(f"LOCKED for {markup_field(lock.who)} until {local_iso(lock.until, tz)}", "bold red")
        for lock in security.locks
    ]
    window = f"{security.window_s / 60:g} min"
    failed = f"{security.failed_attempts} failed key attempts in {window}"
    parts.append(styled(failed, "yellow") if security.failed_attempts else styled(failed, "dim"))
    parts += [
        f"{markup_field(hold.action)} held until {local_iso(hold.until, tz)}"
        for hold in security.holds
    ]
    return "Security: " + " · ".join(parts)
