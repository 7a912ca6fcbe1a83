"""The desk's table rows with what sort and find read: typed values and plain texts.

The cells come from ``formatting``; beside them each row carries the value of each
column to sort by (a price as a number, a time as its ISO text: EV 10% after 9%)
and the facts the find language (``widgets.table_filter``) matches, named as the
help and the README list them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text

from app.domain.game_status import FINISHED, IN_PLAY, PRE_GAME, GameStatus, classify
from app.storage.read.models import AuditEntry, Event, GameLine, Price, ValueBet
from app.tui import formatting as fmt
from widgets.keyed_table import TableRow
from widgets.table_filter import RowFilter, parse_filter

# What each table's find knows: named texts, then named numbers.
GAME_FIELDS = ("team", "status")
BET_FIELDS = ("game", "bet", "book", "market")
BET_NUMBERS = ("ev", "price", "fair", "stake")
EVENT_FIELDS = ("kind", "severity", "text")
AUDIT_FIELDS = ("action", "target", "outcome", "user", "reason")
AUDIT_NUMBERS = ("id",)

# The scorebook's short words an operator types for a state (``ppd``, ``susp``).
_STATUS_WORDS = {
    GameStatus.POSTPONED: "ppd postponed",
    GameStatus.SUSPENDED: "susp suspended",
    GameStatus.CANCELLED: "canc cancelled",
    GameStatus.DELAYED: "delay live",
    GameStatus.DELAYED_START: "delay scheduled",
    GameStatus.WARMUP: "warmup scheduled",
    GameStatus.GAME_OVER: "final",
    GameStatus.FORFEIT: "final forfeit",
}
FIND_HELP = {
    "games": "team: status: (live final value ppd)",
    "value-bets": "book: market: game: ev>N price>N",
    "events": "kind: severity: text:",
    "audit": "action: outcome: user: target: id>N",
}


def status_rank(state: GameStatus) -> int:
    """Sorting by Status: in play first, then to come, then over, then not played."""
    for rank, states in enumerate((IN_PLAY, PRE_GAME, FINISHED)):
        if state in states:
            return rank
    return 3


def plain(markup: str) -> str:
    """A cell's text as the operator reads it (markup removed, escapes undone)."""
    return Text.from_markup(markup).plain


def game_filter(text: str) -> RowFilter:
    return parse_filter(text, GAME_FIELDS)


def bet_filter(text: str) -> RowFilter:
    return parse_filter(text, BET_FIELDS, BET_NUMBERS)


def event_filter(text: str) -> RowFilter:
    return parse_filter(text, EVENT_FIELDS)


def audit_filter(text: str) -> RowFilter:
    return parse_filter(text, AUDIT_FIELDS, AUDIT_NUMBERS)


def _price(price: Price | None) -> int | None:
    return price.price if price is not None else None


def game_row(line: GameLine, tz: ZoneInfo, markers: dict[str, str]) -> TableRow:
    cells = fmt.game_cells(line, tz, markers)
    state = classify(line.status_code, line.status, line.abstract_state).status
    status = " ".join(
        (
            plain(cells[2]),
            state.value,
            _STATUS_WORDS.get(state, ""),
            "value" if line.value_bets else "",
        )
    )
    team = " ".join((plain(cells[1]), line.away_team, line.home_team))
    runs = (
        line.away_score + line.home_score
        if line.away_score is not None and line.home_score is not None and cells[3]
        else None
    )
    total = line.total_over.point if line.total_over is not None else None
    return TableRow(
        cells,
        (
            line.start_time,
            fmt.game_code(line),
            status_rank(state),
            runs,
            _price(line.ml_away),
            _price(line.ml_home),
            _price(line.rl_away),
            total,
        ),
        {"team": team, "status": status},
    )


def bet_row(bet: ValueBet, games: dict[int, GameLine]) -> TableRow:
    cells = fmt.value_cells(bet, games)
    return TableRow(
        cells,
        (
            plain(cells[0]),
            plain(cells[1]),
            plain(cells[2]),
            bet.price,
            bet.fair_prob,
            bet.edge,
            bet.stake,
        ),
        {
            "game": f"{plain(cells[0])} {bet.matchup}",
            "bet": plain(cells[1]),
            "book": f"{bet.book} {bet.book_title}",
            "market": f"{bet.market} {plain(cells[1])}",
            "ev": bet.edge * 100,
            "price": float(bet.price),
            "fair": bet.fair_prob * 100,
            "stake": bet.stake,
        },
    )


def event_row(event: Event, tz: ZoneInfo) -> TableRow:
    return TableRow(
        (fmt.local_hhmm(event.at, tz), fmt.severity_text(event.text, event.severity)),
        (event.at, event.text),
        {"kind": event.kind, "severity": event.severity, "text": event.text},
    )


def audit_row(entry: AuditEntry, cells: tuple[str, ...]) -> TableRow:
    users = " ".join(u for u in (entry.login_user, entry.sudo_user) if u)
    return TableRow(
        cells,
        (
            entry.id,
            entry.at,
            entry.action,
            entry.target or "",
            entry.outcome,
            plain(cells[5]),
            entry.reason or "",
        ),
        {
            "action": entry.action,
            "target": entry.target or "",
            "outcome": entry.outcome,
            "user": users,
            "reason": entry.reason or "",
            "id": float(entry.id),
        },
    )
