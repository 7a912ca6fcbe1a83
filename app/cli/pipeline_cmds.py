"""``pressbox run`` (one scheduled-style run) and ``pressbox daemon`` (the scheduler loop)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import date

import click

from app.cli.common import (
    RUN_EXIT,
    cli_context,
    database_options,
    echo_text,
    parse_slate_date,
    run_async,
    with_settings,
)
from app.core.config import Settings
from app.core.errors import PressboxError, StorageError
from app.domain.status import Trigger
from app.pipeline.runner import RunResult
from app.runtime import build_runtime
from app.storage.database import CORRUPT_HINT, Database, damage_report
from app.storage.mode import get_mode
from app.storage.runs import count_runs


async def run_once(settings: Settings, slate_date: date | None, *, demo: bool) -> RunResult:
    async with Database.from_settings(settings.db) as db:
        await refuse_a_damaged_file(db)
        steps = 0
        if demo:
            # Each `run --demo` is a fresh process: replay the simulation up to this run so
            # that successive invocations see the prices and scores move.
            async with db.read() as conn:
                steps = await count_runs(conn)
        runtime = await build_runtime(settings, db, demo=demo, demo_steps=steps)
        return await runtime.runner.run(Trigger.CLI, slate_date, scheduled=True)


async def refuse_a_damaged_file(db: Database) -> None:
    """Writing into a damaged file spreads the damage: a run checks the pages first."""
    damage = await damage_report(db, quick=True)
    if damage:
        raise StorageError(
            f"database {db.path} is damaged ({damage[0]}); the run wrote nothing",
            hint=CORRUPT_HINT,
        )


def _sources(settings: Settings, *, demo: bool) -> str:
    if demo:
        return "simulated MLB Stats API and The Odds API"
    return f"{settings.mlb_api.base_url} and {settings.odds_api.base_url}"


async def serve_daemon(settings: Settings, *, demo: bool) -> None:
    """The scheduler until a signal; one line on stderr when it starts and one when it stops."""
    stop = asyncio.Event()
    why: list[str] = []
    loop = asyncio.get_running_loop()

    def on_signal(signum: signal.Signals) -> None:
        why.append(signum.name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        async with Database.from_settings(settings.db) as db:
            await refuse_a_damaged_file(db)
            runtime = await build_runtime(settings, db, demo=demo)
            scheduler = runtime.scheduler()
            async with db.read() as conn:
                mode = (await get_mode(conn)).mode
            echo_text(
                f"pressbox daemon: started (pid {os.getpid()}); db {db.path}; "
                f"every {scheduler.interval_s:g} s; mode {mode}; sources "
                f"{_sources(settings, demo=demo)}",
                err=True,
            )
            await scheduler.serve(stop)
        echo_text(f"pressbox daemon: stopped on {why[0] if why else 'request'}", err=True)
    except PressboxError as exc:
        # The one line of the failure is the stop reason: not a second line after it.
        echo_text(f"pressbox daemon: stopped by an error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


@click.command("run")
@database_options
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Replay or backfill this slate.")
@click.pass_context
def run_command(ctx: click.Context, date_text: str | None) -> None:
    """One scheduled-style run (skipped unless the mode is auto).

    Exit status: 0 ok, 1 failed, 2 degraded, 3 skipped.
    """
    slate_date = parse_slate_date(date_text)
    settings = with_settings(ctx)
    demo = cli_context(ctx).demo
    result = run_async(lambda: run_once(settings, slate_date, demo=demo))
    echo_text(result.summary())
    ctx.exit(RUN_EXIT.get(result.outcome, 1))


@click.command("daemon")
@database_options
@click.pass_context
def daemon_command(ctx: click.Context) -> None:
    """Run the pipeline on a schedule until SIGTERM or SIGINT (then exit 0)."""
    settings = with_settings(ctx)
    demo = cli_context(ctx).demo
    run_async(lambda: serve_daemon(settings, demo=demo))


commands: list[click.Command] = [run_command, daemon_command]
