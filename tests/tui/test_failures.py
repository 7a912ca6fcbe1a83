"""What the desk does when something breaks: it says so on the banner, and never prints locals."""

from __future__ import annotations

import pytest

from app.core.errors import StorageError
from app.tui.screens.break_glass import BreakGlassScreen
from widgets.keyed_table import KeyedTable
from widgets.status_bar import StatusBar

from .conftest import GOOD_KEY, enter_reason_and_key, wait_for


async def test_an_unreadable_database_shows_on_the_banner_then_recovers(
    make_app, monkeypatch
) -> None:
    app = make_app()
    original = app.poller._version
    failures = 2

    async def flaky() -> int:
        nonlocal failures
        if failures:
            failures -= 1
            raise StorageError("database is locked", hint="Try again.")
        return await original()

    app.poller._version = flaky
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.dashboard.query_one("#status", StatusBar)
        await wait_for(pilot, lambda: "database is locked" in banner.shown)
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert "database is locked" not in banner.shown  # the next good poll clears it
        assert app.dashboard.query_one("#games", KeyedTable).row_count == 3


async def test_a_background_failure_is_reported_not_swallowed(make_app) -> None:
    async def broken() -> None:
        raise StorageError("demo database is read-only", hint="Check its permissions.")

    app = make_app(background=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.dashboard.query_one("#status", StatusBar)
        await wait_for(pilot, lambda: "background pipeline stopped" in banner.shown)
        assert "read-only" in banner.shown


async def test_a_crash_never_prints_local_variables(make_app, capsys) -> None:
    app = make_app()
    secret = "".join(reversed("esroh-tcerroc-2retnuh"))  # not in this file's source as such

    def explode(admin_key: str) -> None:
        raise RuntimeError(f"boom ({len(admin_key)})")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.poller.loads == 1)
            app.call_later(explode, secret)
            await pilot.pause(0.2)
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "RuntimeError" in text and "boom (21)" in text  # the crash is still explained
    assert secret not in text


async def test_an_answer_after_the_modal_closed_arrives_as_a_notification(
    make_app, fake_control
) -> None:
    import asyncio

    from app.tui.actions import ControlActions

    release = asyncio.Event()

    async def slow_execute(admin_key: str, reason: str):
        await release.wait()
        return await fake_control.execute(admin_key, reason)

    app = make_app(control=ControlActions(slow_execute, None, None))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
        screen = app.screen
        await enter_reason_and_key(pilot, screen, "", GOOD_KEY)
        await pilot.press("escape")  # the operator closes the modal while the run goes on
        await wait_for(pilot, lambda: app.screen is app.dashboard)
        release.set()
        await wait_for(pilot, lambda: any("run #42" in n.message for n in app._notifications))
        assert app.check_action("override", ()) is False  # not wired: hidden


async def test_the_terminal_check_notices_a_lost_stdin(make_app, monkeypatch) -> None:
    app = make_app()
    gone: list[str] = []
    monkeypatch.setattr(app, "_terminal_gone", gone.append)
    async with app.run_test(size=(80, 24)):
        app._check_terminal()  # pytest's stdin is not a terminal: exactly the lost case
    assert gone and "terminal" in gone[0]
