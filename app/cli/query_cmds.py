"""Read-only views for scripts and people: ``games``, ``bets`` and ``runs``.

The ``--json`` shapes are documented in the README and are stable: fields may
be added, never renamed or removed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from app.cli.common import (
    echo_json,
    echo_text,
    existing_database,
    parse_slate_date,
    read_existing,
    read_options,
    record_json,
    utc_option,
)
from app.core.clock import Clock, parse_iso
from app.core.config import Settings
from app.core.sanitize import clean_field
from app.core.timefmt import display_zone, local_iso, zone_label
from app.domain.game_status import classify, slate_status, start_text
from app.storage.read.games import load_games
from app.storage.read.models import GameLine, Price, Run, SuspiciousLine, ValueBet, matchup
from app.storage.read.runs import load_runs
from app.storage.read.value_bets import load_bets_and_outliers


def _slate(settings: Settings, text: str | None) -> date:
    return parse_slate_date(text) or Clock().official_date(settings.pipeline.timezone)


def _price(price: Price | None) -> dict[str, Any] | None:
    return None if price is None else record_json(price, "price point book")


def game_json(game: GameLine) -> dict[str, Any]:
    return {
        **record_json(
            game,
            "game_pk official_date start_time away_team home_team abstract_state status_code",
            "status inning inning_half away_score home_score status_category status_reason",
            "reschedule_date start_tbd also_on game_number value_bets",
        ),
        "odds_event_id": game.event_id,
        "moneyline": {"away": _price(game.ml_away), "home": _price(game.ml_home)},
        "run_line": {"away": _price(game.rl_away), "home": _price(game.rl_home)},
        "total": {"over": _price(game.total_over), "under": _price(game.total_under)},
    }


# The fields a bet and an outlier share; both name their matchup "game".
_LINE_FIELDS = "event_id game_pk market outcome point book price"


def bet_json(bet: ValueBet) -> dict[str, Any]:
    return {
        **record_json(bet, _LINE_FIELDS, "first_seen_at updated_at"),
        "game": bet.matchup,
        "fair_prob": round(bet.fair_prob, 6),
        "edge": round(bet.edge, 6),
        "stake": round(bet.stake, 2),
        "alternatives": [
            {"book": a.book, "price": a.price, "edge": round(a.edge, 6)} for a in bet.alternatives
        ],
    }


def outlier_json(line: SuspiciousLine) -> dict[str, Any]:
    return {**record_json(line, _LINE_FIELDS), "game": line.matchup, "reason": line.note}


def run_json(run: Run) -> dict[str, Any]:
    return {
        **record_json(
            run, "id trigger slate_date outcome reason started_at finished_at credits_used"
        ),
        "stages": [
            record_json(
                stage, "name status started_at finished_at duration_ms error_kind error_summary"
            )
            for stage in run.stages
        ],
    }


def _fmt_price(price: Price | None, with_point: bool = False) -> str:
    if price is None:
        return "-"
    text = f"{price.price:+d}"
    if with_point and price.point is not None:
        text = f"{price.point:+g} {text}"
    return text


def _status(game: GameLine, day: date) -> str:
    category = game.status_category or classify(game.status_code, game.status).status.value
    return slate_status(
        category,
        game.status_reason,
        viewing=day,
        official_date=date.fromisoformat(game.official_date),
        reschedule_date=date.fromisoformat(game.reschedule_date) if game.reschedule_date else None,
        inning=game.inning,
        inning_half=game.inning_half,
    )


def _total(over: Price | None) -> str:
    # The desk's convention: the over, as o8.5 -110.
    if over is None:
        return "-"
    return f"o{over.point:g} {over.price:+d}" if over.point is not None else f"{over.price:+d}"


# Untrusted names get a bound, so one hostile team name cannot push every column away.
_NAME_WIDTH = 48


def _game_name(game: GameLine) -> str:
    return clean_field(matchup(game.away_team, game.home_team), _NAME_WIDTH)


def _score(game: GameLine) -> str:
    if game.away_score is None or game.home_score is None:
        return ""
    return f"{game.away_score}-{game.home_score}"


def _also(bet: ValueBet) -> str:
    """The other books with value at the bet's outcome and line, at the end of its row."""
    if not bet.alternatives:
        return ""
    also = ", ".join(f"{a.book} {a.price:+d}" for a in bet.alternatives)
    return f"  also {clean_field(also, 120)}"


