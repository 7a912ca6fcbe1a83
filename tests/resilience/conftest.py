"""Fixtures of the resilience tests: the loopback server, a closed port, no backoff sleeps."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import stamina

from app.core.clock import FixedClock
from app.core.config import Settings
from tests.support.loopback import LoopbackServer, make_settings


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: bind, read the number, close."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def no_backoff_sleeps() -> Iterator[None]:
    """stamina's test mode: no sleeps; ``cap`` keeps the attempts from the settings."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture
def fixed_clock() -> FixedClock:
    # 20:00 UTC is 16:00 in New York: official date 2025-06-14, the recorded slate.
    return FixedClock(datetime(2025, 6, 14, 20, 0, tzinfo=UTC))


@pytest.fixture
def loop_settings(db_path: Path, server: LoopbackServer) -> Settings:
    return make_settings(db_path, server.url)
