"""The ``pressbox`` console command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app import __version__
from app.cli import (
    admin_cmds,
    audit_cmds,
    control_cmds,
    db_cmds,
    health_cmds,
    pipeline_cmds,
    query_cmds,
    replay_cmds,
    secrets_cmds,
)
from app.cli.common import CliContext, echo_text, with_settings
from app.core.errors import PressboxError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--demo", is_flag=True, help="Demo database, simulated APIs, no credentials.")
@click.option("--read-only", is_flag=True, help="The desk without break-glass actions.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), help="Database file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML config file.")
@click.version_option(__version__, prog_name="pressbox")
@click.pass_context
def cli(
    ctx: click.Context, demo: bool, read_only: bool, db_path: Path | None, config_path: Path | None
) -> None:
    """pressbox: monitor and control desk for the MLB betting data pipeline.

    With no command, opens the terminal desk.
    """
    ctx.obj = CliContext(config_path=config_path, db_path=db_path, demo=demo, read_only=read_only)
    if ctx.invoked_subcommand is None:
        settings = with_settings(ctx)
        # Imported here: only the desk needs Textual.
        from app.cli.desk import open_desk

        ctx.exit(open_desk(settings, demo=demo, fresh_demo_db=db_path is None))


for module in (
    pipeline_cmds,
    replay_cmds,
    query_cmds,
    db_cmds,
    health_cmds,
    secrets_cmds,
    admin_cmds,
    control_cmds,
    audit_cmds,
):
    for command in module.commands:
        cli.add_command(command)


def main() -> None:
    """The console script: a usage mistake is one line on stderr, like every other error."""
    try:
        code = cli.main(prog_name="pressbox", standalone_mode=False)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "pressbox"
        echo_text(f"pressbox: {exc.format_message()} (see `{command} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        echo_text(f"pressbox: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        echo_text("pressbox: aborted; nothing was changed", err=True)
        sys.exit(1)
    except PressboxError as exc:
        # A command that let a classified error through still ends in one line.
        echo_text(f"pressbox: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
