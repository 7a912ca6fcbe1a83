"""`s`/`S` sort and `/` finds on every screen's tables, by typed value, kept across refreshes.

The rows (tests/support/sort_seed.py) are chosen so that their text order is not their
value order: a sort by cell text, or no sort at all, fails these tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from app.core.clock import FixedClock
from app.core.config import Settings
from app.pipeline.replay import replay_recording
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.app import PressboxApp
from app.tui.screens.audit import AuditScreen
from app.tui.screens.clv import ClvScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.help import HelpScreen
from app.tui.screens.notifications import NotificationsScreen
from app.tui.screens.runs import RunsScreen
from app.tui.screens.source_errors import SourceErrorsScreen
from tests.support.desk_seed import NOW, add_audit, set_price
from tests.support.drill_seed import add_odds_failure
from tests.support.sort_seed import add_run, add_runs
from widgets.filter_bar import FilterBar
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic

from .conftest import wait_for

CLV_DAY = Path(__file__).resolve().parents[1] / "fixtures" / "recordings" / "clv_day_2024-07-01"


def plain(cell: object) -> str:
    return Text.from_markup(str(cell)).plain


def column(table: KeyedTable, index: int) -> list[str]:
    """One column's text, in the order shown."""
    return [plain(table.get_row(key)[index]) for key in table.row_keys()]


async def started(pilot: Any, app: PressboxApp) -> None:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    await pilot.pause()


async def open_runs(pilot: Any, app: PressboxApp, rows: int) -> tuple[RunsScreen, KeyedTable]:
    await started(pilot, app)
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
    screen = app.screen
    assert isinstance(screen, RunsScreen)
    table = screen.query_one("#runs-table", KeyedTable)
    await wait_for(pilot, lambda: table.row_count == rows)
    return screen, table


async def test_runs_sort_by_number_and_duration_not_text_and_keep_it_on_refresh(
    make_app, seeded: Database
) -> None:
    await add_runs(seeded)  # runs 9, 10, 100 beside the seeded 41
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_runs(pilot, app, 4)
        assert table.row_keys() == ["41", "100", "10", "9"]  # the latest started first
        await pilot.press("s")  # Run, by its number: #9 before #10 (text puts #10 first)
        assert table.row_keys() == ["9", "10", "41", "100"]
        assert "sort Run ▲" in str(table.border_title)
        await pilot.press("S")
        assert table.row_keys() == ["100", "41", "10", "9"]
        assert "sort Run ▼" in str(table.border_title)
        await pilot.press("S", *"sssss")  # Took: 4.2s, 9.5s, 10.2s, 1m40s
        assert column(table, 5) == ["4.2s", "9.5s", "10.2s", "1m40s"]
        assert "sort Took ▲" in str(table.border_title)
        # A new run arrives: the refresh puts it where its duration belongs.
        loads = screen.poller.loads
        await add_run(seeded, 101, seconds=5.0)
        await wait_for(pilot, lambda: screen.poller.loads > loads and table.row_count == 5)
        assert table.row_keys() == ["41", "101", "9", "100", "10"]
        assert "sort Took ▲" in str(table.border_title)
        await pilot.press("s")  # Credits: 1, 3, 3, 12, 100 (equal ones keep newest first)
        assert column(table, 6) == ["1", "3", "3", "12", "100"]
        assert table.row_keys()[1:3] == ["41", "10"]


