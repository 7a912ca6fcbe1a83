"""A lockout and failures recorded by the first schema survive the migration that adds scopes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from app.control import lockout
from app.core.clock import FixedClock, iso
from app.core.config import SecuritySettings
from app.storage.database import Database, _split_sql
from app.storage.schema import MIGRATIONS

from .conftest import ACTOR


def first_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    for statement in _split_sql(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


async def test_an_old_lock_and_old_failures_still_hold(db_path: Path, clock: FixedClock) -> None:
    now = clock.now()
    first_schema(db_path)
    conn = sqlite3.connect(db_path)
    for minutes in (3, 2, 1):
        conn.execute(
            "INSERT INTO auth_failures (at, action, who, host, pid) VALUES (?, 'override', "
            "'mallory@h', 'h', 1)",
            (iso(now - timedelta(minutes=minutes)),),
        )
    conn.execute(
        "INSERT INTO auth_lockout (id, locked_until, cleared_at) VALUES (1, ?, ?)",
        (iso(now + timedelta(minutes=5)), iso(now - timedelta(minutes=10))),
    )
    conn.commit()
    conn.close()

    settings = SecuritySettings(global_max_attempts=4)
    async with Database(db_path) as db, db.write() as wconn:
        lock = await lockout.current_lock(wconn, ACTOR, now, settings)
        assert lock is not None and lock.scope is lockout.LockScope.GLOBAL
        # After the old lock ends, the three old failures still count globally.
        later = now + timedelta(minutes=6)
        assert await lockout.current_lock(wconn, ACTOR, later, settings) is None
        first = await lockout.reserve(
            wconn, action="override", actor=ACTOR, now=later, settings=settings
        )
        second = await lockout.reserve(
            wconn, action="override", actor=ACTOR, now=later, settings=settings
        )
    assert first.attempt_id is not None and first.lock is None
    assert second.attempt_id is None and second.lock is not None
    assert second.lock.scope is lockout.LockScope.GLOBAL
