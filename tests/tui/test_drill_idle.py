"""Every screen keeps the idle budget open (nothing read or painted while data is still);
the drill-through screens list their keys in the footer and the help."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Footer

from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.screens.audit import AuditScreen
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.checklist import ChecklistScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.help import HelpScreen
from app.tui.screens.live import LiveScreen
from app.tui.screens.notifications import NotificationsScreen
from app.tui.screens.runs import RunsScreen
from app.tui.screens.source_errors import SourceErrorsScreen
from app.tui.screens.trends import TrendsScreen
from tests.support.desk_seed import GAMES
from tests.support.drill_seed import add_full_audit
from tests.support.refresh_counter import RefreshCounter

from .conftest import wait_for

Opener = Callable[[PressboxApp, int], LiveScreen[Any]]
OPENERS: dict[str, Opener] = {
    "audit entry": lambda app, entry_id: AuditEntryScreen(app.ctx, entry_id),
    "source errors": lambda app, _: SourceErrorsScreen(app.ctx, "odds"),
    "notifications": lambda app, _: NotificationsScreen(app.ctx, app.notices),
}
# The other live screens: the idle budget holds with each of them open too (issue 13).
EVERY_SCREEN: dict[str, Opener] = {
    **OPENERS,
    "game detail": lambda app, _: GameDetailScreen(app.ctx, GAMES[0][0]),
    "runs": lambda app, _: RunsScreen(app.ctx),
    "audit": lambda app, _: AuditScreen(app.ctx),
    "trends": lambda app, _: TrendsScreen(app.ctx),
    "checklist": lambda app, _: ChecklistScreen(app.ctx),
}


@pytest.mark.parametrize("name", list(EVERY_SCREEN))
async def test_an_open_screen_is_idle_while_the_data_is_still(
    make_app, seeded: Database, monkeypatch, name: str
) -> None:
    entry_id = await add_full_audit(seeded)
    counter = RefreshCounter()
    counter.install(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        app.notify("one notice, so the history has a row")
        screen = EVERY_SCREEN[name](app, entry_id)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.poller.loads == 1)
        await pilot.pause(0.5)  # the footer settles once after the table took the focus
        await counter.watch_polls(pilot, screen.poller)
        assert screen.poller.loads == 1  # twenty polls, no load
        assert sum(counter.whole.values()) == 0, counter.whole
        assert sum(counter.regions.values()) == 0, counter.regions


@pytest.mark.parametrize("name", list(OPENERS))
async def test_each_drill_screen_shows_and_helps_with_its_keys(
    make_app, seeded: Database, name: str
) -> None:
    entry_id = await add_full_audit(seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        screen = OPENERS[name](app, entry_id)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.poller.loads == 1)
        footer_keys = {
            b.key
            for _, b, enabled, _ in screen.query_one(Footer).screen.active_bindings.values()
            if enabled
        }
        assert {"escape", "y", "f", "question_mark", "q"} <= footer_keys
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        own = dict(app.screen.sections[0][1])
        assert own["escape"] == "Back" and "Copy" in own["y"]
        assert "Notification history" in dict(app.screen.keys)["n"]


async def test_help_on_the_dashboard_lists_drill_copy_and_history(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        listed = dict(app.screen.sections[0][1]) | dict(app.screen.sections[1][1])
        assert "audit entry" in listed["enter"] and "source's recent errors" in listed["enter"]
        assert "OSC 52" in listed["y"] and "Notification history" in listed["n"]
