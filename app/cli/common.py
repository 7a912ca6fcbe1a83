"""What every command shares: options, settings loading, the async runner and error lines."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from app.cli.settings_fork import SettingsInChild
from app.core.config import Settings, load_settings
from app.core.errors import PressboxError
from app.core.logging import configure_logging, redact
from app.core.sanitize import clean_line
from app.storage.database import Database

T = TypeVar("T")

# Exit statuses of `pressbox run` (DESIGN.md, command-line contract).
RUN_EXIT = {"ok": 0, "failed": 1, "degraded": 2, "skipped": 3, "abandoned": 1}


@dataclass
class CliContext:
    config_path: Path | None = None
    db_path: Path | None = None
    demo: bool = False
    read_only: bool = False
    # The desk's settings, already loading in a child (``app.cli.settings_fork``).
    loading: SettingsInChild | None = field(default=None, repr=False)
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """Load once; ``--demo`` puts the database at ``demo.db`` beside ``db.path``."""
        if self._settings is None:
            if self.loading is not None:
                settings = self.loading.result()
            else:
                settings = load_settings(self.config_path)
            if self.db_path is not None:
                settings.db.path = self.db_path
            elif self.demo:
                settings.db.path = settings.db.path.with_name("demo.db")
            if self.read_only:
                settings.dashboard.read_only = True
            configure_logging(
                settings.logging.dir,
                settings.logging.level,
                settings.logging.max_bytes,
                settings.logging.backups,
            )
            self._settings = settings
        return self._settings


def echo_text(line: str, *, err: bool = False) -> None:
    """One line of text output, redacted and sanitized: the last guard before the terminal.

    Every non-JSON line of every command goes through here. Untrusted text inside it
    (upstream names, statuses, errors, typed reasons) loses its escape sequences and
    control characters, and a line break inside it shows as a mark, never a new row.
    """
    click.echo(clean_line(redact(line)), err=err)


def fail(message: str, code: int = 2) -> NoReturn:
    """One readable line on stderr, then exit."""
    echo_text(f"pressbox: {message}", err=True)
    sys.exit(code)


@contextmanager
def one_line_errors(
    error: type[PressboxError] = PressboxError, code: int | None = None
) -> Iterator[None]:
    """An ``error`` raised inside ends the command as one line on stderr (``fail``).

    The exit status is ``code``, or the error's own when none is given.
    """
    try:
        yield
    except error as exc:
        fail(exc.one_line(), exc.exit_code if code is None else code)


def parse_slate_date(text: str | None) -> date | None:
    """``--date YYYY-MM-DD``; a bad value is one line and exit 2."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"invalid --date {text!r}: expected YYYY-MM-DD, e.g. 2025-06-14", 2)


def run_async(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; a classified error becomes one line and its exit status."""
    try:
        return asyncio.run(coro_fn())
    except PressboxError as exc:
        fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)


def cli_context(ctx: click.Context) -> CliContext:
    obj = ctx.find_object(CliContext)
    if obj is None:
        obj = ctx.ensure_object(CliContext)
    return obj


def with_settings(ctx: click.Context) -> Settings:
    with one_line_errors():
        return cli_context(ctx).settings()


def existing_database(ctx: click.Context) -> Settings:
    """The settings of a read-only command, whose database must already exist.

    Reading never creates a database (SQLite would make an empty file, and a
    mistyped ``--db`` would then read as "nothing there"): a missing path is one
    line and exit 1, and nothing is created.
    """
    settings = with_settings(ctx)
    path = settings.db.path
    if not path.is_file():
        fail(
            f"database {path} does not exist; nothing was created. Check --db (or db.path); "
            "`pressbox db migrate` or `pressbox run` creates one",
            1,
        )
    return settings


@asynccontextmanager
async def open_existing(settings: Settings) -> AsyncIterator[Database]:
    """Open for reading: never create, never migrate (an old schema is one line, exit 2)."""
    database = Database.from_settings(settings.db)
    await database.open(create=False, migrate=False)
    try:
        yield database
    finally:
        await database.close()


def read_existing(settings: Settings, read: Callable[[Database], Awaitable[T]]) -> T:
    """One read of the existing database (see ``open_existing``); errors as ``run_async``'s."""

    async def body() -> T:
        async with open_existing(settings) as database:
            return await read(database)

    return run_async(body)


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH`` on a subcommand overrides the group's and the settings'."""

    def store(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            cli_context(ctx).db_path = value

    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path),
        default=None,
        expose_value=False,
        callback=store,
        help="Database file (default: db.path).",
        is_eager=True,
    )(fn)


def demo_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    def store(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            cli_context(ctx).demo = True

    return click.option(
        "--demo",
        is_flag=True,
        expose_value=False,
        callback=store,
        is_eager=True,
        help="Use the demo database and the simulated APIs.",
    )(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)


def database_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Which database a command works on: ``--db PATH`` and ``--demo``."""
    return db_option(demo_option(fn))


def read_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What every read command takes: ``--db PATH``, ``--demo`` and ``--json``."""
    return database_options(json_option(fn))


def utc_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--utc", is_flag=True, help="Times in UTC (default: pipeline.timezone, labelled)."
    )(fn)


def echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


def record_json(record: object, *names: str) -> dict[str, Any]:
    """The named attributes of a read model as one ``--json`` object, each under its own name.

    Each argument holds one or more names separated by spaces. The names are the command's
    JSON contract, written out on purpose: a field added to the model is not printed until
    it is named here, and renaming one breaks the command's tests, not its readers.
    """
    return {name: getattr(record, name) for group in names for name in group.split()}
