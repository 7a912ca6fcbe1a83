"""SQLite failures on the desk: reported (notice + log) within one poll, and never a stuck modal."""

from __future__ import annotations

import sqlite3
from typing import Any

import structlog
from textual.widgets import Button, Input, Static

from app.storage.database import Database
from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from app.tui.screens.break_glass import BreakGlassScreen
from widgets.status_bar import StatusBar

from .conftest import GOOD_KEY, FakeControl, enter_reason_and_key, wait_for


def notices(app: PressboxApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_sqlite_error_in_the_poll_is_a_notice_within_one_poll_and_logged(
    make_app, seeded: Database, desk_settings
) -> None:
    # Polls are started by hand: the one after the fault is the one that must report it.
    desk_settings.dashboard.poll_interval_s = 3600
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1 and app._poll_timer is not None)
        # Another process breaks the schema under the desk: the next read meets a real
        # sqlite3.OperationalError ("no such table"), which Database classifies.
        with sqlite3.connect(seeded.path) as other:
            other.execute("DROP TABLE value_bets")
        checks = app.poller.checks
        with structlog.testing.capture_logs() as logs:
            app._poll_timer.stop()
            app._start_poll()
            await wait_for(pilot, lambda: app.poller.checks == checks + 1)
            await wait_for(pilot, lambda: bool(notices(app)))
        assert app.poller.checks == checks + 1  # within one poll
        (notice,) = notices(app)
        assert "no such table: value_bets" in notice and "pressbox db migrate" in notice
        banner = app.dashboard.query_one("#status", StatusBar).shown
        assert "no such table: value_bets" in banner
        failed = [e for e in logs if e["event"] == "dashboard refresh failed"]
        assert failed and "no such table: value_bets" in failed[0]["error"]
        assert app.is_running  # the desk carries on; the next poll tries again


async def test_the_same_storage_failure_is_said_once_not_every_poll(make_app, seeded) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        with sqlite3.connect(seeded.path) as other:
            other.execute("DROP TABLE games")
        await wait_for(pilot, lambda: bool(notices(app)))
        checks = app.poller.checks
        await wait_for(pilot, lambda: app.poller.checks >= checks + 3)
        assert len(notices(app)) == 1


async def open_override(pilot: Any, app: PressboxApp) -> BreakGlassScreen:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    await pilot.press("O")
    await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
    screen = app.screen
    assert isinstance(screen, BreakGlassScreen)
    return screen


async def confirm(pilot: Any, screen: BreakGlassScreen, key: str) -> None:
    await enter_reason_and_key(pilot, screen, "books are wrong", key)


def usable(screen: BreakGlassScreen) -> bool:
    button = screen.query_one("#bg-confirm", Button)
    return not screen.busy and not button.disabled and button.display


async def test_a_storage_error_in_a_break_glass_action_leaves_the_modal_usable(
    make_app, seeded: Database, fake_control: FakeControl
) -> None:
    broken = True

    async def override(mode: str, admin_key: str, reason: str) -> Any:
        if broken:
            # The action's write meets a real SQLite error through Database.
            async with seeded.write() as conn:
                await conn.execute("UPDATE no_such_table SET mode = ?", (mode,))
        return await fake_control.override(mode, admin_key, reason)

    app = make_app(control=ControlActions(None, override, None))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_override(pilot, app)
        await confirm(pilot, screen, GOOD_KEY)
        await wait_for(pilot, lambda: screen.last_status == "error")
        result = str(screen.query_one("#bg-result", Static).render())
        assert "no such table: no_such_table" in result
        assert usable(screen)
        assert screen.query_one("#bg-key", Input).value == ""  # the typed key is not kept

        broken = False  # the operator tries again once the cause is fixed
        await confirm(pilot, screen, GOOD_KEY)
        await wait_for(pilot, lambda: screen.last_status == "done")
        assert fake_control.calls and fake_control.calls[-1][0] == "override"


async def test_an_unclassified_sqlite_error_still_releases_the_modal_and_is_reported(
    make_app,
) -> None:
    async def override(mode: str, admin_key: str, reason: str) -> Any:
        # What a call that bypassed Database would raise: the modal must not stay busy.
        raise sqlite3.OperationalError("database is locked")

    app = make_app(control=ControlActions(None, override, None))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_override(pilot, app)
        with structlog.testing.capture_logs() as logs:
            await confirm(pilot, screen, GOOD_KEY)
            await wait_for(pilot, lambda: screen.last_status == "error")
            await wait_for(pilot, lambda: bool(notices(app)))
        assert usable(screen)
        assert "failed unexpectedly" in str(screen.query_one("#bg-result", Static).render())
        assert any("the break-glass action failed" in n for n in notices(app))
        assert any(e["event"] == "desk worker failed" and e["group"] == "break-glass" for e in logs)
        assert app.is_running
