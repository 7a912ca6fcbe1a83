"""Recorded payloads and real httpx clients fed by a transport, for the sources tests."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.clock import FixedClock

_FIXTURE_DIRS = (
    Path(__file__).resolve().parents[3] / "shared" / "fixtures",
    Path(__file__).resolve().parents[1] / "fixtures",
)

# A key shaped like a real one; every leak test looks for it.
API_KEY = "0123456789abcdef0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]


def _load(name: str) -> Any:
    for folder in _FIXTURE_DIRS:
        path = folder / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(name)


@pytest.fixture(scope="session")
def _recorded() -> dict[str, Any]:
    return {
        "mlb": _load("mlb_statsapi_schedule_2025-06-14.json"),
        "odds": _load("odds_api_v4_baseball_mlb_odds.json"),
        "errors": _load("odds_api_v4_errors.json"),
    }


@pytest.fixture
def mlb_payload(_recorded: dict[str, Any]) -> Any:
    """A fresh deep copy of the recorded schedule: tests may mutate it."""
    return copy.deepcopy(_recorded["mlb"])


@pytest.fixture
def odds_payload(_recorded: dict[str, Any]) -> Any:
    return copy.deepcopy(_recorded["odds"])


@pytest.fixture
def error_payloads(_recorded: dict[str, Any]) -> Any:
    return copy.deepcopy(_recorded["errors"])


@pytest.fixture
def clock() -> FixedClock:
    # 20:00 UTC is 16:00 in New York: official date 2025-06-14.
    return FixedClock(datetime(2025, 6, 14, 20, 0, tzinfo=UTC))


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
async def mock_http() -> AsyncIterator[Callable[[Handler], httpx.AsyncClient]]:
    """A factory of real ``httpx.AsyncClient``s answering through ``httpx.MockTransport``."""
    clients: list[httpx.AsyncClient] = []

    def make(handler: Handler) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
