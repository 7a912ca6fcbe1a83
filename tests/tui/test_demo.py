"""The demo: the in-process scheduler on the simulated APIs fills the desk within seconds."""

from __future__ import annotations

from conftest import wait_for

from app.core.config import Settings
from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.demo import demo_background
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic


async def test_demo_starts_and_shows_games_moving(desk_settings: Settings, db: Database) -> None:
    desk_settings.demo.fault_every = 0
    background = demo_background(desk_settings, interval_s=0.3)
    app = PressboxApp(desk_settings, db, demo=True, background=background)
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        await wait_for(pilot, lambda: games.row_count > 0, timeout=30)
        banner = app.dashboard.query_one("#banner", QuietStatic).shown
        assert "DEMO" in banner and desk_settings.demo.admin_key in banner
        events = app.dashboard.query_one("#events", KeyedTable)
        # Several runs land while the desk watches: the feed and the health panel follow.
        await wait_for(pilot, lambda: events.row_count >= 3, timeout=30)
        assert "Run #" in app.dashboard.query_one("#health-run", QuietStatic).shown
        assert "Next run:" in app.dashboard.query_one("#health-next", QuietStatic).shown
        assert "no daemon running" not in app.dashboard.query_one("#health-next", QuietStatic).shown
