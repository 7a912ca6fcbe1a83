"""The demo seam: the in-process scheduler on the simulated APIs fills the desk within seconds.

The lead wires the same pieces in ``pressbox --demo``; this drives them through the
desk's ``background`` hook exactly as the launcher does.
"""

from __future__ import annotations

import asyncio

from conftest import wait_for

from app.core.clock import Clock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import PipelineRunner
from app.pipeline.scheduler import Scheduler
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database
from app.tui.app import PressboxApp
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic


async def test_demo_starts_and_shows_games_moving(desk_settings: Settings, db: Database) -> None:
    clock = Clock()
    desk_settings.demo.fault_every = 0
    upstream = SimulatedUpstream(desk_settings.demo.seed, clock, timezone="America/New_York")
    runner = PipelineRunner(
        db,
        desk_settings,
        transport=upstream,
        secrets=StaticSecrets({"odds-api-key": "demo-key"}),
        clock=clock,
    )
    runs = 0

    async def advance() -> None:
        nonlocal runs
        if runs:
            upstream.advance()
        runs += 1

    scheduler = Scheduler(runner, db, desk_settings, clock, 0.3, tick_s=0.1, before_run=advance)

    async def background() -> None:
        await scheduler.serve(asyncio.Event())

    app = PressboxApp(desk_settings, db, clock=clock, demo=True, background=background)
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        await wait_for(pilot, lambda: games.row_count > 0, timeout=20)
        banner = app.dashboard.query_one("#banner", QuietStatic).shown
        assert "DEMO" in banner and desk_settings.demo.admin_key in banner
        loads = app.poller.loads
        await wait_for(pilot, lambda: runs >= 3 and app.poller.loads > loads, timeout=20)
        health = app.dashboard.query_one("#health-run", QuietStatic).shown
        assert "Run #" in health
        assert app.dashboard.query_one("#events", KeyedTable).row_count >= 2
