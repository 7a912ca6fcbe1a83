"""``pressbox clv`` (how the flagged bets did against the close) and ``pressbox calibration``.

The ``--json`` shapes are stable like the other read commands': fields may be added,
never renamed or removed. Both read only; neither creates nor migrates a database.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import click

from app.cli.common import (
    echo_json,
    echo_text,
    existing_database,
    read_existing,
    read_options,
    record_json,
)
from app.core.clock import Clock
from app.core.config import Settings
from app.core.sanitize import clean_field
from app.domain.calibration import MethodScore, score_predictions
from app.domain.prices import DEVIG_METHODS, DevigMethod, consensus_fair_probs
from app.storage.read.clv import ClosingLine, load_closing_lines, load_clv
from app.storage.read.clv_models import ClosedBet, ClvReport, ClvSummary

_NAME_WIDTH = 24


def _since(settings: Settings, days: int | None) -> date | None:
    if days is None:
        return None
    today = Clock().official_date(settings.pipeline.timezone)
    return today - timedelta(days=days - 1)


def closed_bet_json(bet: ClosedBet) -> dict[str, Any]:
    return record_json(
        bet,
        "event_id matchup official_date market outcome point book price fair_prob edge stake",
        "flagged_at closed_at close_fair_prob close_price clv beat_close result profit",
    )


def summary_json(summary: ClvSummary) -> dict[str, Any]:
    return record_json(summary, "key bets mean_clv beat_share settled expected realised")


def clv_json(report: ClvReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat() if report.since else None,
        "bets": [closed_bet_json(b) for b in report.bets],
        "total": summary_json(report.total),
        "by_book": [summary_json(s) for s in report.by_book],
        "by_market": [summary_json(s) for s in report.by_market],
        "by_day": [summary_json(s) for s in report.by_day],
    }


def _summary_line(label: str, s: ClvSummary) -> str:
    return (
        f"{clean_field(label, _NAME_WIDTH):{_NAME_WIDTH}} {s.bets:>5} {s.mean_clv:>+8.2%} "
        f"{s.beat_share:>7.0%} {s.settled:>7} {s.expected:>+9.2f} {s.realised:>+9.2f}"
    )


def _print_clv(report: ClvReport) -> None:
    since = f" since {report.since.isoformat()}" if report.since else ""
    if not report.bets:
        echo_text(f"No flagged bet has reached first pitch{since}.")
        return
    echo_text(f"Closing-line value of {len(report.bets)} bets{since} (per unit staked)")
    echo_text(
        f"{'game':{_NAME_WIDTH}} {'bet':26} {'book':12} {'price':>6} {'close':>6} "
        f"{'fair@close':>10} {'CLV':>7} {'result':>6} {'profit':>7}"
    )
    for b in report.bets:
        bet = b.label
        echo_text(
            f"{clean_field(b.matchup, _NAME_WIDTH):{_NAME_WIDTH}} "
            f"{clean_field(f'{b.market} {bet}', 26):26} {clean_field(b.book, 12):12} "
            f"{b.price:>+6d} {'' if b.close_price is None else f'{b.close_price:+d}':>6} "
            f"{'—' if b.close_fair_prob is None else f'{b.close_fair_prob:.1%}':>10} "
            f"{'—' if b.clv is None else f'{b.clv:+.2%}':>7} {b.result or '—':>6} "
            f"{'—' if b.profit is None else f'{b.profit:+.2f}':>7}"
        )
    echo_text("")
    echo_text(
        f"{'group':{_NAME_WIDTH}} {'bets':>5} {'avg CLV':>8} {'beat':>7} {'settled':>7} "
        f"{'expected':>9} {'realised':>9}"
    )
    echo_text(_summary_line("all", report.total))
    for s in report.by_book:
        echo_text(_summary_line(f"book {s.key}", s))
    for s in report.by_market:
        echo_text(_summary_line(f"market {s.key}", s))


@click.command("clv")
@read_options
@click.option(
    "--days", type=click.IntRange(1, 3660), default=None, help="Only the last N days' games."
)
@click.pass_context
def clv_command(ctx: click.Context, as_json: bool, days: int | None) -> None:
    """Closing-line value of the flagged bets: CLV, beat-the-close share, results."""
    settings = existing_database(ctx)
    since = _since(settings, days)

    report = read_existing(settings, lambda database: load_clv(database, since))
    if as_json:
        echo_json(clv_json(report))
        return
    _print_clv(report)


def home_probs(lines: list[ClosingLine], method: DevigMethod) -> list[tuple[float, bool]]:
    """The closing consensus (median of the books' devigged lines) of each home side."""
    return [
        (consensus_fair_probs(line.books, method=method)[line.home_team], line.home_won)
        for line in lines
    ]


def score_json(score: MethodScore) -> dict[str, Any]:
    return {
        **record_json(score, "method games log_loss brier favourite_bias underdog_bias"),
        "deciles": [
            record_json(d, "low high count mean_predicted observed") for d in score.deciles
        ],
    }


@click.command("calibration")
@read_options
@click.pass_context
def calibration_command(ctx: click.Context, as_json: bool) -> None:
    """Score every devig method on the stored closing lines of finished games."""
    settings = existing_database(ctx)

    lines = read_existing(settings, load_closing_lines)
    scores = sorted(
        (score_predictions(m, home_probs(lines, m)) for m in DEVIG_METHODS if lines),
        key=lambda s: s.log_loss,
    )
    if as_json:
        echo_json({"games": len(lines), "methods": [score_json(s) for s in scores]})
        return
    if not lines:
        echo_text(
            "No finished game with a stored closing moneyline yet: "
            "calibration needs final scores and the odds seen before first pitch."
        )
        return
    echo_text(f"{len(lines)} finished games, closing moneyline consensus (lower is better)")
    echo_text(f"{'method':14} {'log loss':>9} {'Brier':>8} {'fav bias':>9} {'dog bias':>9}")
    for s in scores:
        echo_text(
            f"{s.method:14} {s.log_loss:>9.6f} {s.brier:>8.6f} "
            f"{s.favourite_bias:>+9.4f} {s.underdog_bias:>+9.4f}"
        )


commands: list[click.Command] = [clv_command, calibration_command]
