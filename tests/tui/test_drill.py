"""Drill-through (enter) on the desk, on a real seeded SQLite file: each line opens its screen."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, OptionList

from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.screens.audit import AuditScreen
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.dashboard import DashboardScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.runs import RunsScreen
from app.tui.screens.source_errors import SourceErrorsScreen, SourcePickerScreen
from tests.support.drill_seed import HASH, PREV_HASH, add_alert, add_full_audit, add_odds_failure
from widgets.health_panel import HealthPanel
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic

from .conftest import wait_for

BET_KEY = "ev-nyy-bos|h2h|Boston Red Sox|0|draftkings"


async def loaded(pilot: Any, app: PressboxApp) -> DashboardScreen:
    await wait_for(pilot, lambda: app.poller.loads >= 1)
    return app.dashboard


async def press_enter_on(pilot: Any, app: PressboxApp, table_id: str, key: str) -> None:
    table = app.dashboard.query_one(table_id, KeyedTable)
    await wait_for(pilot, lambda: key in table.row_keys())
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")


def shown(screen: Any, widget_id: str) -> str:
    return str(screen.query_one(widget_id, QuietStatic).shown)


async def test_the_desk_still_starts_on_the_games(make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot, app)
        assert app.focused is app.dashboard.query_one("#games")


async def test_enter_on_a_value_bet_opens_its_game(make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot, app)
        await press_enter_on(pilot, app, "#value-bets", BET_KEY)
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        screen = app.screen
        assert isinstance(screen, GameDetailScreen) and screen.game_pk == 777001
        await wait_for(pilot, lambda: screen.detail is not None)
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_enter_on_a_run_event_opens_that_runs_stages(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        await press_enter_on(pilot, app, "#events", "run:41")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        stages = screen.query_one("#stages-table", DataTable)
        await wait_for(pilot, lambda: stages.row_count == 5)
        assert app.focused is stages
        assert "run #41 · schedule" in shown(screen, "#stage-detail")
        await pilot.press("escape")  # from the stages: back to the runs
        assert app.focused is screen.query_one("#runs-table")
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_a_run_older_than_the_runs_shown_is_said(make_app, seeded: Database) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot, app)
        screen = RunsScreen(app.ctx, run_id=999)
        await app.push_screen(screen)
        await wait_for(
            pilot, lambda: "run #999 is not among the 1 shown" in shown(screen, "#runs-title")
        )


async def test_enter_on_an_audit_event_opens_the_entry(make_app, seeded: Database) -> None:
    entry_id = await add_full_audit(seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        await press_enter_on(pilot, app, "#events", f"audit:{entry_id}")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditEntryScreen))
        screen = app.screen
        assert isinstance(screen, AuditEntryScreen)
        await wait_for(pilot, lambda: screen.entry is not None)
        body = shown(screen, "#entry-body")
        for text in ("/dev/pts/3", "10.0.0.5 52144 22", "4242", "desk-host", HASH, PREV_HASH):
            assert text in body
        assert "ops (sudo root)" in body and "2025-06-14 15:59:45 EDT" in body
        # The pasted reason: no escape sequence, no bell, its markup escaped, one line.
        assert "\x1b" not in body and "\x07" not in body
        assert "restart red \\[b]now\\[/b]⏎DONE" in body


async def test_enter_on_an_alert_event_says_it_opens_nothing(make_app, seeded: Database) -> None:
    await add_alert(seeded)
    app = make_app()
    async with app.run_test(notifications=True) as pilot:
        await loaded(pilot, app)
        await press_enter_on(pilot, app, "#events", "alert:1")
        await pilot.pause()
        assert app.screen is app.dashboard
        assert any("alert #1 has no screen" in n.text for n in app.notices.newest_first())


async def test_enter_on_an_audit_row_opens_the_full_entry(make_app, seeded: Database) -> None:
    entry_id = await add_full_audit(seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        table = app.screen.query_one("#audit-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditEntryScreen))
        screen = app.screen
        assert isinstance(screen, AuditEntryScreen) and screen.entry_id == entry_id
        await wait_for(pilot, lambda: screen.entry is not None)
        assert f"Audit entry #{entry_id}" in shown(screen, "#entry-title")
        await pilot.press("escape")
        assert isinstance(app.screen, AuditScreen)


async def test_a_missing_audit_entry_is_said(make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await loaded(pilot, app)
        screen = AuditEntryScreen(app.ctx, 77)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: "#77 is not in the database" in shown(screen, "#entry-title"))


async def test_enter_on_the_health_panel_opens_a_sources_errors(make_app, seeded: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        panel = app.dashboard.query_one(HealthPanel)
        panel.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourcePickerScreen))
        options = app.screen.query_one(OptionList)
        # The odds breaker is open: it is highlighted first.
        assert options.highlighted == 1 and options.option_count == 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceErrorsScreen))
        screen = app.screen
        assert isinstance(screen, SourceErrorsScreen) and screen.source == "odds"
        table = screen.query_one("#source-errors-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        assert table.get_row_at(0)[1:] == [
            "#41",
            "odds",
            "[yellow]transient[/]",
            "The Odds API timed out after 10 s",
        ]
        breaker = shown(screen, "#source-breaker")
        assert "Breaker [red]open[/]" in breaker and "3 failures in a row" in breaker
        # Live: a new failure of the source appears without a key.
        await add_odds_failure(seeded, 42, "401: key refused")
        await wait_for(pilot, lambda: table.row_count == 2)
        assert table.get_row_at(0)[1] == "#42"
        # Enter on an error: its run's stages.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
        await pilot.press("escape", "escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_the_source_picker_cancels_and_picks_the_other_source(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        app.dashboard.query_one(HealthPanel).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourcePickerScreen))
        await pilot.press("escape")
        assert app.screen is app.dashboard
        await pilot.press("enter", "up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceErrorsScreen))
        screen = app.screen
        assert isinstance(screen, SourceErrorsScreen) and screen.source == "mlb"
        await wait_for(pilot, lambda: screen.errors is not None)
        assert "no errors stored" in shown(screen, "#source-title")
