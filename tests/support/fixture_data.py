"""Upstream payloads from ../shared/fixtures (falls back to the copies in tests/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
LOCAL = Path(__file__).resolve().parents[1] / "fixtures"


def load_fixture(name: str) -> Any:
    for folder in (SHARED, LOCAL):
        path = folder / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(name)
