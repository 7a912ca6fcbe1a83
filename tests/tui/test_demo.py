"""The demo as `pressbox --demo` wires it: the in-process scheduler on the simulated APIs fills
the desk within seconds, and the demo admin key on the banner opens the break-glass keys."""

from __future__ import annotations

from app.cli.desk import NO_ADMIN_KEY, NO_ODDS_KEY, desk_parts, odds_key_reachable
from app.core.config import Settings
from app.core.secrets import ODDS_API_KEY, StaticSecrets
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.launch import desk_app
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.status_bar import StatusBar

from .conftest import wait_for


async def test_demo_starts_and_shows_games_moving(desk_settings: Settings, db: Database) -> None:
    desk_settings.demo.fault_every = 0
    desk_settings.demo.interval_s = 0.3
    parts = await desk_parts(desk_settings, db, demo=True)
    assert parts.background is not None and parts.control is not None
    assert NO_ADMIN_KEY not in parts.notices  # the demo database has the demo key
    app = desk_app(
        desk_settings,
        StoredDeskData(db),
        demo=True,
        control=parts.control,
        background=parts.background,
    )
    app._watch_terminal = False  # pytest owns stdin
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        await wait_for(pilot, lambda: games.row_count > 0, timeout=30)
        banner = app.dashboard.query_one("#status", StatusBar).shown
        assert "DEMO" in banner and desk_settings.demo.admin_key in banner
        events = app.dashboard.query_one("#events", KeyedTable)
        # Several runs land while the desk watches: the feed and the health panel follow.
        await wait_for(pilot, lambda: events.row_count >= 3, timeout=30)
        assert "Run #" in app.dashboard.query_one("#health-run", QuietStatic).shown
        assert "Next run:" in app.dashboard.query_one("#health-next", QuietStatic).shown
        assert "no daemon running" not in app.dashboard.query_one("#health-next", QuietStatic).shown
        assert app.check_action("override", ()) is True


async def test_the_demo_admin_key_works_with_the_real_control_service(
    desk_settings: Settings, db: Database
) -> None:
    parts = await desk_parts(desk_settings, db, demo=True)
    assert parts.control is not None and parts.control.override is not None
    wrong = await parts.control.override("paused", "not-the-demo-key-000", "drill")
    assert wrong.status == "wrong_key"
    done = await parts.control.override("paused", desk_settings.demo.admin_key, "drill")
    assert done.status == "done", done.message


async def test_a_production_desk_without_admin_key_says_so(
    desk_settings: Settings, db: Database
) -> None:
    parts = await desk_parts(desk_settings, db, demo=False)
    assert parts.background is None
    # The test environment has no usable keyring: both gaps are said on the banner.
    assert parts.notices == (NO_ADMIN_KEY, NO_ODDS_KEY)


async def test_a_reachable_odds_key_is_not_reported_missing(
    desk_settings: Settings, db: Database
) -> None:
    assert await odds_key_reachable(StaticSecrets({ODDS_API_KEY: "k" * 32}))
    assert not await odds_key_reachable(StaticSecrets({}))
