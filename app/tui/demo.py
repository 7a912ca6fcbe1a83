"""The demo's background: the scheduler in-process on the simulated APIs, for ``pressbox --demo``.

Handed to the desk as its ``background`` (started on mount, cancelled on exit).
It opens its own connections to the demo database, so its commits move the
desk's change counter like a daemon's would.
"""

from __future__ import annotations

import asyncio

from app.core.clock import Clock
from app.core.config import Settings
from app.core.secrets import ODDS_API_KEY, StaticSecrets
from app.pipeline.runner import PipelineRunner
from app.pipeline.scheduler import Scheduler
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database
from app.tui.app import Background

# The simulated Odds API accepts any non-empty key (same value as `pressbox run --demo`).
DEMO_ODDS_KEY = "demo-key"


def demo_background(
    settings: Settings, *, clock: Clock | None = None, interval_s: float | None = None
) -> Background:
    async def serve() -> None:
        now = clock or Clock()
        upstream = SimulatedUpstream(
            settings.demo.seed,
            now,
            fault_every=settings.demo.fault_every,
            timezone=settings.pipeline.timezone,
        )
        runs = 0

        async def advance() -> None:
            # Prices and scores move between runs, never before the first one.
            nonlocal runs
            if runs:
                upstream.advance()
            runs += 1

        async with Database(settings.db.path, busy_timeout_ms=settings.db.busy_timeout_ms) as db:
            runner = PipelineRunner(
                db,
                settings,
                transport=upstream,
                secrets=StaticSecrets({ODDS_API_KEY: DEMO_ODDS_KEY}),
                clock=now,
            )
            scheduler = Scheduler(
                runner,
                db,
                settings,
                now,
                interval_s if interval_s is not None else settings.demo.interval_s,
                before_run=advance,
            )
            await scheduler.serve(asyncio.Event())

    return serve
