"""Hostile text planted in the database reaches no screen of the desk raw (issue 10, item 1).

Every string of the hostile corpus (real terminal-injection sequences) and a
seeded batch of generated ones is written into the fields upstreams, operators
and attackers control: team names, game status, book titles, run reasons, stage
errors, source errors, the mode's reason, alert subjects and audit rows. The desk
then shows every screen at 80x24 (dashboard, game detail, runs, audit, help), and
every segment of text the compositor hands the terminal is checked: no control
character or escape byte from the data, and the desk still runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.screen import Screen

from app.storage.database import Database
from app.tui.screens.audit import AuditScreen
from app.tui.screens.game_detail import GameDetailScreen
from app.tui.screens.help import HelpScreen
from app.tui.screens.runs import RunsScreen
from tests.support.desk_seed import add_audit
from tests.support.hostile_corpus import CORPUS, FORBIDDEN, generated
from widgets.keyed_table import KeyedTable

from .conftest import wait_for

# Rounds of hostile strings; every field of one round gets its own string.
STRINGS = list(CORPUS) + generated(count=48)
FIELDS = 12
ROUNDS = [STRINGS[i : i + FIELDS] for i in range(0, len(STRINGS), FIELDS)]


def cycle(strings: list[str]) -> Iterator[str]:
    while True:
        yield from strings


async def plant(db: Database, strings: list[str]) -> None:
    text = cycle(strings)
    async with db.write() as conn:
        await conn.execute(
            "UPDATE games SET away_team = ?, status = ? WHERE game_pk = 777001",
            (next(text), next(text)),
        )
        await conn.execute("UPDATE games SET home_team = ? WHERE game_pk = 777002", (next(text),))
        await conn.execute("UPDATE odds_latest SET book_title = ?", (next(text),))
        await conn.execute("UPDATE runs SET reason = ?", (next(text),))
        await conn.execute(
            "UPDATE run_stages SET error_kind = ?, error_summary = ?", (next(text), next(text))
        )
        await conn.execute(
            "UPDATE source_health SET last_error = ?, last_error_kind = 'transient'", (next(text),)
        )
        await conn.execute(
            "UPDATE system_mode SET mode = 'paused', set_by = ?, reason = ?",
            (next(text), next(text)),
        )
        await conn.execute(
            "INSERT INTO alerts (kind, dedupe_key, subject, body, created_at, status) "
            "VALUES ('value_bets', 'k', ?, 'b', '2025-06-14T19:59:00.000Z', 'sent')",
            (next(text),),
        )
    await add_audit(db, next(text), next(text), "wrong_key", next(text))


def terminal_text(app: App[None]) -> list[str]:
    """The text of every segment the compositor would send for the current screen."""
    # The compositor's full update is what the driver writes: its segments' text is the
    # data; Textual's own escape sequences come from styles, never from this text.
    update = app.screen._compositor.render_update(full=True)
    assert isinstance(update, LayoutUpdate)
    # One entry per screen line, each the strips of the widgets side by side on it.
    return [segment.text for line in update.strips for strip in line for segment in strip]


def is_showing(app: App[None], screen_type: type[Screen[None]]) -> bool:
    return isinstance(app.screen, screen_type)


def assert_clean(app: App[None], where: str) -> None:
    for text in terminal_text(app):
        found = FORBIDDEN.search(text)
        assert found is None, f"{where}: {found.group()!r} reached the terminal in {text!r}"


@pytest.mark.parametrize("strings", ROUNDS, ids=[f"round{i}" for i in range(len(ROUNDS))])
async def test_hostile_data_never_reaches_the_terminal_raw(make_app, seeded, strings) -> None:
    await plant(seeded, strings)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.pause()
        assert_clean(app, "dashboard")

        games = app.dashboard.query_one("#games", KeyedTable)
        games.focus()
        games.move_cursor(row=games.get_row_index("777001"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        detail = app.screen
        assert isinstance(detail, GameDetailScreen)
        await wait_for(pilot, lambda: detail.detail is not None)
        await pilot.pause()
        assert_clean(app, "game detail")
        await pilot.press("escape")

        screens: tuple[tuple[str, type[Screen[None]]], ...] = (
            ("r", RunsScreen),
            ("a", AuditScreen),
            ("question_mark", HelpScreen),
        )
        for key, screen_type in screens:
            await pilot.press(key)
            await wait_for(pilot, partial(is_showing, app, screen_type))
            await pilot.pause(0.1)
            assert_clean(app, screen_type.__name__)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.dashboard)
        assert app.is_running
