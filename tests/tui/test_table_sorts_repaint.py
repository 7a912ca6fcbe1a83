"""A sorted sub-screen repaints what changed and nothing else, and stays idle while data is still.

The regions are those the compositor takes from each widget (``RepaintLog``): exactly what
reaches the terminal. A sort that rebuilt or re-sorted the table on every refresh would
repaint all of it.
"""

from __future__ import annotations

from typing import Any

from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.runs import RunsScreen
from tests.support.desk_seed import add_audit, set_price
from tests.support.refresh_counter import RefreshCounter
from tests.support.repaint_log import RepaintLog
from tests.support.sort_seed import add_runs
from widgets.keyed_table import KeyedTable

from .conftest import wait_for


async def sorted_detail(pilot: Any, app: PressboxApp, keys: str) -> GameDetailScreen:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    games = app.dashboard.query_one("#games", KeyedTable)
    games.move_cursor(row=games.get_row_index("777001"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
    screen = app.screen
    assert isinstance(screen, GameDetailScreen)
    table = screen.query_one("#detail-prices", KeyedTable)
    await wait_for(pilot, lambda: table.row_count == 8)
    await pilot.press(*keys)
    await pilot.pause(0.3)
    return screen


async def test_a_refresh_of_an_unchanged_sorted_table_repaints_nothing(
    make_app, seeded: Database, monkeypatch
) -> None:
    log = RepaintLog(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sorted_detail(pilot, app, "ssssS")  # Price ▼
        table = screen.query_one("#detail-prices", KeyedTable)
        order = table.row_keys()
        loads = screen.poller.loads
        log.active = True
        await add_audit(seeded, "override", "paused", "done", "not a price")  # data moved
        await wait_for(pilot, lambda: screen.poller.loads > loads)  # read again: same prices
        await pilot.pause(0.2)
        log.active = False
        assert table.row_keys() == order and "sort Price ▼" in str(table.border_title)
        assert dict(log.regions) == {}


async def test_one_changed_price_in_a_sorted_table_repaints_its_cells_only(
    make_app, seeded: Database, monkeypatch
) -> None:
    log = RepaintLog(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sorted_detail(pilot, app, "sss")  # Book ▲: a new price keeps its row
        table = screen.query_one("#detail-prices", KeyedTable)
        order = table.row_keys()
        loads = screen.poller.loads
        log.active = True
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", 125)
        await wait_for(pilot, lambda: screen.poller.loads > loads)
        await pilot.pause(0.2)
        log.active = False
        assert table.get_cell("h2h|Boston Red Sox|fanduel", "price") == "+125"
        assert table.row_keys() == order
        assert set(log.regions) == {"detail-prices"}, dict(log.regions)
        # The price, and the fair and edge judged on the old price: cells, not the table.
        regions = log.regions["detail-prices"]
        assert 1 <= len(regions) <= 3
        assert all(region.height == 1 and region.width < 20 for region in regions), regions


async def test_a_sorted_sub_screen_keeps_the_idle_budget(
    make_app, seeded: Database, monkeypatch
) -> None:
    await add_runs(seeded)
    counter = RefreshCounter()
    counter.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one("#runs-table", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 4)
        await pilot.press(*"ssssss", "S")  # Took ▼
        await pilot.pause(0.5)  # the footer and the border settle once
        assert "sort Took ▼" in str(table.border_title)
        await counter.watch_polls(pilot, screen.poller)
        assert screen.poller.loads == 1  # twenty polls, no load
        assert sum(counter.whole.values()) == 0, counter.whole
        assert sum(counter.regions.values()) == 0, counter.regions
