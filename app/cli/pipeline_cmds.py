"""``pressbox run`` (one scheduled-style run) and ``pressbox daemon`` (the scheduler loop)."""

from __future__ import annotations

import asyncio
import signal
from datetime import date

import click

from app.cli.common import (
    RUN_EXIT,
    cli_context,
    db_option,
    demo_option,
    parse_slate_date,
    run_async,
    with_settings,
)
from app.core.config import Settings
from app.domain.status import Trigger
from app.pipeline.runner import RunResult
from app.runtime import build_runtime
from app.storage.database import Database
from app.storage.runs import count_runs


async def run_once(settings: Settings, slate_date: date | None, *, demo: bool) -> RunResult:
    async with Database.from_settings(settings.db) as db:
        steps = 0
        if demo:
            # Each `run --demo` is a fresh process: replay the simulation up to this run so
            # that successive invocations see the prices and scores move.
            async with db.read() as conn:
                steps = await count_runs(conn)
        runtime = await build_runtime(settings, db, demo=demo, demo_steps=steps)
        return await runtime.runner.run(Trigger.CLI, slate_date, scheduled=True)


async def serve_daemon(settings: Settings, *, demo: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with Database.from_settings(settings.db) as db:
            runtime = await build_runtime(settings, db, demo=demo)
            await runtime.scheduler().serve(stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


@click.command("run")
@db_option
@demo_option
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
    click.echo(result.summary())
    ctx.exit(RUN_EXIT.get(result.outcome, 1))


@click.command("daemon")
@db_option
@demo_option
@click.pass_context
def daemon_command(ctx: click.Context) -> None:
    """Run the pipeline on a schedule until SIGTERM or SIGINT (then exit 0)."""
    settings = with_settings(ctx)
    demo = cli_context(ctx).demo
    run_async(lambda: serve_daemon(settings, demo=demo))


commands: list[click.Command] = [run_command, daemon_command]
