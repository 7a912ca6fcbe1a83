"""The lockout holds across processes and a restart: it lives in the database, not in memory."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.control.service import ControlService
from app.core.clock import Clock
from app.core.config import load_settings
from app.domain.status import ControlStatus, Mode
from app.storage.database import Database
from app.storage.mode import get_mode

from .conftest import ACTOR, ADMIN_KEY, FAST

pytestmark = pytest.mark.integration

WRONG = "not-the-admin-key-000"  # pragma: allowlist secret


def pressbox(db_path: Path, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRESSBOX_SECURITY__MAX_ATTEMPTS": "2"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.cli.main import main; main()",
            *args,
            "--db",
            str(db_path),
        ],
        input=key + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


async def set_key(db_path: Path) -> None:
    settings = load_settings(dotenv_path=None, db={"path": db_path})
    async with Database(db_path) as db:
        service = ControlService(db, settings, daemon_fresh_s=30, actor=ACTOR, key_params=FAST)
        assert (await service.set_admin_key(ADMIN_KEY)).ok


async def current_mode(db_path: Path) -> Mode:
    async with Database(db_path) as db, db.read() as conn:
        return (await get_mode(conn)).mode


def test_two_processes_lock_the_key_and_a_restart_does_not_unlock_it(db_path: Path) -> None:
    asyncio.run(set_key(db_path))
    override = ("control", "override", "halted", "--reason", "test")

    first = pressbox(db_path, WRONG, *override)
    assert first.returncode == 4 and "1 attempt left" in first.stderr
    second = pressbox(db_path, WRONG, *override)  # another process, the second failure
    assert second.returncode == 4 and "locked" in second.stderr
    # A fresh process (a restart of the desk or the daemon) with the right key: still locked.
    third = pressbox(db_path, ADMIN_KEY, *override)
    assert third.returncode == 4 and "locked" in third.stderr and "until" in third.stderr
    assert asyncio.run(current_mode(db_path)) is Mode.AUTO
    for run in (first, second, third):
        assert ADMIN_KEY not in run.stdout + run.stderr and WRONG not in run.stdout + run.stderr


async def test_lockout_seen_through_a_second_database_object(db_path: Path, db: Database) -> None:
    settings = load_settings(dotenv_path=None, db={"path": db_path})
    first = ControlService(db, settings, daemon_fresh_s=30, actor=ACTOR, key_params=FAST)
    assert (await first.set_admin_key(ADMIN_KEY)).ok
    for _ in range(settings.security.max_attempts):
        await first.override("paused", WRONG, "guess")
    other = Database(db_path)
    await other.open()
    try:
        second = ControlService(
            other, settings, daemon_fresh_s=30, clock=Clock(), actor=ACTOR, key_params=FAST
        )
        result = await second.override("paused", ADMIN_KEY, "legit")
    finally:
        await other.close()
    assert result.status is ControlStatus.LOCKED
