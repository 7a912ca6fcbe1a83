"""``pressbox --version``: the version, the linked SQLite and the configured database's schema.

Standard library only, so that the answer is as fast as Click itself. The database path
is found with the settings' precedence (``--db``, ``PRESSBOX_DB__PATH``, ``.env``, the TOML
file, the XDG default) without loading the full settings; ``tests/cli/test_version.py``
checks it agrees with ``load_settings``.
"""

from __future__ import annotations

import os
import sqlite3
import tomllib
from contextlib import closing
from pathlib import Path

from app import __version__
from app.core.paths import default_config_path, default_data_dir

_ENV_NAME = "PRESSBOX_DB__PATH"


def _from_dotenv(path: Path) -> str | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key.strip().upper() == _ENV_NAME:
            return value.strip().strip("'\"")
    return None


def _from_toml(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            section = tomllib.load(handle).get("db", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = section.get("path") if isinstance(section, dict) else None
    return value if isinstance(value, str) else None


def configured_db_path(
    db_path: Path | None, config_path: Path | None, *, demo: bool, dotenv: Path = Path(".env")
) -> Path:
    """The database the other commands would use, with the same precedence."""
    if db_path is not None:
        return db_path
    env = {key.upper(): value for key, value in os.environ.items()}
    text = (
        env.get(_ENV_NAME)
        or _from_dotenv(dotenv)
        or _from_toml(config_path or default_config_path())
    )
    path = Path(text) if text else default_data_dir() / "pressbox.db"
    return path.with_name("demo.db") if demo else path


def _schema_of(path: Path) -> str:
    if not path.is_file():
        return "no database"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as exc:
        return f"unreadable ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    return str(int(row[0]) if row else 0)


def version_line(db_path: Path) -> str:
    """``pressbox 0.1.0; SQLite 3.45.1; schema 7 (/path/pressbox.db)``."""
    return (
        f"pressbox {__version__}; SQLite {sqlite3.sqlite_version}; "
        f"schema {_schema_of(db_path)} ({db_path})"
    )
