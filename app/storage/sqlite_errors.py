"""SQLite failures turned into classified ``StorageError``s, as ``sources/http.py`` does for HTTP.

``Database`` is the only place that talks to SQLite, so it is the only place that
sees a raw ``sqlite3.Error``: it hands every one to ``classify`` and raises the
result. Callers above storage catch ``StorageError`` (or ``PressboxError``) and
never import ``sqlite3`` to make up for a missing classification.

Each kind says what happened, why it usually happens and what to do, in one line.
A busy or locked database is the one kind worth retrying: another process holds
the write lock for longer than ``db.busy_timeout_ms``.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path

from app.core.errors import ErrorKind, StorageError

_MAX_DETAIL = 160


class StorageFault(StrEnum):
    BUSY = "busy"  # another connection holds the lock past the busy timeout
    READ_ONLY = "read-only"  # the file, its directory or the mount refuses writes
    FULL = "full"  # the disk (or a size limit) is full
    CORRUPT = "corrupt"  # the file is damaged or not an SQLite database
    SCHEMA = "schema"  # a table or column the code expects is missing
    REFUSED = "refused"  # a constraint or trigger refused the statement
    OTHER = "other"


class ClassifiedStorageError(StorageError):
    """A ``StorageError`` that knows which SQLite condition caused it."""

    def __init__(self, fault: StorageFault, message: str, *, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.fault = fault
        if fault is StorageFault.BUSY:
            self.kind = ErrorKind.TRANSIENT


_BY_CODE: dict[int, StorageFault] = {
    sqlite3.SQLITE_BUSY: StorageFault.BUSY,
    sqlite3.SQLITE_LOCKED: StorageFault.BUSY,
    sqlite3.SQLITE_READONLY: StorageFault.READ_ONLY,
    sqlite3.SQLITE_PERM: StorageFault.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: StorageFault.READ_ONLY,
    sqlite3.SQLITE_FULL: StorageFault.FULL,
    sqlite3.SQLITE_CORRUPT: StorageFault.CORRUPT,
    sqlite3.SQLITE_NOTADB: StorageFault.CORRUPT,
    sqlite3.SQLITE_SCHEMA: StorageFault.SCHEMA,
    sqlite3.SQLITE_CONSTRAINT: StorageFault.REFUSED,
}

# Errors raised before SQLite answers (or by older drivers) carry no code: go by the text.
_BY_TEXT: tuple[tuple[str, StorageFault], ...] = (
    ("database is locked", StorageFault.BUSY),
    ("database table is locked", StorageFault.BUSY),
    ("readonly database", StorageFault.READ_ONLY),
    ("unable to open database", StorageFault.READ_ONLY),
    ("disk is full", StorageFault.FULL),
    ("malformed", StorageFault.CORRUPT),
    ("not a database", StorageFault.CORRUPT),
    ("no such table", StorageFault.SCHEMA),
    ("no such column", StorageFault.SCHEMA),
    ("has no column", StorageFault.SCHEMA),
)

_WHY_AND_WHAT: dict[StorageFault, tuple[str, str]] = {
    StorageFault.BUSY: (
        "is busy: another process held its lock past db.busy_timeout_ms",
        "It is usually temporary; try again, or raise db.busy_timeout_ms if it keeps happening.",
    ),
    StorageFault.READ_ONLY: (
        "cannot be written: the file, its directory or the mount is read-only to this user",
        "Run as the account that owns the database, or fix its permissions.",
    ),
    StorageFault.FULL: (
        "cannot grow: the disk is full",
        "Free disk space (old backups, logs), then try again; nothing half-written was kept.",
    ),
    StorageFault.CORRUPT: (
        "is damaged or is not an SQLite database",
        "Run `pressbox db check`, and restore it from a backup if it fails.",
    ),
    StorageFault.SCHEMA: (
        "does not have the tables this pressbox expects",
        "Run `pressbox db migrate` (or `pressbox db check` to see the schema version).",
    ),
    StorageFault.REFUSED: (
        "refused the change",
        "This is a bug in pressbox if it was not a deliberate tamper test; report it.",
    ),
    StorageFault.OTHER: (
        "failed",
        "Run `pressbox db check` for details.",
    ),
}


def fault_of(exc: sqlite3.Error) -> StorageFault:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        # Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DIRECTORY ...) share the low byte.
        fault = _BY_CODE.get(code & 0xFF)
        if fault is not None:
            return fault
    text = str(exc).lower()
    for needle, fault in _BY_TEXT:
        if needle in text:
            return fault
    return StorageFault.OTHER


def _detail(exc: sqlite3.Error) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def classify(exc: sqlite3.Error, path: Path, doing: str) -> ClassifiedStorageError:
    """The one-line ``StorageError`` for ``exc``, met while ``doing`` (e.g. "reading")."""
    fault = fault_of(exc)
    why, what = _WHY_AND_WHAT[fault]
    return ClassifiedStorageError(
        fault, f"database {path} {why} while {doing} ({_detail(exc)})", hint=what
    )