async def test_runs_find_by_outcome_and_duration_escape_clears_then_leaves(
    make_app, seeded: Database
) -> None:
    await add_runs(seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_runs(pilot, app, 4)
        await pilot.press("slash", *"outcome:failed")
        await pilot.pause()
        bar = screen.query_one(FilterBar)
        assert bar.is_open and table.row_keys() == ["10"]
        assert "/outcome:failed (1 of 4)" in str(table.border_title)
        await pilot.press("enter")
        assert not bar.is_open and screen.focused is table and table.row_keys() == ["10"]
        await pilot.press("escape")  # clears the filter, stays
        assert table.row_count == 4 and app.screen is screen
        await pilot.press("slash", *"took>10 trigger:sched", "enter")
        assert table.row_keys() == ["100"]
        await pilot.press("slash", "end", *" speed:1")  # a name the runs do not know: said
        await pilot.pause()
        assert "'speed' unknown here" in bar.query_one(QuietStatic).shown
        assert table.row_keys() == ["100"]
        await pilot.press("escape")  # closes the bar and clears the filter at once
        assert not bar.is_open and table.row_count == 4
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_runs_border_counts_the_cursor_and_stages_sort_too(
    make_app, seeded: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, runs = await open_runs(pilot, app, 1)
        assert str(runs.border_title).startswith("Runs [1/1]")
        await pilot.press("enter")  # to the stages of run 41
        stages = screen.query_one("#stages-table", KeyedTable)
        assert screen.focused is stages and "[1/5]" in str(stages.border_title)
        await pilot.press("j", "j")
        assert "[3/5]" in str(stages.border_title)
        await pilot.press(*"ssss")  # Took: 12 ms, 30 ms, 40 ms, 310 ms, 3500 ms
        assert column(stages, 3) == ["0.01s", "0.03s", "0.04s", "0.31s", "3.50s"]
        assert "sort Took ▲" in str(stages.border_title)


async def test_notifications_sort_by_severity_rank_and_find_by_severity(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        app.notify("breaker opened", severity="error")
        app.notify("quota low", severity="warning")
        app.notify("run finished")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        screen = app.screen
        table = screen.query_one("#notices-table", KeyedTable)
        await wait_for(pilot, lambda: table.row_count >= 3)
        await pilot.press("s", "s")  # Severity by rank (text order would put error first)
        severities = column(table, 1)
        assert severities == sorted(severities, key=["info", "warning", "error"].index)
        assert severities[0] == "info" and severities[-1] == "error"
        await pilot.press("S")
        assert column(table, 1)[0] == "error"
        await pilot.press("slash", *"severity:warn", "enter")
        assert column(table, 4) == ["quota low"]
        # New notices while filtered: a warning shows, an information stays hidden.
        app.notify("odds late", severity="warning")
        app.notify("all quiet")
        await wait_for(pilot, lambda: len(table.rows_given) >= 5)
        await pilot.pause()
        assert sorted(column(table, 4)) == ["odds late", "quota low"]
        assert "sort Severity ▼" in str(table.border_title)


async def test_source_errors_sort_by_run_number_and_find_by_run(make_app, seeded: Database) -> None:
    for run_id in (9, 10, 100):
        await add_odds_failure(seeded, run_id, f"401 on run {run_id}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        screen = SourceErrorsScreen(app.ctx, "odds")
        await app.push_screen(screen)
        table = screen.query_one("#source-errors-table", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 4)  # and run 41's degraded odds
        await pilot.press("s", "s")  # Run: #9, #10, #41, #100
        assert column(table, 1) == ["#9", "#10", "#41", "#100"]
        await pilot.press("slash", *"run>20", "enter")
        assert column(table, 1) == ["#41", "#100"]
        await pilot.press("slash")
        await pilot.press("ctrl+u")  # the last filter's text, cleared
        await pilot.press(*"kind:auth", "enter")
        assert column(table, 1) == ["#9", "#10", "#100"]
        assert "/kind:auth (3 of 4) · sort Run ▲" in str(table.border_title)


async def test_game_detail_sorts_prices_by_payout_and_a_moved_price_moves(
    make_app, seeded: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        games = app.dashboard.query_one("#games", KeyedTable)
        games.move_cursor(row=games.get_row_index("777001"))  # Yankees at Red Sox
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        screen = app.screen
        assert isinstance(screen, GameDetailScreen)
        table = screen.query_one("#detail-prices", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 8)
        await pilot.press(*"ssss")  # Price: -166 pays least, +140 most (text: +110 first)
        assert column(table, 3) == ["-166", "-135", "-130", "-110", "-110", "+110", "+114", "+140"]
        assert "sort Price ▲" in str(table.border_title)
        loads = screen.poller.loads
        await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", -200)
        await wait_for(pilot, lambda: screen.poller.loads > loads)
        await wait_for(pilot, lambda: column(table, 3)[0] == "-200")
        assert table.row_keys()[0] == "h2h|Boston Red Sox|fanduel"
        assert "sort Price ▲" in str(table.border_title)


async def test_audit_sorts_by_entry_number_not_text(make_app, seeded: Database) -> None:
    for n in range(11):
        await add_audit(seeded, "override", "paused", "done", f"reason {n}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        await wait_for(pilot, lambda: screen.table.row_count == 11)
        assert column(screen.table, 0)[0] == "11"  # newest first
        await pilot.press("s")
        assert column(screen.table, 0) == [str(n) for n in range(1, 12)]
        assert "sort # ▲" in str(screen.table.border_title)


async def test_clv_bets_sort_by_clv_value_and_keep_it_on_reload(
    desk_settings: Settings, db_path: Path
) -> None:
    desk_settings.pipeline.devig_method = "proportional"
    async with Database(db_path) as db:
        await replay_recording(desk_settings, db, CLV_DAY)
    app = PressboxApp(desk_settings, StoredDeskData(Database(db_path)), clock=FixedClock(NOW))
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClvScreen))
        screen = app.screen
        bets = screen.query_one("#clv-bets", KeyedTable)
        await wait_for(pilot, lambda: bets.row_count == 2)
        await pilot.press(*"ssssssss")  # CLV
        clv = [float(text.rstrip("%")) for text in column(bets, 7)]
        assert clv == sorted(clv) and clv[0] < clv[1]
        await pilot.press("S")
        flipped = [float(text.rstrip("%")) for text in column(bets, 7)]
        assert flipped == sorted(clv, reverse=True)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert [float(text.rstrip("%")) for text in column(bets, 7)] == flipped
        assert "sort CLV ▼" in str(bets.border_title)


async def test_help_of_each_sub_screen_lists_where_sort_and_find_work(
    make_app, seeded: Database
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_runs(pilot, app, 1)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        own = dict(help_screen.sections[0][1])
        assert "next column" in own["s"] and "▲ / ▼" in own["S"]
        assert "outcome:" in own["/"] and "took>N" in own["/"]
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        own = dict(app.screen.sections[0][1])
        assert "s" in own and "S" in own and "/" not in own  # sorts; nothing to find there
