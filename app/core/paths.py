"""Where pressbox keeps its files by default (XDG base directories); standard library only.

Kept apart from ``config.py`` so that ``pressbox --version`` can find the configured
database without importing pydantic.
"""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def default_config_path() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "pressbox" / "config.toml"


def default_data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "pressbox"


def default_state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / "pressbox"
