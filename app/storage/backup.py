"""Online backup and restore of the database file, with SQLite's backup API.

``backup`` copies a consistent snapshot while the daemon keeps writing (one backup step
reads one snapshot; in WAL mode the writer is not blocked), into a 0600 file that is
checked with ``PRAGMA integrity_check`` before it takes its final name: a copy that
exists is a copy that passed. ``restore`` verifies its source the same way and writes
it into the live database through the same API, in one transaction: a desk that has
the file open sees the restored content as one more commit, never a half-copied file
or a stale ``-wal`` applied to a new one.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.clock import parse_iso
from app.core.errors import StorageError
from app.core.private_files import create_private_file
from app.storage.lease import PIPELINE, pid_alive, this_host
from app.storage.schema import SCHEMA_VERSION
from app.storage.sqlite_errors import classify

_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    schema_version: int


@contextmanager
def _connect(
    path: Path, busy_timeout_ms: int, *, read_only: bool = False
) -> Iterator[sqlite3.Connection]:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise classify(exc, path, "opening") from None
    with closing(conn):
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        yield conn


def verify(path: Path, busy_timeout_ms: int = 5000) -> int:
    """The schema version of a database file that passes ``integrity_check``; else one line."""
    if not path.is_file():
        raise StorageError(f"{path} does not exist or is not a file", hint="Check the path.")
    with path.open("rb") as handle:
        if handle.read(16) != _HEADER:
            raise StorageError(
                f"{path} is not an SQLite database",
                hint="Point at a file `pressbox db backup` wrote.",
            )
    try:
        with _connect(path, busy_timeout_ms, read_only=True) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise classify(exc, path, "verifying") from None
    if problems != ["ok"]:
        raise StorageError(
            f"{path} fails integrity_check ({problems[0]})",
            hint="Use another backup; this one is damaged.",
        )
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} is at schema version {version}, newer than this pressbox ({SCHEMA_VERSION})",
            hint="Restore it with the pressbox that wrote it, or upgrade pressbox first.",
        )
    return version


def _partial_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _copy(source: Path, target: Path, busy_timeout_ms: int, *, standalone: bool = False) -> None:
    """Write ``source`` into ``target`` (created 0600 if new) with SQLite's backup API.

    ``standalone``: leave ``target`` one self-contained file, with no ``-wal`` beside it.
    """
    create_private_file(target)
    with (
        _connect(source, busy_timeout_ms, read_only=True) as src,
        _connect(target, busy_timeout_ms) as dst,
    ):
        # pages=-1: one step, one snapshot of the source, however much the daemon writes meanwhile.
        src.backup(dst, pages=-1)
        if standalone:
            dst.execute("PRAGMA journal_mode=DELETE")


@contextmanager
def _copy_errors(database: Path, doing: str, written: str, left: str) -> Iterator[None]:
    """A failed copy as one line: SQLite's error classified, or what could not be written."""
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc, database, doing) from None
    except OSError as exc:
        raise StorageError(
            f"cannot write {written} ({exc.strerror}); {left}",
            hint="Check the directory's space and permissions.",
        ) from None


def backup(source: Path, target: Path, *, busy_timeout_ms: int = 5000) -> BackupReport:
    """Copy ``source`` to the new file ``target`` (0600), verified; nothing is left on failure."""
    if target.exists():
        raise StorageError(
            f"{target} already exists; nothing was written",
            hint="Give a new file name (backups are never overwritten).",
        )
    if not target.parent.is_dir():
        raise StorageError(
            f"directory {target.parent} does not exist; nothing was written",
            hint="Create it first (mode 0700), or give another path.",
        )
    if not source.is_file():
        raise StorageError(
            f"database {source} does not exist; nothing to back up", hint="Check --db (or db.path)."
        )
    partial = _partial_name(target)
    try:
        with _copy_errors(source, "backing up", f"the backup {target}", "nothing was kept"):
            _copy(source, partial, busy_timeout_ms, standalone=True)
            version = verify(partial, busy_timeout_ms)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
    finally:
        with suppress(OSError):
            partial.unlink()
    return BackupReport(target, target.stat().st_size, version)


def running_daemon(path: Path, now: datetime, fresh_s: float) -> str | None:
    """Who is using the database for runs (a live daemon, a held lease), or None.

    A file that cannot be read has no daemon that could use it: that is what a
    restore is for.
    """
    if not path.is_file():
        return None
    try:
        with _connect(path, 5000, read_only=True) as conn:
            conn.row_factory = sqlite3.Row
            daemon = conn.execute("SELECT * FROM daemon_state WHERE id = 1").fetchone()
            lease = conn.execute("SELECT * FROM lease WHERE name = ?", (PIPELINE,)).fetchone()
    except (sqlite3.Error, StorageError):
        return None
    host = this_host()
    if daemon is not None and daemon["stopped_at"] is None:
        beat_age = (now - parse_iso(daemon["heartbeat_at"])).total_seconds()
        same_host_alive = daemon["host"] == host and pid_alive(int(daemon["pid"]))
        if beat_age <= fresh_s or same_host_alive:
            return f"the daemon (pid {daemon['pid']} on {daemon['host']}) is running"
    if lease is not None and lease["owner_pid"] is not None and lease["expires_at"] is not None:
        expired = parse_iso(lease["expires_at"]) <= now
        dead = lease["owner_host"] == host and not pid_alive(int(lease["owner_pid"]))
        if not expired and not dead:
            return f"a run holds the lease (pid {lease['owner_pid']} on {lease['owner_host']})"
    return None


def restore(source: Path, target: Path, *, busy_timeout_ms: int = 5000) -> int:
    """Replace the content of ``target`` with the verified ``source``, in one transaction.

    Returns the restored schema version. The caller has checked that no daemon runs.
    """
    version = verify(source, busy_timeout_ms)
    if target.is_dir():
        raise StorageError(f"database path {target} is a directory", hint="Point --db at a file.")
    with _copy_errors(target, "restoring", str(target), "it was not changed"):
        _copy(source, target, busy_timeout_ms)
    verify(target, busy_timeout_ms)
    return version
