"""Navigation: game detail, run history with drill-down, audit trail, help, palette, quit."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable

from app.tui.screens.audit import AuditScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.help import HelpScreen
from app.tui.screens.runs import RunsScreen
from tests.support.desk_seed import add_audit
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic

from .conftest import wait_for


async def test_enter_on_a_game_opens_its_detail_and_escape_returns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        games = app.dashboard.query_one("#games", KeyedTable)
        games.focus()
        games.move_cursor(row=games.get_row_index("777001"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        screen = app.screen
        assert isinstance(screen, GameDetailScreen)
        await wait_for(pilot, lambda: screen.detail is not None)
        title = screen.query_one("#detail-title", QuietStatic).shown
        assert "Yankees @ Red Sox" in title and "19:15" in title
        fair = screen.query_one("#detail-fair", QuietStatic).shown
        assert "Boston Red Sox" in fair and "+104" in fair and "49.0%" in fair
        table = screen.query_one("#detail-prices", DataTable)
        assert table.row_count == 8  # every book's price of every market
        red_sox_dk = table.get_row("h2h|Boston Red Sox|draftkings")
        assert red_sox_dk[3] == "+114" and red_sox_dk[4] == "49.0%" and "+4.9%" in red_sox_dk[5]
        assert red_sox_dk[6] == "▁█"  # the day's movement from odds_moves: 104 then 114
        await pilot.press("escape")
        assert app.screen is app.dashboard
        assert games.cursor_row == games.get_row_index("777001")


async def test_runs_history_drills_into_stages_and_errors(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RunsScreen))
        screen = app.screen
        runs = screen.query_one("#runs-table", DataTable)
        await wait_for(pilot, lambda: runs.row_count == 1)
        stages = screen.query_one("#stages-table", DataTable)
        await wait_for(pilot, lambda: stages.row_count == 5)
        await pilot.press("enter")  # drill down
        assert screen.focused is stages
        await pilot.press("down")  # the odds stage
        await pilot.pause()
        detail = screen.query_one("#stage-detail", QuietStatic).shown
        assert "odds" in detail and "timed out after 10 s" in detail and "transient" in detail
        await pilot.press("escape")  # back to the runs list first
        assert screen.focused is runs
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_audit_trail_lists_entries_newest_first(make_app, seeded) -> None:
    await add_audit(seeded, "override", "paused", "done", "maintenance window")
    await add_audit(seeded, "execute", None, "wrong_key", "test")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        table = app.screen.query_one("#audit-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        first = table.get_row_at(0)
        assert first[2] == "execute" and "wrong_key" in first[4]
        assert table.get_row_at(1)[6] == "maintenance window"
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_help_lists_only_usable_keys(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = {key for key, _ in app.screen.keys}
        assert {"X", "O", "B", "q", "tab", "enter"} <= keys
        await pilot.press("escape")
        assert app.screen is app.dashboard

    ro = make_app()
    ro.read_only = True
    async with ro.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(ro.screen, HelpScreen))
        listed = dict(ro.screen.keys)
        assert not {"X", "O", "B"} & set(listed)
        assert "read-only desk" in listed["X O B"]  # absent, and why


async def test_palette_offers_guarded_actions_only_when_allowed(make_app, fake_control) -> None:
    from app.tui.commands import DeskCommands

    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        provider = DeskCommands(app.screen)
        titles = [title for title, _, _ in provider._available()]
        assert any("Override" in t for t in titles) and any("Run history" in t for t in titles)
        app.read_only = True
        titles = [title for title, _, _ in provider._available()]
        assert not any("break-glass" in t for t in titles)
        assert any("Audit" in t for t in titles)
        app.read_only = False
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"override")
        await pilot.pause(0.3)
        await pilot.press("enter")
        from app.tui.screens.break_glass import BreakGlassScreen

        await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
        assert app.screen.spec.action == "override"


async def test_q_quits_with_status_zero(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


async def test_audit_trail_pages_back_with_m(make_app, seeded) -> None:
    for n in range(5):
        await add_audit(seeded, "override", "paused", "done", f"reason {n}")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        screen = AuditScreen(app.ctx, page_size=2)
        await app.push_screen(screen)
        table = screen.query_one("#audit-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        assert table.get_row_at(0)[6] == "reason 4"
        await pilot.press("m")
        await wait_for(pilot, lambda: table.row_count == 4)
        await pilot.press("m")
        await wait_for(pilot, lambda: table.row_count == 5)
        assert table.get_row_at(4)[6] == "reason 0"
        assert "older entries" not in screen.query_one("#audit-title", QuietStatic).shown
        await pilot.press("m")  # nothing older: nothing happens
        await pilot.pause()
        assert table.row_count == 5
