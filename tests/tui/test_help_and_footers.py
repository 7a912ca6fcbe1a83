"""Help per screen (its own keys first, Tab explained) and footers that keep ? Help and q Quit."""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from app.tui.app import PressboxApp
from app.tui.screens.audit import AuditScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.help import HelpScreen
from app.tui.screens.runs import RunsScreen

from .conftest import wait_for

SCREENS: dict[str, type[Screen[Any]]] = {"r": RunsScreen, "a": AuditScreen}


async def open_help(pilot: Any, app: PressboxApp) -> HelpScreen:
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    assert isinstance(app.screen, HelpScreen)
    return app.screen


@pytest.mark.parametrize("key", ["r", "a"])
async def test_help_on_a_sub_screen_lists_its_own_keys_first(
    make_app, fake_control, key: str
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, SCREENS[key]))
        help_screen = await open_help(pilot, app)
        first_section, own = help_screen.sections[0]
        assert first_section == "This screen"
        listed = dict(help_screen.keys)
        assert listed["r"] == "Reload"  # not "Run history": on this screen r reloads
        assert ("r", "Reload") in own and ("f", "Freeze / follow") in own
        assert "Reason to the key" in listed["enter"] and "tab" in listed
        desk = dict(help_screen.sections[1][1])
        assert "r" not in desk and "X" in desk  # shadowed keys are not listed twice
        await pilot.press("escape")
        assert isinstance(app.screen, SCREENS[key])


async def test_help_on_the_dashboard_lists_its_keys_and_the_desk(make_app, fake_control) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        help_screen = await open_help(pilot, app)
        assert help_screen.title_text == "Dashboard"
        own = [k for k, _ in help_screen.sections[0][1]]
        assert own[:4] == ["enter", "T", "t", "i"]
        assert own[4:] == ["/", "s", "S", "1-4", "z", "escape", "j k g G"]  # the panel keys
        assert dict(help_screen.keys)["r"] == "Run history and stage errors"


def footer_labels(app: PressboxApp, width: int) -> set[str]:
    """The footer keys drawn whole inside the terminal's width."""
    footer = app.screen.query_one(Footer)
    return {
        str(key.key_display)
        for key in footer.query(FooterKey)
        if key.region.width > 0 and key.region.right <= width
    }


@pytest.mark.parametrize("key", ["r", "a", "enter", ""])
async def test_every_footer_keeps_help_and_quit_at_80_columns(
    make_app, fake_control, key: str
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        if key:
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen is not app.dashboard)
        if key == "enter":
            assert isinstance(app.screen, GameDetailScreen)
        await pilot.pause()
        assert {"?", "q"} <= footer_labels(app, 80)
