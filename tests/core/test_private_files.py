"""Files the program creates are 0600 and directories 0700 from birth, whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.core.logging import configure_logging, get_logger
from app.security.env_file import rewrite_without_secrets
from app.storage.database import Database

FAKE_KEY = "abc123def456"  # pragma: allowlist secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


async def test_database_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pressbox" / "pressbox.db"
    async with Database(path) as db, db.write() as conn:
        await conn.execute("CREATE TABLE scratch (x)")
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    assert mode(path.parent) == 0o700


def test_log_file_and_its_rotations_are_private(tmp_path: Path) -> None:
    log_dir = tmp_path / "state" / "pressbox"
    path = configure_logging(log_dir, "info", max_bytes=300, backups=2)
    for n in range(40):
        get_logger("files").info("filling the log", n=n)
    files = sorted(log_dir.glob("pressbox.log*"))
    assert path in files and len(files) == 3  # the log and two rotated copies
    assert {mode(p) for p in files} == {0o600}
    assert mode(log_dir) == 0o700
    logging.getLogger().handlers[0].close()


def test_import_env_backup_is_born_private(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"ODDS_API_KEY={FAKE_KEY}\nPRESSBOX_PIPELINE__INTERVAL_S=60\n")
    env.chmod(0o644)
    seen: list[int] = []
    real_open = os.open

    def spy_open(path: str, flags: int, mode_: int = 0o777, *args: object) -> int:
        fd = real_open(path, flags, mode_, *args)
        if flags & os.O_CREAT:
            seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return fd

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "open", spy_open)
        backup = rewrite_without_secrets(env, backup=True)
    assert backup is not None and mode(backup) == 0o600
    assert FAKE_KEY in backup.read_text()
    assert seen and all(m == 0o600 for m in seen), "every file was 0600 at creation"
    assert mode(env) == 0o644 and FAKE_KEY not in env.read_text()


def test_db_check_and_health_warn_about_files_open_to_others(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "migrate", "--db", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["db", "check", "--db", str(path)])
    assert result.exit_code == 0 and "readable by other users" not in result.output
    path.chmod(0o644)
    result = runner.invoke(cli, ["db", "check", "--db", str(path)])
    assert result.exit_code == 0
    assert f"warning: {path} is readable by other users (mode 0644)" in result.output
    result = runner.invoke(cli, ["health", "--db", str(path)])
    assert f"{path} is readable by other users" in result.output
    assert result.output.count("\n") == 1
