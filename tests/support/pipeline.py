"""Helpers of the pipeline tests: the simulated seed, a failing transport, row counts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from app.pipeline.runner import PipelineRunner
from app.storage.database import Database

SEED = 20250614
ODDS_KEY = "test-odds-key-0123456789"

RunnerFactory = Callable[..., PipelineRunner]


def pressbox_bin() -> str:
    """The console script installed next to this interpreter."""
    return str(Path(sys.executable).parent / "pressbox")


class FailingRoutes(httpx.AsyncBaseTransport):
    """Answers chosen paths with an error status; everything else goes to ``inner``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, failures: dict[str, int]) -> None:
        self.inner = inner
        self.failures = failures
        self.calls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        for prefix, status in self.failures.items():
            if request.url.path.startswith(prefix):
                return httpx.Response(
                    status,
                    json={"message": "API key is not valid", "error_code": "INVALID_KEY"},
                    request=request,
                )
        return await self.inner.handle_async_request(request)


async def count(db: Database, table: str, where: str = "1", params: tuple[object, ...] = ()) -> int:
    async with (
        db.read() as conn,
        conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {where}",
            params,
        ) as cursor,
    ):
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
