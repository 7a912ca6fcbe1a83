"""``backup`` and ``restore`` when the copy itself fails: one line each, nothing left behind."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

import pytest

from app.core.errors import StorageError
from app.storage.backup import backup, restore
from app.storage.database import Database


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"

    async def create() -> None:
        async with Database(path):
            pass

    asyncio.run(create())
    return path


def test_a_backup_that_cannot_be_written_keeps_nothing(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    target = tmp_path / "copy.db"
    with pytest.raises(
        StorageError, match=r"cannot write the backup .*copy\.db .*nothing was kept"
    ):
        backup(database, target)
    assert sorted(p.name for p in tmp_path.glob("*copy.db*")) == [], "no partial is left"


def test_a_backup_of_a_damaged_source_is_classified(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    source = folder / "junk.db"
    source.write_bytes(b"not a database at all" * 400)
    with pytest.raises(StorageError, match=r"junk\.db .* while backing up"):
        backup(source, folder / "copy.db")
    assert sorted(p.name for p in folder.iterdir()) == ["junk.db"], "no partial is left"


def test_a_restore_that_cannot_be_written_leaves_the_target_alone(
    database: Path, tmp_path: Path
) -> None:
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")
    with pytest.raises(StorageError, match=r"cannot write .*live\.db .*it was not changed"):
        restore(database, not_a_dir / "live.db")
    assert not_a_dir.read_text() == "x"
