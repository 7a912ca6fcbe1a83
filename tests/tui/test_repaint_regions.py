"""What the screen repaints for one changed price: the cell, not the table.

``Widget.refresh`` counts (tests/tui/test_refresh.py) miss a repaint queued by the
layout itself: a table resized after its last update (the health panel growing
on the first load, a terminal resize) kept a whole-table region pending, and the
next changed cell repainted the whole table with it. So these tests record the
regions the compositor takes from each widget: exactly what reaches the terminal.
"""

from __future__ import annotations

from tests.support.desk_seed import set_price
from tests.support.repaint_log import RepaintLog
from widgets.keyed_table import KeyedTable

from .conftest import wait_for


async def one_change_repaints(make_app, seeded, monkeypatch, *, resize: bool) -> None:
    log = RepaintLog(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        if resize:
            await pilot.resize_terminal(110, 36)
        await pilot.pause(0.2)
        games = app.dashboard.query_one("#games", KeyedTable)
        focused = app.focused
        log.active = True
        # The Yankees' best moneyline goes from FanDuel's -130 to -120.
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "New York Yankees", -120)
        await wait_for(pilot, lambda: app.poller.loads == 2)
        await pilot.pause(0.1)
        log.active = False
        assert games.get_cell("777001", "ml_away").startswith("-120")
        assert set(log.regions) == {"games"}, dict(log.regions)
        (cell,) = log.regions["games"]
        assert cell.height == 1 and cell.width < 12, cell  # one price cell, not the table
        assert app.focused is focused  # a load never moves the focus


async def test_one_changed_price_repaints_one_cell(make_app, seeded, monkeypatch) -> None:
    await one_change_repaints(make_app, seeded, monkeypatch, resize=False)


async def test_one_changed_price_after_a_resize_repaints_one_cell(
    make_app, seeded, monkeypatch
) -> None:
    await one_change_repaints(make_app, seeded, monkeypatch, resize=True)
