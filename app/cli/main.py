"""The ``pressbox`` console command.

Subcommands load lazily (Click's lazy group pattern): ``COMMANDS`` maps each name to the
``module:attribute`` that defines it and the one-line help ``pressbox --help`` shows, and a
module is imported only when its command runs. ``--help`` and ``--version`` therefore import
Click and this package, nothing else; ``health`` never imports Textual, httpx or the pipeline.
"""

from __future__ import annotations

import importlib
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from app.core.collector import COLLECTOR
from app.core.errors import PressboxError

# Register a command with ONE line here: name -> ("module:attribute", "short help").
# tests/cli/test_lazy_commands.py checks every entry imports and that its help matches.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "app.cli.pipeline_cmds:run_command",
        "One scheduled-style run (skipped unless the mode is auto).",
    ),
    "daemon": (
        "app.cli.pipeline_cmds:daemon_command",
        "Run the pipeline on a schedule until SIGTERM or SIGINT (then exit 0).",
    ),
    "replay": (
        "app.cli.replay_cmds:replay_command",
        "Run the pipeline once per recorded run in FOLDER (written with pipeline.record_dir).",
    ),
    "games": (
        "app.cli.query_cmds:games_command",
        "The slate: status, inning, score, best prices, value flags.",
    ),
    "bets": (
        "app.cli.query_cmds:bets_command",
        "Value bets: game, market, outcome, book, price, fair probability, edge, stake.",
    ),
    "runs": (
        "app.cli.query_cmds:runs_command",
        "Run history: id, trigger, outcome, started_at, finished_at, stages.",
    ),
    "db": ("app.cli.db_cmds:db_group", "Database integrity, schema version, backup and restore."),
    "health": (
        "app.cli.health_cmds:health",
        "Pipeline health for cron/systemd/Nagios (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).",
    ),
    "secrets": (
        "app.cli.secrets_cmds:secrets_group",
        "Credentials in the OS keyring (odds-api-key, smtp-password).",
    ),
    "admin-key": (
        "app.cli.admin_cmds:admin_key_group",
        "The admin key that guards break-glass actions (stored only as a scrypt verifier).",
    ),
    "control": (
        "app.cli.control_cmds:control_group",
        "Break-glass actions (admin key, reason, rate limit, audit trail).",
    ),
    "audit": (
        "app.cli.audit_cmds:audit_command",
        "The audit trail of break-glass attempts, newest first.",
    ),
    "clv": (
        "app.cli.clv_cmds:clv_command",
        "Closing-line value of the flagged bets: CLV, beat-the-close share, results.",
    ),
    "calibration": (
        "app.cli.clv_cmds:calibration_command",
        "Score every devig method on the stored closing lines of finished games.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the module behind ``name`` and return its command."""
    module_name, _, attribute = COMMANDS[name][0].partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name][0]} is not a click command")
    return command


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The listing comes from COMMANDS: `--help` imports no command module.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx) if name in COMMANDS]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--demo", is_flag=True, help="Demo database, simulated APIs, no credentials.")
@click.option("--read-only", is_flag=True, help="The desk without break-glass actions.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), help="Database file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML config file.")
@click.option(
    "--version",
    "show_version",
    is_flag=True,
    help="Show the version, the SQLite version and the database's schema version.",
)
@click.option("--create", is_flag=True, help="The desk: create the database if it is missing.")
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help='The desk rewound to TIME, read-only: "2026-07-04 19:42" (local) or with an offset.',
)
@click.pass_context
def cli(
    ctx: click.Context,
    demo: bool,
    read_only: bool,
    db_path: Path | None,
    config_path: Path | None,
    show_version: bool,
    create: bool,
    at_text: str | None,
) -> None:
    """pressbox: monitor and control desk for the MLB betting data pipeline.

    With no command, opens the terminal desk.
    """
    if show_version:
        # Not an eager option: --db, --config and --demo are known by now.
        from app.cli.version import configured_db_path, version_line

        click.echo(version_line(configured_db_path(db_path, config_path, demo=demo)))
        ctx.exit(0)
    loading = None
    if ctx.invoked_subcommand is None:
        from app.cli.settings_fork import SettingsInChild

        # The desk's settings load in a child while this process imports the desk and Textual.
        loading = SettingsInChild(config_path)
    from app.cli.common import CliContext, with_settings

    ctx.obj = CliContext(
        config_path=config_path,
        db_path=db_path,
        demo=demo,
        read_only=read_only,
        loading=loading,
    )
    if ctx.invoked_subcommand is not None:
        COLLECTOR.release()  # a command runs with the collector; the desk gets it back later
    else:
        from app.cli.desk import missing_database, open_desk

        settings = with_settings(ctx)
        at = _moment(at_text, settings.pipeline.timezone) if at_text is not None else None

        if (missing := missing_database(settings, demo=demo, create=create)) is not None:
            _say(f"pressbox: {missing}")
            ctx.exit(1)
        ctx.exit(open_desk(settings, demo=demo, fresh_demo_db=db_path is None, at=at))


def _moment(text: str, tz_name: str) -> datetime:
    """``--at``'s moment; a bad one is a usage error (one line, exit 2)."""
    from app.core.clock import Clock, zone
    from app.core.errors import ConfigurationError
    from app.core.moment import parse_moment

    try:
        return parse_moment(text, zone(tz_name), now=Clock().now())
    except ConfigurationError as exc:
        raise click.BadParameter(exc.one_line(), param_hint="'--at'") from None


def _say(line: str) -> None:
    from app.cli.common import echo_text

    echo_text(line, err=True)


def main() -> None:
    """The console script: a usage mistake is one line on stderr, like every other error."""
    code: Any
    # Off while the command starts (``app.core.collector``): the desk turns it on again once
    # its first frame is drawn, any other command as it runs.
    COLLECTOR.hold()
    try:
        code = cli.main(prog_name="pressbox", standalone_mode=False)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "pressbox"
        _say(f"pressbox: {exc.format_message()} (see `{command} --help`)")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _say(f"pressbox: {exc.format_message()}")
        sys.exit(exc.exit_code)
    except click.Abort:
        _say("pressbox: aborted; nothing was changed")
        sys.exit(1)
    except PressboxError as exc:
        # A command that let a classified error through still ends in one line.
        _say(f"pressbox: {exc.one_line()}")
        sys.exit(exc.exit_code)
    finally:
        COLLECTOR.release()  # whatever ended the command before it was given back
    sys.exit(code if isinstance(code, int) else 0)
