"""The desk's table rows with what sort and find read: typed values and plain texts.

The cells come from ``formatting``; beside them each row carries the value of each
column to sort by (a price as a number, a time as its ISO text: EV 10% after 9%)
and the facts the find language (``widgets.table_filter``) matches, named as the
help and the README list them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text

from app.domain.game_status import FINISHED, IN_PLAY, PRE_GAME, GameStatus, classify
from app.domain.prices import american_to_decimal
from app.storage.read.models import (
    AuditEntry,
    Event,
    GameLine,
    Price,
    QuotedPrice,
    Run,
    Stage,
    ValueBet,
)
from app.tui import formatting as fmt
from app.tui.notification_log import Notice
from widgets.keyed_table import TableRow
from widgets.table_filter import RowFilter, parse_filter

if TYPE_CHECKING:
    # Rows of screens opened later: their read models load with those screens.
    from app.storage.read.clv_models import ClosedBet, ClvSummary
    from app.storage.read.drill_models import SourceError

# What each table's find knows: named texts, then named numbers.
GAME_FIELDS = ("team", "status")
BET_FIELDS = ("game", "bet", "book", "market")
BET_NUMBERS = ("ev", "price", "fair", "stake")
EVENT_FIELDS = ("kind", "severity", "text")
AUDIT_FIELDS = ("action", "target", "outcome", "user", "reason")
AUDIT_NUMBERS = ("id",)
RUN_FIELDS = ("outcome", "trigger", "slate", "reason")
RUN_NUMBERS = ("id", "credits", "took")
NOTICE_FIELDS = ("severity", "kind", "title", "text")
ERROR_FIELDS = ("kind", "stage", "message")
ERROR_NUMBERS = ("run",)
# Sorting by Severity: the worst first when the order is flipped (▼).
SEVERITY_RANK = {"information": 0, "warning": 1, "error": 2}

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
    "runs": "outcome: trigger: slate: reason: id>N took>N credits>N",
    "notices": "severity: kind: title: text:",
    "errors": "kind: stage: message: run>N",
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


def _finder(fields: Sequence[str], numbers: Sequence[str] = ()) -> Callable[[str], RowFilter]:
    """The parser of one table's find bar: its named texts and numbers."""
    return partial(parse_filter, fields=fields, numbers=numbers)


game_filter = _finder(GAME_FIELDS)
bet_filter = _finder(BET_FIELDS, BET_NUMBERS)
event_filter = _finder(EVENT_FIELDS)
audit_filter = _finder(AUDIT_FIELDS, AUDIT_NUMBERS)
run_filter = _finder(RUN_FIELDS, RUN_NUMBERS)
notice_filter = _finder(NOTICE_FIELDS)
error_filter = _finder(ERROR_FIELDS, ERROR_NUMBERS)


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


def run_row(run: Run, cells: tuple[str, ...]) -> TableRow:
    took = run.duration_s
    facts: dict[str, str | float] = {
        "outcome": run.outcome,
        "trigger": run.trigger,
        "slate": run.slate_date,
        "reason": run.reason or "",
        "id": float(run.id),
        "credits": float(run.credits_used),
    }
    if took is not None:
        facts["took"] = took
    return TableRow(
        cells,
        (
            run.id,
            run.trigger,
            run.outcome,
            run.slate_date,
            run.started_at,
            took,
            run.credits_used,
            run.reason or "",
        ),
        facts,
    )


def stage_row(stage: Stage, cells: tuple[str, ...]) -> TableRow:
    return TableRow(
        cells,
        (stage.position, stage.name, stage.status, stage.duration_ms, stage.error_kind or ""),
    )


def notice_row(number: int, notice: Notice, cells: tuple[str, ...]) -> TableRow:
    """``number``: the notice's place in the session (the When column sorts by it)."""
    return TableRow(
        cells,
        (
            number,
            SEVERITY_RANK.get(notice.severity, 0),
            notice.kind,
            plain(notice.title),
            plain(notice.text),
        ),
        {
            "severity": f"{notice.severity} {plain(cells[1])}",
            "kind": notice.kind,
            "title": plain(notice.title),
            "text": plain(notice.text),
        },
    )


def source_error_row(error: SourceError, cells: tuple[str, ...]) -> TableRow:
    kind = error.error_kind or error.status
    return TableRow(
        cells,
        (error.at, error.run_id, error.stage, kind, error.message or ""),
        {
            "kind": f"{kind} {error.status}",
            "stage": error.stage,
            "message": error.message or "",
            "run": float(error.run_id),
        },
    )


def _payout(price: int | None) -> float | None:
    """An American price as its decimal odds, the order of what it pays (+114 after -110)."""
    if price is None:
        return None
    try:
        return american_to_decimal(price)
    except ValueError:  # a price no book can quote: it sorts with the missing ones
        return None


def price_row(price: QuotedPrice, moves: tuple[int, ...], cells: tuple[str, ...]) -> TableRow:
    """A book's price in game detail; prices sort by their decimal odds (the payout)."""
    first, last = (_payout(moves[0]), _payout(moves[-1])) if len(moves) > 1 else (None, None)
    moved = last - first if first is not None and last is not None else None
    return TableRow(
        cells,
        (
            price.market,
            plain(cells[1]),
            plain(cells[2]),
            _payout(price.price),
            price.fair_prob,
            price.edge,
            moved,
        ),
    )


def clv_group_row(summary: ClvSummary, cells: tuple[str, ...]) -> TableRow:
    return TableRow(
        cells,
        (
            plain(cells[0]),
            summary.bets,
            summary.mean_clv,
            summary.beat_share,
            summary.settled,
            summary.expected,
            summary.realised,
        ),
    )


def clv_bet_row(bet: ClosedBet, cells: tuple[str, ...]) -> TableRow:
    return TableRow(
        cells,
        (
            bet.official_date,
            plain(cells[1]),
            plain(cells[2]),
            plain(cells[3]),
            _payout(bet.price),
            _payout(bet.close_price),
            bet.close_fair_prob,
            bet.clv,
            bet.profit,
        ),
    )
