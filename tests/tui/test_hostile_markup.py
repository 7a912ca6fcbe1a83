"""An upstream status that looks like Rich markup is text, not a crash (issue 10, item 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.storage.database import Database
from app.tui.screens.game_detail import GameDetailScreen
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic

from .conftest import wait_for
from .test_terminal import read_until, start_desk


async def _set_status(db: Database, status: str) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE games SET status = ? WHERE game_pk = 777001", (status,))


async def test_a_markup_closing_tag_as_status_does_not_kill_the_desk(make_app, seeded) -> None:
    await _set_status(seeded, "[/]")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads >= 1)
        games = app.dashboard.query_one("#games", KeyedTable)
        games.focus()
        games.move_cursor(row=games.get_row_index("777001"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GameDetailScreen))
        screen = app.screen
        assert isinstance(screen, GameDetailScreen)
        await wait_for(pilot, lambda: screen.detail is not None)
        await pilot.pause(0.05)
        assert "[/]" in screen.query_one("#detail-title", QuietStatic).shown
        await pilot.press("escape")
        assert app.is_running
    assert app.return_code in (0, None)


@pytest.mark.integration
def test_a_desk_that_dies_exits_non_zero(tmp_path: Path) -> None:
    process, master = start_desk(tmp_path, "desk_crash_child")
    try:
        seen = read_until(master, b"the desk died while composing", timeout=60)
        assert process.wait(timeout=30) == 1, seen[-500:]
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
