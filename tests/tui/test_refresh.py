"""Change-only refresh: an unchanged database costs no query and no repaint."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from tests.support.desk_seed import set_price
from tests.support.refresh_counter import RefreshCounter
from widgets.keyed_table import KeyedTable

from .conftest import wait_for

# As left, and with a filter kept, a sort, a zoom, or the find bar open (its cursor never blinks).
IDLE_AFTER = {
    "as-left": (),
    "filtered": ("slash", "s", "o", "x", "enter"),
    "sorted": ("s", "S"),
    "zoomed": ("z",),
    "find-open": ("slash",),
}


@pytest.mark.parametrize("keys", list(IDLE_AFTER.values()), ids=list(IDLE_AFTER))
async def test_idle_polls_neither_query_nor_repaint(
    make_app, monkeypatch, keys: tuple[str, ...]
) -> None:
    counter = RefreshCounter()
    counter.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press(*keys)
        # The footer settles once after the keys (and the first focus) changed the
        # bindings; a loaded runner can take longer than a tenth of a second for it.
        await pilot.pause(0.5)
        await counter.watch_polls(pilot, app.poller)
        assert app.poller.loads == 1  # twenty polls, not one snapshot load
        assert sum(counter.whole.values()) == 0, counter.whole
        assert sum(counter.regions.values()) == 0, counter.regions


async def test_one_price_change_repaints_only_its_cell_with_a_marker(
    make_app, seeded, monkeypatch
) -> None:
    counter = RefreshCounter()
    counter.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        games = app.dashboard.query_one("#games", KeyedTable)
        games.focus()
        await pilot.press("down")  # the operator's cursor must stay where it was
        await pilot.pause(0.1)
        cursor = games.cursor_row
        counter.active = True
        # The Yankees' best moneyline goes from FanDuel's -130 to -120.
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "New York Yankees", -120)
        await wait_for(pilot, lambda: app.poller.loads == 2)
        await pilot.pause(0.05)
        counter.active = False
        cell = games.get_cell("777001", "ml_away")
        assert cell.startswith("-120") and "▲" in cell
        assert games.get_cell("777001", "ml_home") == "+114"  # no marker where nothing moved
        assert counter.whole == Counter(), counter.whole  # no widget repainted as a whole
        assert set(counter.regions) == {"games"}, counter.regions
        assert counter.regions["games"] == 1
        assert games.cursor_row == cursor

        # The marker is short-lived: when it expires only that cell repaints again.
        counter.reset()
        counter.active = True
        app.dashboard._expire_markers(app.dashboard._marker_generation)
        await pilot.pause(0.05)
        counter.active = False
        assert games.get_cell("777001", "ml_away") == "-120"
        assert counter.whole == Counter() and set(counter.regions) == {"games"}


async def test_a_modal_pauses_polling(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("O")
        checks = app.poller.checks
        skips = app.poll_skips
        await wait_for(pilot, lambda: app.poll_skips >= skips + 5)
        assert app.poller.checks == checks  # not even the change counter is read
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.poller.checks > checks)


async def test_polls_never_overlap_when_the_database_is_slow(make_app, monkeypatch) -> None:
    import asyncio

    app = make_app()
    running = 0
    overlap = 0
    original = app.poll_version

    async def slow_version() -> int:
        nonlocal running, overlap
        running += 1
        overlap = max(overlap, running)
        await asyncio.sleep(0.1)  # five poll intervals
        running -= 1
        return await original()

    monkeypatch.setattr(app, "poll_version", slow_version)
    app.poller._version = slow_version
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.checks >= 4)
        assert overlap == 1


async def test_the_event_feed_keeps_showing_the_newest_rows(make_app, seeded) -> None:
    from tests.support.desk_seed import add_audit

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        events = app.dashboard.query_one("#events", KeyedTable)

        def loads_reached(count: int) -> Callable[[], bool]:
            return lambda: app.poller.loads == count

        for n in range(4):
            await add_audit(seeded, "override", "paused", "done", f"r{n}")
            await wait_for(pilot, loads_reached(n + 2))
        assert events.row_keys()[0] == "audit:4" and events.cursor_row == 0
        assert events.scroll_y == 0


async def test_new_rows_do_not_move_the_cursor_off_the_chosen_game(make_app, seeded) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        games = app.dashboard.query_one("#games", KeyedTable)
        games.move_cursor(row=games.get_row_index("777002"))
        async with seeded.write() as conn:
            await conn.execute(
                "INSERT INTO games (game_pk, official_date, start_time, away_team_id, away_team, "
                "home_team_id, home_team, abstract_state, status_code, status, updated_at) VALUES "
                "(777000, '2025-06-14', '2025-06-14T16:05:00.000Z', 121, 'New York Mets', 143, "
                "'Philadelphia Phillies', 'Live', 'I', 'In Progress', '2025-06-14T19:59:00.000Z')"
            )
        await wait_for(pilot, lambda: app.poller.loads == 2)
        assert games.row_keys() == ["777000", "777003", "777002", "777001"]
        assert games.coordinate_to_cell_key(games.cursor_coordinate).row_key.value == "777002"
