"""The desk's CLV screen (key `c`) over a replayed day: running figures, sparkline, bets."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Sparkline

from app.core.clock import FixedClock
from app.core.config import Settings
from app.pipeline.replay import replay_recording
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.app import PressboxApp
from app.tui.screens.clv import ClvScreen
from tests.support.desk_seed import NOW
from widgets.quiet_static import QuietStatic

from .conftest import wait_for

DAY = Path(__file__).resolve().parents[1] / "fixtures" / "recordings" / "clv_day_2024-07-01"


async def test_c_opens_the_clv_screen_with_the_replayed_bets(
    desk_settings: Settings, db_path: Path
) -> None:
    desk_settings.pipeline.devig_method = "proportional"
    async with Database(db_path) as db:
        await replay_recording(desk_settings, db, DAY)
    app = PressboxApp(desk_settings, StoredDeskData(Database(db_path)), clock=FixedClock(NOW))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClvScreen))
        screen = app.screen
        bets = screen.query_one("#clv-bets", DataTable)
        await wait_for(pilot, lambda: bets.row_count == 2)
        title = screen.query_one("#clv-title", QuietStatic).shown
        assert "2 bets over 1 day(s)" in title and "+8.04%" in title
        assert "beat the close 50%" in title and "realised +0.10" in title
        rows = [bets.get_row_at(i) for i in range(2)]
        astros = next(r for r in rows if "Astros" in str(r[1]))
        assert astros[4] == "+110" and astros[5] == "-130" and "+18.03%" in str(astros[7])
        assert astros[8] == "won +1.10"
        groups = screen.query_one("#clv-groups", DataTable)
        assert groups.row_count == 4  # all, one book, two markets
        spark = screen.query_one("#clv-sparkline", Sparkline)
        assert spark.data is not None and len(list(spark.data)) == 1
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_the_clv_screen_of_an_empty_database_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClvScreen))
        title = app.screen.query_one("#clv-title", QuietStatic)
        await wait_for(pilot, lambda: "no flagged bet" in title.shown)
