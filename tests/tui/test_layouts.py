"""Layouts that fit: modals keep their buttons in view, panels keep their order and counts."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from app.tui.screens.break_glass import BreakGlassScreen
from app.tui.screens.help import HelpScreen
from widgets.keyed_table import KeyedTable

from .conftest import wait_for


def on_screen(app, widget) -> bool:
    """The widget is really visible: the screen finds it under its own centre."""
    region = widget.region
    if region.area == 0:
        return False
    found, _ = app.screen.get_widget_at(*region.center)
    return found is widget or widget in found.ancestors_with_self


@pytest.mark.parametrize("key", ["X", "O", "B"])
@pytest.mark.parametrize("size", [(80, 20), (80, 24), (120, 40)])
async def test_every_modal_keeps_its_buttons_in_view(make_app, fake_control, key, size) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, BreakGlassScreen))
        await pilot.pause()
        for button in app.screen.query(Button):
            assert on_screen(app, button), f"{button.id} hidden at {size}"


async def test_help_fits_at_80x20_and_explains_the_numbers(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 20)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        text = str(app.screen.query_one("#help-text").render())
        for unit in ("Fair %", "EV %", "Stake u", "Away RL"):
            assert unit in text
        box = app.screen.query_one("#help-box")
        assert box.region.bottom <= 20 and box.region.right <= 80


async def test_at_80x24_health_and_games_come_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.pause()
        dash = app.dashboard
        status, health, games = (dash.query_one(f"#{w}") for w in ("status", "health", "games"))
        assert status.region.y == 0
        assert status.region.bottom <= health.region.y < games.region.y
        bets, events = dash.query_one("#value-bets"), dash.query_one("#events")
        assert games.region.y < bets.region.y < events.region.y
        assert events.region.bottom <= 23  # above the footer
        for table in (games, bets, events):
            assert isinstance(table, KeyedTable)
            assert f" {table.position_text()}" in str(table.border_title)


async def test_wide_layout_gives_health_the_full_width(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.pause()
        health = app.dashboard.query_one("#health")
        assert health.region.width == 120
        sources = app.dashboard.query_one("#health-sources")
        # The odds error line is said whole (it wraps rather than being cut).
        assert "timed out after 10 s" in str(sources.render())
