"""Test-only: a pipeline run that stalls in its odds request, to be killed mid-run.

Usage: python -m tests.support.slow_run DB_PATH READY_FILE. The schedule lands, then the
odds request writes READY_FILE and waits forever, holding the lease.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from app.core.config import load_settings
from app.sources.simulated import SimulatedUpstream
from tests.support.pipeline import simulated_run


class StallOnOdds(httpx.AsyncBaseTransport):
    def __init__(self, inner: SimulatedUpstream, ready: Path) -> None:
        self.inner = inner
        self.ready = ready

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v4/"):
            self.ready.write_text("odds request in flight")
            await asyncio.Event().wait()
        return await self.inner.handle_async_request(request)


async def main(db_path: Path, ready: Path) -> None:
    settings = load_settings(dotenv_path=None, db={"path": db_path})
    await simulated_run(settings, lambda sim, _db: StallOnOdds(sim, ready), "slow-run-key-0123")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
