"""Helpers of the pipeline tests: the simulated seed, a failing transport, row counts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from app.core.clock import Clock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.domain.records import RunResult
from app.pipeline.runner import PipelineRunner
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database

SEED = 20250614
ODDS_KEY = "test-odds-key-0123456789"
# The stages of one run, in the order the runner runs them (and stores them).
STAGE_NAMES = ["schedule", "odds", "match", "analytics", "record", "closing"]

RunnerFactory = Callable[..., PipelineRunner]


async def simulated_run(
    settings: Settings,
    transport: Callable[[SimulatedUpstream, Database], httpx.AsyncBaseTransport],
    odds_key: str,
) -> RunResult:
    """One ``cli`` run on ``settings.db.path`` against the simulated upstreams (``SEED``).

    ``transport`` wraps them (it also gets the run's database): the fault a child process
    of a drill injects.
    """
    clock = Clock()
    sim = SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone)
    async with Database(settings.db.path) as db:
        runner = PipelineRunner(
            db,
            settings,
            transport=transport(sim, db),
            secrets=StaticSecrets({"odds-api-key": odds_key}),
            clock=clock,
        )
        return await runner.run("cli")


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
