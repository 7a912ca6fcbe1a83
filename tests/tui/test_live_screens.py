"""Live sub-screens: the change-only poll, a cell per changed price, "as of", `f` freezes."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from app.tui.app import PressboxApp
from app.tui.screens.audit import AuditScreen
from app.tui.screens.game_detail import GameDetailScreen
from tests.support.desk_seed import add_audit, set_price
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic

from .conftest import wait_for

RED_SOX_FD = "h2h|Boston Red Sox|fanduel"


async def open_detail(pilot: Any, app: PressboxApp) -> GameDetailScreen:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    games = app.dashboard.query_one("#games", KeyedTable)
    games.focus()
    games.move_cursor(row=games.get_row_index("777001"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
    screen = app.screen
    assert isinstance(screen, GameDetailScreen)
    await wait_for(pilot, lambda: screen.detail is not None)
    return screen


def title(screen: Any, widget_id: str) -> str:
    return str(screen.query_one(widget_id, QuietStatic).shown)


async def test_one_changed_price_in_detail_costs_its_cells_not_a_repaint(make_app, seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, app)
        table = screen.query_one("#detail-prices", DataTable)
        assert table.get_row(RED_SOX_FD)[3] == "+110"
        assert "as of 16:00:00 EDT" in title(screen, "#detail-title")
        assert screen.rebuilds == 1 and screen.cells_updated == 0  # the first build only
        loads = screen.poller.loads
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", 125)
        await wait_for(pilot, lambda: screen.poller.loads > loads)
        assert table.get_row(RED_SOX_FD)[3] == "+125"
        assert screen.rebuilds == 1  # no rebuild: the rows are the same rows
        # Only that row's cells: the price, and the fair and edge judged on the old price
        # (no longer shown rather than shown for another price).
        assert 1 <= screen.cells_updated <= 3
        assert table.get_row(RED_SOX_FD)[4:6] == ["—", "—"]
        checks = screen.poller.checks
        await wait_for(pilot, lambda: screen.poller.checks >= checks + 3)
        assert screen.poller.loads == loads + 1  # nothing changed since: nothing loaded


async def test_f_freezes_the_screen_and_f_again_catches_up(make_app, seeded) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, app)
        table = screen.query_one("#detail-prices", DataTable)
        await pilot.press("f")
        assert screen.frozen and "FROZEN" in title(screen, "#detail-title")
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", 131)
        checks, loads = screen.poller.checks, screen.poller.loads
        await pilot.pause(0.3)  # several poll intervals
        assert screen.poller.checks == checks and screen.poller.loads == loads
        assert table.get_row(RED_SOX_FD)[3] == "+110"
        await pilot.press("f")
        await wait_for(pilot, lambda: table.get_row(RED_SOX_FD)[3] == "+131")
        assert not screen.frozen and "FROZEN" not in title(screen, "#detail-title")


async def test_the_audit_screen_follows_new_entries_and_t_shows_absolute_times(
    make_app, seeded
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one("#audit-table", DataTable)
        await wait_for(pilot, lambda: screen.poller.loads == 1)
        before = table.row_count
        assert [str(c.label) for c in table.columns.values()][1] == "When (EDT)"
        await add_audit(seeded, "override", "paused", "done", "rain delay")
        await wait_for(pilot, lambda: table.row_count == before + 1)
        newest = table.get_row_at(0)
        assert newest[2] == "override" and newest[6] == "rain delay"
        assert newest[1] == "30 s ago"  # second precision under a minute
        await pilot.press("T")
        await wait_for(pilot, lambda: table.get_row_at(0)[1] == "2025-06-14 15:59:30 EDT")
        assert "as of 16:00:00 EDT" in title(screen, "#audit-title")
