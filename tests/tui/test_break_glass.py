"""Break-glass keys: X run now, O override, B reset breaker; read-only removes them."""

from __future__ import annotations

from textual.widgets import Button, Input, Select, Static

from app.storage.read.desk_data import StoredDeskData
from app.tui.app import PressboxApp
from app.tui.screens.break_glass import BreakGlassScreen
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.status_bar import StatusBar

from .conftest import GOOD_KEY, enter_reason_and_key, wait_for


def result_text(app: PressboxApp) -> str:
    return str(app.screen.query_one("#bg-result", Static).render())


async def open_modal(pilot, app: PressboxApp, key: str) -> BreakGlassScreen:
    await wait_for(pilot, lambda: app.poller.loads == 1)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
    screen = app.screen
    assert isinstance(screen, BreakGlassScreen)
    return screen


async def fill(pilot, screen: BreakGlassScreen, *, reason: str, key: str) -> None:
    await enter_reason_and_key(pilot, screen, reason, key)


async def test_cancel_is_focused_and_cancelling_calls_nothing(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("X", "O", "B"):
            screen = await open_modal(pilot, app, key)
            assert screen.focused is screen.query_one("#bg-cancel", Button)
            assert screen.query_one("#bg-key", Input).password is True
            await pilot.press("enter")  # on Cancel
            await wait_for(pilot, lambda: app.screen is app.dashboard)
        assert fake_control.calls == []


async def test_override_wrong_key_then_missing_reason_then_success(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_modal(pilot, app, "O")
        screen.query_one("#bg-choice", Select).value = "halted"

        await fill(pilot, screen, reason="books are wrong", key="not-the-key")
        await wait_for(pilot, lambda: screen.last_status == "wrong_key")
        assert "4 attempts left" in result_text(app)
        assert screen.query_one("#bg-key", Input).value == ""  # the typed key is not kept

        await fill(pilot, screen, reason="   ", key=GOOD_KEY)
        await pilot.pause()
        assert "reason is required" in result_text(app)
        assert len(fake_control.calls) == 1  # the service was not even asked

        await fill(pilot, screen, reason="books are wrong", key=GOOD_KEY)
        await wait_for(pilot, lambda: screen.last_status == "done")
        assert "mode is now halted" in result_text(app)
        assert fake_control.calls[-1] == ("override", "halted", "books are wrong")
        assert screen.query_one("#bg-confirm", Button).display is False

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.poller.loads >= 2)
        banner = app.dashboard.query_one("#status", StatusBar).shown
        assert "HALTED" in banner and "books are wrong" in banner
        events = app.dashboard.query_one("#events", KeyedTable)
        assert events.row_keys()[0].startswith("audit:")
        assert "override halted done" in events.get_row(events.row_keys()[0])[1]


async def test_run_now_needs_no_reason_and_reports_the_run(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_modal(pilot, app, "X")
        await fill(pilot, screen, reason="", key="nope")
        await wait_for(pilot, lambda: screen.last_status == "wrong_key")
        await fill(pilot, screen, reason="", key=GOOD_KEY)
        await wait_for(pilot, lambda: screen.last_status == "done")
        assert "run #42 finished" in result_text(app)
        assert [c[0] for c in fake_control.calls] == ["execute", "execute"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.poller.loads >= 2)
        events = app.dashboard.query_one("#events", KeyedTable)
        assert any(key.startswith("audit:") for key in events.row_keys())


async def test_reset_breaker_offers_the_open_breaker_first(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_modal(pilot, app, "B")
        assert screen.query_one("#bg-choice", Select).value == "odds"
        await fill(pilot, screen, reason="", key=GOOD_KEY)
        await pilot.pause()
        assert "reason is required" in result_text(app)
        assert fake_control.calls == []
        await fill(pilot, screen, reason="new key installed", key=GOOD_KEY)
        await wait_for(pilot, lambda: screen.last_status == "done")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.poller.loads >= 2)
        assert fake_control.calls == [("reset_breaker", "odds", "new key installed")]
        health = app.dashboard.query_one("#health-sources", QuietStatic).shown
        assert "open" not in health and "odds  [green]closed" in health


async def test_a_slow_key_check_keeps_the_ui_responsive(make_app, fake_control) -> None:
    import asyncio

    release = asyncio.Event()

    async def slow_override(mode: str, admin_key: str, reason: str):
        await release.wait()
        return await fake_control.override(mode, admin_key, reason)

    actions = fake_control.actions()
    from app.tui.actions import ControlActions

    app = make_app(control=ControlActions(actions.execute, slow_override, actions.reset_breaker))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_modal(pilot, app, "O")
        await fill(pilot, screen, reason="maintenance", key=GOOD_KEY)
        await pilot.pause()
        assert screen.busy and "Checking the admin key" in result_text(app)
        assert screen.query_one("#bg-confirm", Button).disabled
        # The event loop still serves keys while the check is pending.
        await pilot.press("tab")
        await pilot.pause()
        release.set()
        await wait_for(pilot, lambda: screen.last_status == "done")


async def test_read_only_removes_the_break_glass_keys(desk_settings, seeded, fake_control) -> None:
    from app.core.clock import FixedClock
    from tests.support.desk_seed import NOW

    desk_settings.dashboard.read_only = True
    app = PressboxApp(
        desk_settings, StoredDeskData(seeded), clock=FixedClock(NOW), control=fake_control.actions()
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        shown = {b.binding.key for b in app.active_bindings.values() if b.enabled}
        footer_keys = {
            key for key, b in app.active_bindings.items() if b.enabled and b.binding.show
        }
        assert not {"X", "O", "B"} & footer_keys
        assert {"q", "question_mark"} <= shown
        for key in ("X", "O", "B"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.dashboard
        assert fake_control.calls == []
        # Not silently ignored: each press says why the keys are off.
        said = [n.message for n in app._notifications if "read-only desk" in n.message]
        assert len(said) == 3 and "--read-only" in said[0]


async def test_actions_not_wired_are_hidden_too(make_app) -> None:
    app = make_app()  # no control service
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert app.check_action("run_now", ()) is False
        await pilot.press("X")
        await pilot.pause()
        assert app.screen is app.dashboard
        assert "no control service" in app.why_absent()


async def test_typing_in_the_modal_never_triggers_desk_keys(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_modal(pilot, app, "O")
        reason = screen.query_one("#bg-reason", Input)
        reason.focus()
        await pilot.press(*"quiet XOB ?ra")
        await pilot.pause()
        assert reason.value == "quiet XOB ?ra"
        assert app.screen is screen and app.is_running
