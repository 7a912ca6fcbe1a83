"""``pressbox health [--json] [--db PATH]``: one Nagios-style line or stable JSON.

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Whatever goes wrong --
bad settings, a missing or unreadable database -- the answer is still one line
(or one JSON document) on stdout with status UNKNOWN, because a monitoring
system reads stdout and the exit code, not a traceback. The database is opened
read-only in spirit: never created, never migrated.
"""

from __future__ import annotations

import asyncio
import json

import click

from app.cli.common import cli_context, echo_text, read_options
from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import redact
from app.pipeline.health import HealthReport, damaged, evaluate_health, unknown
from app.storage.database import Database, damage_report


async def _evaluate(settings: Settings) -> HealthReport:
    db = Database.from_settings(settings.db)
    await db.open(create=False, migrate=False)
    try:
        damage = await damage_report(db, quick=True)
        if damage:
            return damaged(db.path, damage)
        return await evaluate_health(db, settings, Clock())
    finally:
        await db.close()


def health_report(ctx: click.Context) -> HealthReport:
    try:
        settings = cli_context(ctx).settings()
        return asyncio.run(_evaluate(settings))
    except PressboxError as exc:
        return unknown(redact(exc.one_line()))


@click.command("health")
@read_options
@click.pass_context
def health(ctx: click.Context, as_json: bool) -> None:
    """Pipeline health for cron/systemd/Nagios (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)."""
    report = health_report(ctx)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, sort_keys=True))
    else:
        echo_text(report.line())
    ctx.exit(report.exit_code)


commands: list[click.Command] = [health]
