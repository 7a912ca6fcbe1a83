"""The dashboard shows a seeded database: banner, health, games, value bets, events."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import FixedClock
from app.storage.read.desk_data import StoredDeskData
from app.tui.app import PressboxApp
from tests.support.desk_seed import NOW
from widgets.health_panel import HealthPanel
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.status_bar import StatusBar

from .conftest import wait_for


def banner(app: PressboxApp) -> str:
    return app.dashboard.query_one("#status", StatusBar).shown


def health(app: PressboxApp) -> str:
    panel = app.dashboard.query_one(HealthPanel)
    return "\n".join(static.shown for static in panel.query(QuietStatic))


async def test_dashboard_shows_the_seeded_slate(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        games = app.dashboard.query_one("#games", KeyedTable)
        # Ordered by start time, keyed by game_pk.
        assert games.row_keys() == ["777003", "777002", "777001"]
        nyy_bos = games.get_row("777001")
        assert nyy_bos[0] == "19:15"  # 23:15 UTC in New York
        assert nyy_bos[1].startswith("NYY @ BOS") and "★" in nyy_bos[1]
        assert nyy_bos[4] == "-130"  # best Yankees moneyline is FanDuel's -130, not -135
        assert nyy_bos[5] == "+114"
        assert nyy_bos[6] == "-1.5 +140"
        assert nyy_bos[7] == "o9.5 -110"
        assert "T5" in games.get_row("777002")[2]
        assert games.get_row("777003")[3] == "4-1"

        bets = app.dashboard.query_one("#value-bets", KeyedTable)
        assert bets.row_count == 1
        bet = bets.get_row(bets.row_keys()[0])
        assert bet[1] == "ML BOS" and bet[3] == "+114" and "+4.9%" in bet[5]

        text = health(app)
        assert "Run #41" in text and "DEGRADED" in text and "odds: timeout" in text
        assert "odds 3.5s" in text  # the stages with durations
        assert "Next run: in 2 min" in text and "pid 4242" in text
        assert "open" in text and "quota 480" in text and "timed out" in text
        assert "AUTO" in banner(app) and "STALE" not in banner(app)

        events = app.dashboard.query_one("#events", KeyedTable)
        assert events.row_keys() == ["run:41"]


async def test_banner_flags_demo_read_only_insecure_and_stale(desk_settings, seeded) -> None:
    desk_settings.dashboard.read_only = True
    desk_settings.secrets.allow_env = True
    clock = FixedClock(NOW + timedelta(hours=2))
    app = PressboxApp(desk_settings, StoredDeskData(seeded), clock=clock, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        text = banner(app)
        assert "DEMO" in text and desk_settings.demo.admin_key in text
        assert "READ-ONLY" in text
        assert "INSECURE" in text
        assert "STALE" in text and "122 min old" in text


async def test_stale_warning_appears_on_the_minute_tick_without_a_query(make_app) -> None:
    clock = FixedClock(NOW)
    app = make_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert "STALE" not in banner(app)
        clock.advance(3600)
        app._minute_tick()
        await pilot.pause()
        assert "STALE" in banner(app)
        assert app.poller.loads == 1  # nothing changed in the database: no reload
        assert "62 min ago" in health(app)


async def test_an_empty_database_says_what_to_do(desk_settings, db) -> None:
    app = PressboxApp(desk_settings, StoredDeskData(db), clock=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert "none yet" in health(app)
        assert "no daemon running" in health(app)
        assert "no successful run yet" in banner(app)
        assert app.dashboard.query_one("#games", KeyedTable).row_count == 0


async def test_a_read_only_desk_points_at_no_key_it_has_not(desk_settings, db) -> None:
    desk_settings.dashboard.read_only = True
    app = PressboxApp(desk_settings, StoredDeskData(db), clock=FixedClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        text = health(app)
        assert "none yet" in text and "no daemon running" in text
        assert "X" not in text  # no "start one with X", no "X runs one now": X is off


async def test_resizing_between_80x24_and_250x70_never_crashes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        for size in ((250, 70), (80, 24), (40, 10), (120, 40), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        assert app.screen.has_class("-narrow")
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert app.screen.has_class("-wide")
        assert app.dashboard.query_one("#games", KeyedTable).row_count == 3


async def test_the_launched_desk_says_what_is_missing(desk_settings, seeded) -> None:
    from app.tui.launch import desk_app

    app = desk_app(desk_settings, StoredDeskData(seeded), demo=False, clock=FixedClock(NOW))
    app._watch_terminal = False  # pytest owns stdin; the guard is tested in test_terminal.py
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert "break-glass keys unavailable" in banner(app)
        assert app.check_action("override", ()) is False


def test_launch_refuses_an_unusable_database_in_one_line(desk_settings, tmp_path, capsys) -> None:
    from app.cli.desk import launch_desk

    desk_settings.db.path = tmp_path  # a directory
    assert launch_desk(desk_settings, demo=False) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a directory" in err[0]


async def test_an_empty_slate_is_a_quiet_state_said_in_the_title(desk_settings, db) -> None:
    from app.tui.launch import desk_app

    app = desk_app(desk_settings, StoredDeskData(db), demo=False, clock=FixedClock(NOW))
    app._watch_terminal = False
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        title = str(app.dashboard.query_one("#games", KeyedTable).border_title)
        assert "none on the slate for 2025-06-14" in title


async def test_the_games_title_counts_the_slate(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert (
            str(app.dashboard.query_one("#games", KeyedTable).border_title)
            == "Today's games 2025-06-14 [1/3]"
        )
