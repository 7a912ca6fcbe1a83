"""``pressbox replay DIR``: re-run recorded upstream answers (reproduce an incident)."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.common import RUN_EXIT, db_option, echo_text, run_async, with_settings
from app.core.config import Settings
from app.domain.records import RunResult
from app.pipeline.replay import replay_recording
from app.storage.database import Database


async def _replay(settings: Settings, folder: Path) -> list[RunResult]:
    async def show(result: RunResult) -> None:
        echo_text(result.summary())

    async with Database.from_settings(settings.db) as db:
        return await replay_recording(settings, db, folder, on_run=show)


@click.command("replay")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@db_option
@click.pass_context
def replay_command(ctx: click.Context, folder: Path) -> None:
    """Run the pipeline once per recorded run in FOLDER (written with pipeline.record_dir).

    Prints a line per run as `run` does; exits as the last run would
    (0 ok, 1 failed, 2 degraded, 3 skipped). Use --db to keep it off the live database.
    """
    settings = with_settings(ctx)
    results = run_async(lambda: _replay(settings, folder))
    ctx.exit(RUN_EXIT.get(results[-1].outcome, 1))


commands: list[click.Command] = [replay_command]
