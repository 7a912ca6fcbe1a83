"""The lockout holds across processes and a restart: it lives in the database, not in memory."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.control.service import ControlService
from app.core.clock import Clock
from app.core.config import load_settings
from app.domain.status import ControlStatus, Mode
from app.security.admin_key import ScryptParams
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


async def set_key(db_path: Path, params: ScryptParams = FAST) -> None:
    settings = load_settings(dotenv_path=None, db={"path": db_path})
    async with Database(db_path) as db:
        service = ControlService(db, settings, daemon_fresh_s=30, actor=ACTOR, key_params=params)
        assert (await service.set_admin_key(ADMIN_KEY)).ok


# Each process waits for the go file, so all of them reach the gate together.
AT_THE_GO = (
    "import os, sys, time\n"
    "while not os.path.exists(sys.argv[1]): time.sleep(0.02)\n"
    "del sys.argv[1]\n"
    "from app.cli.main import main; main()\n"
)


def burst(db_path: Path, go: Path, keys: list[str]) -> list[subprocess.Popen[str]]:
    """Start one ``control override`` per key, all released at once by ``go``."""
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                AT_THE_GO,
                str(go),
                "control",
                "override",
                "paused",
                "--reason",
                "burst",
                "--db",
                str(db_path),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # What is measured is the lockout, not the machine: on a loaded runner sixteen
            # interpreters can queue on the write lock past the default busy timeout.
            env={**os.environ, "PRESSBOX_DB__BUSY_TIMEOUT_MS": "60000"},
        )
        for _ in keys
    ]
    for proc, key in zip(procs, keys, strict=True):
        assert proc.stdin is not None
        proc.stdin.write(key + "\n")
        proc.stdin.close()
    time.sleep(1.0)  # let every interpreter start and block on the go file
    go.touch()
    return procs


async def checked_attempts(db_path: Path) -> int:
    """Every reserved attempt is one key check (nothing else runs scrypt on an attempt)."""
    async with (
        Database(db_path) as db,
        db.read() as conn,
        conn.execute("SELECT count(*) FROM auth_attempts") as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


def test_sixteen_processes_at_once_get_at_most_max_attempts_key_checks(
    db_path: Path, tmp_path: Path
) -> None:
    # A slower scrypt than the other tests' widens the window between the lock and the check.
    asyncio.run(set_key(db_path, ScryptParams(n=2**14)))
    limit = load_settings(dotenv_path=None).security.max_attempts
    procs = burst(db_path, tmp_path / "go", [WRONG] * 16)
    results = [
        (proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "") for proc in procs
    ]

    assert [code for code, _ in results] == [4] * 16
    assert asyncio.run(checked_attempts(db_path)) <= limit
    wrong = [err for _, err in results if err.startswith("pressbox: wrong admin key")]
    locked = [err for _, err in results if err.startswith("pressbox: the admin key is locked")]
    assert len(wrong) <= limit and len(wrong) + len(locked) == 16
    assert not any("attempts left" in err for err in locked)
    # No reply of the burst promises more tries than the limit leaves (none while locked).
    promised = [int(m.group(1)) for err in wrong if (m := re.search(r"(\d+) attempts? left", err))]
    assert len(promised) <= limit - 1 and all(n <= limit - 1 for n in promised)

    # Locked now: a right and a wrong key get the very same answer, and nothing changes.
    right_key = pressbox_default(db_path, ADMIN_KEY)
    wrong_key = pressbox_default(db_path, WRONG)
    assert right_key.returncode == wrong_key.returncode == 4
    assert right_key.stderr == wrong_key.stderr and "locked" in right_key.stderr
    assert asyncio.run(current_mode(db_path)) is Mode.AUTO
    assert asyncio.run(checked_attempts(db_path)) <= limit


def pressbox_default(db_path: Path, key: str) -> subprocess.CompletedProcess[str]:
    """One ``control override`` with the default settings (no lowered limit)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.cli.main import main; main()",
            "control",
            "override",
            "paused",
            "--reason",
            "after",
            "--db",
            str(db_path),
        ],
        input=key + "\n",
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )


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
