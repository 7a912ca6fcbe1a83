"""The helpers every command shares: ``record_json``, ``read_existing``, ``read_options``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app.cli.common import (
    CliContext,
    one_line_errors,
    read_existing,
    read_options,
    record_json,
)
from app.core.errors import ConfigurationError, StorageError
from app.storage.database import Database
from app.storage.read.clv_models import ClosedBet
from app.storage.read.models import Price
from app.storage.schema import SCHEMA_VERSION


def test_record_json_takes_the_named_fields_and_properties() -> None:
    price = Price(114, "draftkings")
    assert record_json(price, "book price", "point") == {
        "book": "draftkings",
        "price": 114,
        "point": None,
    }
    assert record_json(price, "price") == {"price": 114}, "an unnamed field is not printed"
    bet = ClosedBet(
        "ev1", "NYY @ BOS", "2024-07-01", "h2h", "Boston Red Sox", 0.0, "draftkings", 114, 0.49,
        0.0486, 1.0, "t1", "t2", 0.52, 105, 0.0608, "won", 1.14,
    )  # fmt: skip
    assert record_json(bet, "clv beat_close") == {"clv": 0.0608, "beat_close": True}


def test_record_json_refuses_a_name_the_record_does_not_have() -> None:
    with pytest.raises(AttributeError, match="stake"):
        record_json(Price(-110, "fanduel", 1.5), "book stake")


def test_read_existing_reads_then_closes_the_database(tmp_path: Path) -> None:
    settings = CliContext(db_path=tmp_path / "read.db").settings()

    async def create() -> None:
        async with Database.from_settings(settings.db):
            pass

    asyncio.run(create())
    seen: list[Database] = []

    async def version(database: Database) -> int:
        seen.append(database)
        return await database.schema_version()

    assert read_existing(settings, version) == SCHEMA_VERSION
    with pytest.raises(StorageError, match="not open"):
        asyncio.run(seen[0].schema_version())


def test_read_existing_turns_a_storage_error_into_one_line(tmp_path: Path) -> None:
    settings = CliContext(db_path=tmp_path / "absent.db").settings()

    async def never(_database: Database) -> int:
        raise AssertionError("a missing file is never read")

    with pytest.raises(SystemExit) as exited:
        read_existing(settings, never)
    assert exited.value.code != 0
    assert not (tmp_path / "absent.db").exists(), "reading never creates a database"


def test_read_options_are_db_demo_and_json() -> None:
    @click.command()
    @read_options
    @click.pass_context
    def show(ctx: click.Context, as_json: bool) -> None:
        context = ctx.ensure_object(CliContext)
        click.echo(f"{context.db_path} {context.demo} {as_json}")

    result = CliRunner().invoke(show, ["--db", "x.db", "--demo", "--json"])
    assert result.output.strip() == "x.db True True"
    assert CliRunner().invoke(show, []).output.strip() == "None False False"


def test_one_line_errors_end_the_command_with_the_errors_status_or_the_given_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited, one_line_errors():
        raise ConfigurationError("db.path is a directory", hint="Point it at a file.")
    assert exited.value.code == ConfigurationError("x").exit_code
    assert capsys.readouterr().err == "pressbox: db.path is a directory. Point it at a file.\n"

    with pytest.raises(SystemExit) as exited, one_line_errors(StorageError, 1):
        raise StorageError("database is busy", hint="Try again.")
    assert exited.value.code == 1


def test_one_line_errors_let_other_errors_through() -> None:
    with pytest.raises(ConfigurationError), one_line_errors(StorageError, 1):
        raise ConfigurationError("not a storage error")
