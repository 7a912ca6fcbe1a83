"""Lazy subcommands: what each command imports, the lazy map, ``--version`` and completion."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app import __version__
from app.cli.main import COMMANDS, cli, load_command
from app.cli.version import configured_db_path
from app.core.config import load_settings
from app.storage.schema import SCHEMA_VERSION
from tests.support.pipeline import pressbox_bin

# Runs the console entry point with argv, then prints the top-level packages and the
# pressbox modules that were imported (the exit status of the command is ignored).
_PROBE = """
import atexit, json, sys
def report():
    names = sorted(sys.modules)
    print(json.dumps(names), file=sys.__stderr__)
atexit.register(report)
sys.argv = ["pressbox", *json.loads(sys.argv[1])]
from app.cli.main import main
main()
"""


def imported_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    last = result.stderr.strip().splitlines()[-1]
    return set(json.loads(last))


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


HEAVY = {"textual", "httpx", "rich", "keyring", "structlog", "stamina", "aiosmtplib"}


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_click_and_the_cli_package_only(flag: str) -> None:
    modules = imported_by(flag)
    ours = {m for m in modules if m == "app" or m.startswith("app.")}
    allowed = {"app", "app.cli", "app.cli.main", "app.cli.version", "app.core"}
    allowed |= {"app.core.paths", "app.core.errors", "app.core.collector"}  # standard library only
    assert ours <= allowed
    third_party = _roots(modules) & {"pydantic", "pydantic_settings", "aiosqlite", *HEAVY}
    assert third_party == set()
    assert "click" in modules


def test_health_imports_neither_textual_nor_httpx_nor_the_pipeline_runner(tmp_path: Path) -> None:
    modules = imported_by("--db", str(tmp_path / "none.db"), "health")
    assert _roots(modules) & HEAVY == set()
    forbidden = ("app.tui", "app.runtime", "app.sources", "app.alerts", "app.control")
    assert {m for m in modules if m.startswith(forbidden)} == set()
    assert {
        "app.pipeline.runner",
        "app.pipeline.stages",
        "app.pipeline.scheduler",
    } & modules == set()
    assert "app.pipeline.health" in modules  # the check did run


def test_a_query_command_does_not_load_the_desk(tmp_path: Path) -> None:
    modules = imported_by("--db", str(tmp_path / "none.db"), "runs")
    assert "textual" not in _roots(modules)
    assert "app.cli.db_cmds" not in modules  # only the module of the command that runs


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_lazy_entry_loads_its_command_with_the_listed_help(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    assert command.get_short_help_str(limit=200) == COMMANDS[name][1]


def test_help_lists_every_command_and_an_unknown_one_is_a_usage_error() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"])
    assert listing.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in listing.output
    unknown = runner.invoke(cli, ["no-such-command"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def test_version_names_pressbox_sqlite_and_the_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "missing.db"
    shown = runner.invoke(cli, ["--db", str(missing), "--version"])
    assert shown.exit_code == 0
    assert shown.output.strip() == (
        f"pressbox {__version__}; SQLite {sqlite3.sqlite_version}; schema no database ({missing})"
    )
    assert not missing.exists()
    made = tmp_path / "made.db"
    assert runner.invoke(cli, ["--db", str(made), "db", "migrate"]).exit_code == 0
    shown = runner.invoke(cli, ["--db", str(made), "--version"])
    assert f"; schema {SCHEMA_VERSION} ({made})" in shown.output
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    shown = runner.invoke(cli, ["--db", str(junk), "--version"])
    assert shown.exit_code == 0 and "schema unreadable (" in shown.output


def test_version_finds_the_database_the_settings_would_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def agree(config: Path | None = None, *, demo: bool = False) -> Path:
        found = configured_db_path(None, config, demo=demo)
        settings = load_settings(config)
        expected = settings.db.path.with_name("demo.db") if demo else settings.db.path
        assert found == expected
        return found

    agree()
    agree(demo=True)
    toml = tmp_path / "config.toml"
    toml.write_text('[db]\npath = "/srv/from-toml.db"\n')
    assert agree(toml) == Path("/srv/from-toml.db")
    Path(".env").write_text("PRESSBOX_DB__PATH=/srv/from-dotenv.db\n")
    assert agree(toml) == Path("/srv/from-dotenv.db")
    monkeypatch.setenv("PRESSBOX_DB__PATH", "/srv/from-env.db")
    assert agree(toml) == Path("/srv/from-env.db")
    assert configured_db_path(Path("/srv/flag.db"), toml, demo=False) == Path("/srv/flag.db")


def test_bash_completion_script_and_completion_of_command_names() -> None:
    env = {**os.environ, "_PRESSBOX_COMPLETE": "bash_source"}
    script = subprocess.run(
        [pressbox_bin()], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "_pressbox_completion" in script.stdout and "complete " in script.stdout
    env.update(_PRESSBOX_COMPLETE="bash_complete", COMP_WORDS="pressbox db ba", COMP_CWORD="2")
    words = subprocess.run(
        [pressbox_bin()], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "plain,backup" in words.stdout.split()
    env.update(COMP_WORDS="pressbox he", COMP_CWORD="1")
    words = subprocess.run(
        [pressbox_bin()], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "plain,health" in words.stdout.split()


def test_the_lazy_group_is_a_click_group() -> None:
    assert isinstance(cli, click.Group)
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)


async def test_a_read_only_desk_builds_no_control_service(tmp_path: Path) -> None:
    from app.cli.desk import desk_parts
    from app.storage.database import Database

    settings = load_settings(dotenv_path=None, db={"path": tmp_path / "desk.db"})
    settings.dashboard.read_only = True
    async with Database.from_settings(settings.db) as db:
        parts = await desk_parts(settings, db, demo=False)
        assert parts.control is None and parts.background is None and parts.notices == ()
        settings.dashboard.read_only = False
        full = await desk_parts(settings, db, demo=False)
        assert full.control is not None and full.control.execute is not None
