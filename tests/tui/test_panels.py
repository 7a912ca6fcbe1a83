"""Find (`/`), sort (`s`/`S`), panel focus (`1`-`4`), zoom (`z`) and j/k/g/G on the dashboard."""

from __future__ import annotations

from typing import Any

from textual import events

from app.tui.app import PressboxApp
from app.tui.screens.help import HelpScreen
from tests.support.desk_seed import add_audit
from tests.support.table_seed import add_value_bets
from widgets.filter_bar import FilterBar
from widgets.keyed_table import KeyedTable

from .conftest import wait_for

NYY_BOS, CWS_TOR, LAD_SF = "777001", "777002", "777003"


def table(app: PressboxApp, table_id: str) -> KeyedTable:
    return app.dashboard.query_one(f"#{table_id}", KeyedTable)


def title(app: PressboxApp, table_id: str) -> str:
    return str(table(app, table_id).border_title)


async def started(pilot: Any, app: PressboxApp) -> None:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    await pilot.pause()


async def find(pilot: Any, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause()


async def test_find_filters_the_focused_games_by_status_word_and_enter_keeps_it(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        games = table(app, "games")
        assert app.dashboard.focused is games
        await find(pilot, "live")
        bar = app.dashboard.query_one(FilterBar)
        assert bar.is_open and app.dashboard.focused is bar.input
        assert games.row_keys() == [CWS_TOR]
        assert "/live (1 of 3)" in title(app, "games")
        await pilot.press("enter")
        assert not bar.is_open and app.dashboard.focused is games
        assert games.row_keys() == [CWS_TOR]  # the filter stays after Enter
        await pilot.press("escape")  # escape on the table clears it
        assert games.row_keys() == [LAD_SF, CWS_TOR, NYY_BOS]
        assert "/live" not in title(app, "games")


async def test_find_typed_in_one_burst_lands_whole_in_the_bar(make_app) -> None:
    """`/` and the text in one read (tmux, a fast typist): no character reaches the table."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        # Posted together, as the driver does with one read of the terminal: the app has
        # handed every key on before the first one has run its binding, unless `/` is
        # taken when the app reads it.
        for key, char in [("slash", "/"), ("l", "l"), ("i", "i"), ("v", "v"), ("e", "e")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        bar = app.dashboard.query_one(FilterBar)
        assert bar.input.value == "live"
        assert table(app, "games").row_keys() == [CWS_TOR]
        await pilot.press("slash")  # a `/` typed into the bar itself is text
        assert bar.input.value == "live/"


async def test_find_by_team_and_value_and_escape_clears_and_closes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        games = table(app, "games")
        await find(pilot, "sox")
        assert set(games.row_keys()) == {NYY_BOS, CWS_TOR}  # Red Sox and White Sox
        await pilot.press("backspace", "backspace", "backspace", *"status:value")
        await pilot.pause()
        assert games.row_keys() == [NYY_BOS]  # the only game with a value bet
        await pilot.press("escape")
        assert not app.dashboard.query_one(FilterBar).is_open
        assert len(games.row_keys()) == 3 and app.dashboard.focused is games


async def test_a_word_the_table_does_not_know_is_said_and_the_last_filter_stays(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await find(pilot, "final ev>3")
        hint = app.dashboard.query_one("#find-hint").render()
        assert "'ev' unknown here; try team: status:" in str(hint)
        assert table(app, "games").row_keys() == [LAD_SF]  # "final" still applies


async def test_value_bets_by_min_ev_and_book_and_the_filter_survives_a_refresh(
    make_app, seeded
) -> None:
    await add_value_bets(seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        bets = table(app, "value-bets")
        assert bets.row_count == 4
        await pilot.press("2")
        assert app.dashboard.focused is bets
        await find(pilot, "ev>5")
        assert bets.row_count == 2
        await pilot.press(*" book:fanduel", "enter")
        assert [key.split("|")[-1] for key in bets.row_keys()] == ["fanduel"]
        assert "(1 of 4)" in title(app, "value-bets")
        # A new bet that does not match stays hidden after the refresh.
        async with seeded.write() as conn:
            await conn.execute(
                "INSERT INTO value_bets (event_id, market, outcome, point, book, official_date, "
                "game_pk, price, fair_prob, edge, stake, first_seen_at, updated_at) VALUES "
                "('ev-cws-tor', 'h2h', 'Toronto Blue Jays', 0, 'betmgm', '2025-06-14', 777002, "
                "-200, 0.7, 0.2, 5, '2025-06-14T19:59:00.000Z', '2025-06-14T19:59:00.000Z')"
            )
        await wait_for(pilot, lambda: app.poller.loads == 2)
        assert bets.row_count == 1 and len(bets.rows_given) == 5
        assert "(1 of 5)" in title(app, "value-bets")


async def test_events_by_kind_and_severity(make_app, seeded) -> None:
    await add_audit(seeded, "override", "paused", "done", "rain")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        events = table(app, "events")
        await pilot.press("3")
        await find(pilot, "kind:audit")
        assert events.row_keys() and all(k.startswith("audit:") for k in events.row_keys())
        await pilot.press("escape", "slash", *"severity:warning")
        await pilot.pause()
        assert events.row_keys() == ["run:41"]  # the degraded run


async def test_sort_cycles_columns_by_typed_value_and_flips(make_app, seeded) -> None:
    await add_value_bets(seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        bets = table(app, "value-bets")
        await pilot.press("2")
        for _ in range(6):  # Game, Bet, Book, Price, Fair %, EV %
            await pilot.press("s")
        assert "sort EV % ▲" in title(app, "value-bets")
        edges = [bets.rows_given[key].sort[5] for key in bets.row_keys()]
        assert edges == [0.021, 0.0486, 0.09, 0.10]  # 10% after 9%, not "10" before "2"
        await pilot.press("S")
        assert "sort EV % ▼" in title(app, "value-bets")
        assert [bets.rows_given[k].sort[5] for k in bets.row_keys()] == [0.10, 0.09, 0.0486, 0.021]
        await pilot.press("s", "s")  # Stake u, then the natural order again
        assert "sort" not in title(app, "value-bets") and "order ▼" in title(app, "value-bets")


async def test_games_sort_by_status_puts_live_first_then_to_come_then_over(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("s", "s", "s")
        assert "sort Status ▲" in title(app, "games")
        assert table(app, "games").row_keys() == [CWS_TOR, NYY_BOS, LAD_SF]


async def test_sort_is_kept_across_a_refresh_with_only_the_changed_cell_repainted(
    make_app, seeded, monkeypatch
) -> None:
    from tests.support.desk_seed import set_price
    from tests.support.refresh_counter import RefreshCounter

    counter = RefreshCounter()
    counter.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        games = table(app, "games")
        await pilot.press("s", "s")  # by Game: CWS @ TOR, LAD @ SF, NYY @ BOS
        assert games.row_keys() == [CWS_TOR, LAD_SF, NYY_BOS]
        await pilot.pause(0.1)
        counter.active = True
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "New York Yankees", -120)
        await wait_for(pilot, lambda: app.poller.loads == 2)
        await pilot.pause(0.05)
        counter.active = False
        assert games.row_keys() == [CWS_TOR, LAD_SF, NYY_BOS]
        assert counter.whole["games"] == 0 and counter.regions["games"] == 1


async def test_digits_focus_panels_and_z_zooms_and_escape_unzooms(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app)
        dash = app.dashboard
        for key, panel in (("2", "value-bets"), ("3", "events"), ("4", "health"), ("1", "games")):
            await pilot.press(key)
            assert dash.focused is dash.query_one(f"#{panel}")
        await pilot.press("z")
        games = table(app, "games")
        assert dash.maximized is games
        assert "zoomed (z: back)" in title(app, "games")
        await pilot.pause()
        assert games.region.height >= 18  # the whole screen but status bar and footer
        await pilot.press("3")  # in a zoom, a digit zooms that panel
        assert dash.maximized is table(app, "events")
        await pilot.press("escape")
        assert dash.maximized is None and dash.focused is table(app, "events")
        assert "zoomed" not in title(app, "events")
        await pilot.press("4", "z")
        assert dash.maximized is dash.query_one("#health")
        assert "zoomed" in str(dash.query_one("#health").border_title)
        await pilot.press("z")
        assert dash.maximized is None
        assert str(dash.query_one("#health").border_title) == "Pipeline health"


async def test_find_works_in_a_zoom_and_escape_closes_find_before_it_unzooms(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app)
        dash = app.dashboard
        await pilot.press("z")
        await find(pilot, "final")
        bar = dash.query_one(FilterBar)
        assert bar.region.height == 1  # the bar shows in the zoomed view
        assert table(app, "games").row_keys() == [LAD_SF]
        await pilot.press("escape")
        assert not bar.is_open and dash.maximized is table(app, "games")
        assert len(table(app, "games").row_keys()) == 3
        await pilot.press("escape")
        assert dash.maximized is None


async def test_j_k_g_g_move_the_cursor_and_the_counter_follows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        games = table(app, "games")
        assert "[1/3]" in title(app, "games")
        await pilot.press("j")
        assert games.cursor_row == 1 and "[2/3]" in title(app, "games")
        await pilot.press("G")
        assert games.cursor_row == 2 and "[3/3]" in title(app, "games")
        await pilot.press("k")
        assert games.cursor_row == 1
        await pilot.press("g")
        assert games.cursor_row == 0 and "[1/3]" in title(app, "games")


async def test_find_on_health_says_which_panels_have_tables(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("4", "slash")
        await pilot.pause()
        assert not app.dashboard.query_one(FilterBar).is_open
        assert any("1, 2 or 3" in n.message for n in app._notifications)


async def test_help_lists_every_panel_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.sections[0][1])
        for key in ("/", "s", "S", "1-4", "z", "escape", "j k g G"):
            assert key in keys, key
        assert "ev>3" in keys["/"]


async def test_audit_find_by_action_outcome_and_user_and_escape_clears_then_leaves(
    make_app, seeded
) -> None:
    from app.tui.screens.audit import AuditScreen

    await add_audit(seeded, "override", "paused", "done", "rain")
    await add_audit(seeded, "execute", None, "wrong_key", "retry")
    await add_audit(seeded, "reset-breaker", "odds", "done", "new key")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        audit = screen.table
        await wait_for(pilot, lambda: audit.row_count == 3)
        await pilot.press("slash", *"outcome:done")
        await pilot.pause()
        assert audit.row_count == 2
        await pilot.press(*" action:reset", "enter")
        assert [audit.get_row(key)[2] for key in audit.row_keys()] == ["reset-breaker"]
        # The filter is in the table's border, as on the dashboard's panels.
        assert "/outcome:done action:reset (1 of 3)" in str(audit.border_title)
        # A new entry that does not match stays hidden; one that does appears.
        await add_audit(seeded, "override", "auto", "done", "dry")
        await wait_for(pilot, lambda: len(audit.rows_given) == 4)
        assert audit.row_count == 1
        await pilot.press("escape")  # clears the filter, stays on the screen
        assert audit.row_count == 4 and app.screen is screen
        await pilot.press("G")
        assert audit.cursor_row == 3
        await pilot.press("k", "k", "j")
        assert audit.cursor_row == 2
        await pilot.press("g")
        assert audit.cursor_row == 0
        await pilot.press("slash", *"user:ops", "escape")  # find closed and cleared at once
        assert audit.row_count == 4 and not screen.find_bar.is_open
        await pilot.press("escape")
        assert app.screen is app.dashboard