def _outcome_label(bet: ValueBet) -> str:
    if bet.market == "h2h":
        return bet.outcome
    if bet.market == "totals":
        return f"{bet.outcome} {bet.point:g}"
    return f"{bet.outcome} {bet.point:+g}"


@click.command("games")
@utc_option
@read_options
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The slate (default: today).")
@click.pass_context
def games_command(ctx: click.Context, as_json: bool, utc: bool, date_text: str | None) -> None:
    """The slate: status, inning, score, best prices, value flags."""
    settings = existing_database(ctx)
    day = _slate(settings, date_text)

    games = read_existing(settings, lambda database: load_games(database, day))
    if as_json:
        echo_json({"date": day.isoformat(), "games": [game_json(g) for g in games]})
        return
    if not games:
        echo_text(f"No games stored for {day.isoformat()}.")
        return
    width = max(len(_game_name(g)) for g in games)
    local = display_zone(settings.pipeline.timezone, utc=utc)
    when = f"time {zone_label(parse_iso(games[0].start_time), local)}"
    echo_text(
        f"{when:9}  {'matchup':{width}} {'status':14} {'score':6} {'ML away':>8} {'ML home':>8} "
        f"{'RL away':>11} {'total over':>10} value"
    )
    for game in games:
        start = start_text(
            local_iso(game.start_time, local, label=False),
            start_tbd=game.start_tbd,
            double_header=game.double_header,
            game_number=game.game_number,
        )
        echo_text(
            f"{start:9}  {_game_name(game):{width}} "
            f"{clean_field(_status(game, day), 14):14} "
            f"{_score(game):6} {_fmt_price(game.ml_away):>8} {_fmt_price(game.ml_home):>8} "
            f"{_fmt_price(game.rl_away, True):>11} {_total(game.total_over):>10} "
            f"{'*' * min(game.value_bets, 3)}"
        )


@click.command("bets")
@read_options
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The slate (default: today).")
@click.pass_context
def bets_command(ctx: click.Context, as_json: bool, date_text: str | None) -> None:
    """Value bets: game, market, outcome, book, price, fair probability, edge, stake."""
    settings = existing_database(ctx)
    day = _slate(settings, date_text)

    bets, outliers = read_existing(settings, lambda database: load_bets_and_outliers(database, day))
    if as_json:
        echo_json(
            {
                "date": day.isoformat(),
                "bets": [bet_json(b) for b in bets],
                "outliers": [outlier_json(o) for o in outliers],
            }
        )
        return
    for line in outliers:  # apart from the bets: never staked, never e-mailed
        echo_text(f"{clean_field(line.matchup, _NAME_WIDTH)}: {clean_field(line.text, 160)}")
    if not bets:
        echo_text(f"No value bets for {day.isoformat()}.")
        return
    width = max(len(clean_field(b.matchup, _NAME_WIDTH)) for b in bets)
    echo_text(
        f"{'game':{width}} {'market':8} {'outcome':22} {'book':12} {'price':>6} {'fair':>6} "
        f"{'edge':>6} {'stake':>8}"
    )
    for bet in bets:
        outcome = _outcome_label(bet)
        echo_text(
            f"{clean_field(bet.matchup, _NAME_WIDTH):{width}} {bet.market:8} "
            f"{clean_field(outcome, 22):22} {clean_field(bet.book, 12):12} "
            f"{bet.price:>+6d} {bet.fair_prob:>6.1%} {bet.edge:>6.1%} {bet.stake:>8.2f}"
            + _also(bet)
        )


@click.command("runs")
@utc_option
@read_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_context
def runs_command(ctx: click.Context, as_json: bool, utc: bool, limit: int) -> None:
    """Run history: id, trigger, outcome, started_at, finished_at, stages."""
    settings = existing_database(ctx)

    runs = read_existing(settings, lambda database: load_runs(database, limit=limit))
    if as_json:
        echo_json({"runs": [run_json(r) for r in runs]})
        return
    if not runs:
        echo_text("No runs yet.")
        return
    local = display_zone(settings.pipeline.timezone, utc=utc)
    for run in runs:
        stages = " ".join(f"{s.name}:{s.status}" for s in run.stages)
        started = local_iso(run.started_at, local, seconds=True, day=True)
        finished = local_iso(run.finished_at, local, seconds=True) if run.finished_at else "…"
        reason = f" ({clean_field(run.reason)})" if run.reason else ""
        echo_text(
            f"#{run.id:<5} {run.trigger:11} {run.outcome:9} {started} -> "
            f"{finished}  {stages}{reason}"
        )


commands: list[click.Command] = [games_command, bets_command, runs_command]
