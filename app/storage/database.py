"""The one ``Database`` object of a process.

It owns two long-lived aiosqlite connections: a *reader* (snapshots and the
``PRAGMA data_version`` change counter, which only moves when another
connection commits) and a *writer* (short ``BEGIN IMMEDIATE`` transactions,
serialised by a lock). Both are opened by ``open()`` and closed by
``close()``; use the object as an async context manager so that they are
closed on error too: an unclosed aiosqlite connection keeps a thread alive
and the process from exiting.

Every ``sqlite3`` error met through this object leaves it as a classified
``StorageError`` (``app.storage.sqlite_errors``): nothing above storage needs to
know that SQLite exists.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from pathlib import Path
from types import TracebackType

import aiosqlite

from app.core.config import DbSettings
from app.core.errors import SchemaTooNewError, StorageError
from app.core.private_files import create_private_file
from app.storage.schema import MIGRATIONS, SCHEMA_VERSION
from app.storage.sqlite_errors import classify

# Below this SQLite has the WAL-reset bug (https://sqlite.org/wal.html).
MIN_SAFE_SQLITE = (3, 51, 3)


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def sqlite_version_is_safe(version: str | None = None) -> bool:
    parts = tuple(int(p) for p in (version or sqlite3.sqlite_version).split("."))
    return parts >= MIN_SAFE_SQLITE


def schema_version_on_disk(path: Path) -> int:
    """The schema version of a file without opening it for writing (0: new or unreadable).

    For reports such as ``db migrate``'s "from -> to"; ``Database.open`` says in one
    line what is wrong with a file this cannot read.
    """
    if not path.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def _describe(exc: sqlite3.Error) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def open_failure(path: Path, exc: sqlite3.Error) -> StorageError:
    """Why a database could not be opened, with the advice that fits the cause.

    A read-only file or mount and a full disk are not damage: "restore it from a
    backup" would send the operator the wrong way.
    """
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    text = str(exc).lower()
    detail = _describe(exc)
    if code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM) or "readonly" in text:
        return StorageError(
            f"database {path} is read-only to this process ({detail})",
            hint="Run as the account that owns it, fix the file's and directory's permissions, "
            "or remount the filesystem read-write; nothing was written.",
        )
    if code & 0xFF == sqlite3.SQLITE_FULL or "disk is full" in text:
        return StorageError(
            f"database {path} cannot grow: the disk is full ({detail})",
            hint="Free disk space (old backups, logs), then try again; "
            "nothing half-written was kept.",
        )
    return StorageError(
        f"database {path} cannot be used ({detail})",
        hint="Restore it from a backup or point --db at another file; nothing was written.",
    )


class Database:
    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._reader: aiosqlite.Connection | None = None
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: DbSettings) -> Database:
        return cls(settings.path, busy_timeout_ms=settings.busy_timeout_ms)

    # -- lifecycle -------------------------------------------------------

    async def open(self, *, create: bool = True, migrate: bool = True) -> Database:
        """Validate the file, refuse a newer schema, then migrate if asked.

        Nothing is written to a file that turns out to be corrupt, a
        directory, or from a newer schema.
        """
        self._check_path(create)
        try:
            self._writer = await self._connect()
            version = await self._user_version(self._writer)
            if version > SCHEMA_VERSION:
                raise SchemaTooNewError(version, SCHEMA_VERSION)
            if version < SCHEMA_VERSION and not migrate:
                raise StorageError(
                    f"database {self.path} is at schema version {version}, "
                    f"this pressbox needs {SCHEMA_VERSION}",
                    hint="Run `pressbox db migrate`.",
                )
            await self._writer.execute("PRAGMA journal_mode=WAL")
            await self._writer.execute("PRAGMA synchronous=NORMAL")
            if version < SCHEMA_VERSION:
                await self._migrate(self._writer)
            self._reader = await self._connect()
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise open_failure(self.path, exc) from None
        except BaseException:
            await self.close()
            raise
        return self

    def _check_path(self, create: bool) -> None:
        if self.path.is_dir():
            raise StorageError(
                f"database path {self.path} is a directory",
                hint="Point --db (or PRESSBOX_DB__PATH) at a file.",
            )
        if not self.path.exists():
            if not create:
                raise StorageError(
                    f"database {self.path} does not exist",
                    hint="Run `pressbox run` or `pressbox db migrate` to create it, or check --db.",
                )
            try:
                # SQLite gives -wal and -shm the database file's mode: 0600 from birth.
                create_private_file(self.path)
            except OSError as exc:
                raise StorageError(
                    f"cannot create {self.path} ({exc.strerror})",
                    hint="Check the path and its permissions.",
                ) from None
        elif self.path.stat().st_size > 0:
            with self.path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise StorageError(
                        f"{self.path} is not an SQLite database (corrupt or another kind of file)",
                        hint="Restore it from a backup or point --db at another file; "
                        "nothing was written.",
                    )

    async def _connect(self) -> aiosqlite.Connection:
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(
                f"cannot open database {self.path} ({_describe(exc)})",
                hint="Check the path and its permissions.",
            ) from None
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        await conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @staticmethod
    async def _user_version(conn: aiosqlite.Connection) -> int:
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        async with self._write_lock:
            while True:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    version = await self._user_version(conn)
                    if version >= SCHEMA_VERSION:
                        await conn.execute("COMMIT")
                        return
                    # executescript would commit our transaction; run statements one by one.
                    for statement in _split_sql(MIGRATIONS[version]):
                        await conn.execute(statement)
                    await conn.execute(f"PRAGMA user_version={version + 1}")
                    await conn.execute("COMMIT")
                except BaseException:
                    await conn.execute("ROLLBACK")
                    raise

    async def close(self) -> None:
        for attr in ("_reader", "_writer"):
            conn = getattr(self, attr)
            setattr(self, attr, None)
            if conn is not None:
                with suppress(sqlite3.Error, ValueError):
                    await conn.close()

    async def __aenter__(self) -> Database:
        if self._writer is None:
            await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    # -- access ----------------------------------------------------------

    def _require(self, conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise StorageError("database is not open", hint="This is a bug in pressbox.")
        return conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short ``BEGIN IMMEDIATE`` transaction; committed on success, rolled back on error."""
        conn = self._require(self._writer)
        async with self._write_lock:
            with self._classified("starting a write"):
                await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except sqlite3.Error as exc:
                await self._rollback(conn)
                raise classify(exc, self.path, "writing") from exc
            except BaseException:
                await self._rollback(conn)
                raise
            else:
                with self._classified("committing a write"):
                    await conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent read snapshot (one deferred transaction)."""
        conn = self._require(self._reader)
        async with self._read_lock:
            with self._classified("starting a read"):
                await conn.execute("BEGIN")
            try:
                yield conn
            except sqlite3.Error as exc:
                raise classify(exc, self.path, "reading") from exc
            finally:
                # Ending a read snapshot cannot lose data; a failure here must not hide the
                # caller's own error, and the next BEGIN reports a connection that is broken.
                with suppress(sqlite3.Error):
                    await conn.execute("COMMIT")

    @contextmanager
    def _classified(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise classify(exc, self.path, doing) from exc

    @staticmethod
    async def _rollback(conn: aiosqlite.Connection) -> None:
        # A failed COMMIT or a full disk may already have ended the transaction.
        with suppress(sqlite3.Error):
            await conn.execute("ROLLBACK")

    async def data_version(self) -> int:
        """Cheap change counter: moves whenever another connection commits."""
        conn = self._require(self._reader)
        with self._classified("checking for changes"):
            async with self._read_lock, conn.execute("PRAGMA data_version") as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def schema_version(self) -> int:
        with self._classified("reading the schema version"):
            return await self._user_version(self._require(self._reader))

    async def integrity_problems(self) -> list[str]:
        """Empty when ``PRAGMA integrity_check`` and ``foreign_key_check`` pass."""
        conn = self._require(self._reader)
        problems: list[str] = []
        with self._classified("checking integrity"):
            return await self._integrity(conn, problems)

    async def _integrity(self, conn: aiosqlite.Connection, problems: list[str]) -> list[str]:
        async with self._read_lock:
            async with conn.execute("PRAGMA integrity_check") as cursor:
                rows = await cursor.fetchall()
            problems.extend(str(r[0]) for r in rows if str(r[0]) != "ok")
            async with conn.execute("PRAGMA foreign_key_check") as cursor:
                fk_rows = await cursor.fetchall()
            problems.extend(f"foreign key violation in {r[0]} row {r[1]}" for r in fk_rows)
        return problems


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        current.append(line)
        candidate = "\n".join(current).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return [s for s in statements if s.strip(" ;\n")]


@asynccontextmanager
async def open_database(
    path: Path, *, busy_timeout_ms: int = 5000, create: bool = True, migrate: bool = True
) -> AsyncIterator[Database]:
    db = Database(path, busy_timeout_ms=busy_timeout_ms)
    await db.open(create=create, migrate=migrate)
    try:
        yield db
    finally:
        await db.close()


async def damage_report(db: Database, *, quick: bool = False) -> list[str]:
    """What is wrong inside an open database file; empty when it is sound.

    ``quick`` runs ``PRAGMA quick_check`` (every page, no index cross-check: fit for
    ``health`` and before each ``run``); otherwise the full integrity and
    foreign-key checks. A file too damaged to finish the check is one problem, never
    a crash: ``db check`` reports it, ``health`` turns CRITICAL, ``run`` writes nothing.
    """
    try:
        if not quick:
            return await db.integrity_problems()
        async with db.read() as conn, conn.execute("PRAGMA quick_check") as cursor:
            rows = await cursor.fetchall()
        return [str(r[0]) for r in rows if str(r[0]) != "ok"]
    except sqlite3.DatabaseError as exc:
        return [f"the check could not finish: {_describe(exc)}"]
    except StorageError as exc:
        return [f"the check could not finish: {exc.message}"]


CORRUPT_HINT = (
    "Stop the daemon, keep a copy of the file, restore the latest backup "
    "(or point --db at a new file); `pressbox db check` lists the damage."
)
