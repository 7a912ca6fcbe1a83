"""``pressbox db check``, ``db migrate``, ``db backup PATH`` and ``db restore PATH``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from app.cli.common import (
    database_options,
    echo_json,
    echo_text,
    existing_database,
    fail,
    one_line_errors,
    read_options,
    run_async,
    with_settings,
)
from app.core.errors import StorageError
from app.core.private_files import exposure_warnings
from app.storage.database import (
    CORRUPT_HINT,
    MIN_SAFE_SQLITE,
    Database,
    damage_report,
    schema_version_on_disk,
    sqlite_version,
    sqlite_version_is_safe,
)
from app.storage.schema import SCHEMA_VERSION

_MIN_SAFE = ".".join(str(p) for p in MIN_SAFE_SQLITE)


@click.group("db")
def db_group() -> None:
    """Database integrity, schema version, backup and restore."""


@db_group.command("check")
@read_options
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Integrity check, schema version and the linked SQLite version (exit 1 on a problem)."""
    settings = existing_database(ctx)

    async def inspect() -> tuple[int, list[str]]:
        database = Database.from_settings(settings.db)
        # A check never migrates: it reports what is there.
        await database.open(create=False, migrate=False)
        try:
            return await database.schema_version(), await damage_report(database)
        finally:
            await database.close()

    # For `db check` an unusable database is the problem it was asked to find: exit 1.
    with one_line_errors(StorageError, 1):
        version, problems = asyncio.run(inspect())
    safe = sqlite_version_is_safe()
    notes = (
        []
        if safe
        else [
            f"SQLite {sqlite_version()} is older than {_MIN_SAFE} "
            "(WAL-reset bug, sqlite.org/wal.html); "
            "upgrade the system SQLite or Python"
        ]
    ) + exposure_warnings(settings.db.path)
    if as_json:
        echo_json(
            {
                "path": str(settings.db.path),
                "ok": not problems,
                "problems": problems,
                "schema_version": version,
                "supported_schema_version": SCHEMA_VERSION,
                "sqlite_version": sqlite_version(),
                "sqlite_version_ok": safe,
                "notes": notes,
            }
        )
    else:
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        echo_text(
            f"{settings.db.path}: {status}; schema {version}/{SCHEMA_VERSION}; "
            f"SQLite {sqlite_version()}"
        )
        for problem in problems:
            echo_text(f"  problem: {problem}")
        if problems:
            echo_text(f"  what to do: {CORRUPT_HINT}")
        for note in notes:
            echo_text(f"  warning: {note}")
    ctx.exit(1 if problems else 0)


@db_group.command("migrate")
@database_options
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date (forward only)."""
    settings = with_settings(ctx)

    async def upgrade() -> tuple[int, int]:
        database = Database.from_settings(settings.db)
        before = await _version_before(database)
        await database.open(create=True, migrate=True)
        try:
            return before, await database.schema_version()
        finally:
            await database.close()

    before, after = run_async(upgrade)
    if before == after:
        echo_text(f"{settings.db.path}: schema {after} is current; nothing to do")
    else:
        echo_text(f"{settings.db.path}: migrated schema {before} -> {after}")


async def _version_before(database: Database) -> int:
    """The schema version on disk before migrating (0 for a new file)."""
    return schema_version_on_disk(database.path)


@db_group.command("backup")
@database_options
@click.argument("target", type=click.Path(path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, target: Path) -> None:
    """Copy the database to the new file TARGET (0600), verified, while the daemon runs."""
    from app.storage.backup import backup

    settings = existing_database(ctx)
    with one_line_errors(StorageError, 1):
        report = backup(settings.db.path, target, busy_timeout_ms=settings.db.busy_timeout_ms)
    echo_text(
        f"{settings.db.path} -> {report.path}: {report.size_bytes} bytes, "
        f"schema {report.schema_version}, integrity_check ok"
    )


@db_group.command("restore")
@database_options
@click.argument("source", type=click.Path(path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, source: Path) -> None:
    """Replace the database with the verified backup SOURCE (refused while the daemon runs).

    The current file is first copied beside itself as DB.before-restore-STAMP.
    """
    from app.core.clock import Clock
    from app.storage.backup import backup, restore, running_daemon, verify
    from app.storage.daemon_state import daemon_fresh_s

    settings = with_settings(ctx)
    target = settings.db.path
    now = Clock().now()
    busy = settings.db.busy_timeout_ms
    with one_line_errors(StorageError, 1):
        verify(source, busy)
        holder = running_daemon(target, now, daemon_fresh_s(settings))
        if holder is not None:
            fail(f"{holder}; stop it first (systemctl stop pressbox-daemon); nothing changed", 1)
        if target.is_file():
            safety = target.with_name(f"{target.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
            try:
                backup(target, safety, busy_timeout_ms=busy)
                echo_text(f"current database kept as {safety}")
            except StorageError as exc:
                echo_text(f"warning: the current database could not be kept ({exc.one_line()})")
        version = restore(source, target, busy_timeout_ms=busy)
    echo_text(f"{source} -> {target}: restored, schema {version}, integrity_check ok")
    if version < SCHEMA_VERSION:
        echo_text(f"  next: `pressbox db migrate` brings schema {version} to {SCHEMA_VERSION}")


commands: list[click.Command] = [db_group]
