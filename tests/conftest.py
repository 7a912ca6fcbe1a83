"""Shared fixtures: an isolated environment, settings, a real SQLite file and a seeded one."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.core.config import Settings, load_settings
from app.core.logging import SECRETS
from app.storage.database import Database
from tests.support.desk_seed import seed
from tests.support.fixture_data import load_fixture

__all__ = ["load_fixture"]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test reads the developer's config, keyring, .env or XDG dirs."""
    for key in list(os.environ):
        if key.startswith("PRESSBOX_"):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    SECRETS.clear()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "pressbox.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return load_settings(dotenv_path=None, db={"path": db_path})


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = Database(db_path, busy_timeout_ms=5000)
    await database.open()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def seeded(db: Database) -> Database:
    """The desk's small slate (tests.support.desk_seed) in the real SQLite file."""
    await seed(db)
    return db
