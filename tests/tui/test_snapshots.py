"""Pixel-for-pixel (well, cell-for-cell) snapshots of the desk with a fixed clock and seeded data.

Update after an intended visual change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import NoReturn

import pytest

from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from app.tui.screens.break_glass import BreakGlassScreen
from tests.support.desk_seed import NOW, seed

from .conftest import wait_for


async def _refuse(*_args: str) -> NoReturn:
    raise AssertionError("snapshots never call the control service")


@pytest.fixture
def snapshot_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "snap.db"

    async def prepare() -> None:
        async with Database(path) as db:
            await seed(db)

    asyncio.run(prepare())
    return load_settings(dotenv_path=None, db={"path": path}, dashboard={"poll_interval_s": 0.05})


def desk(settings: Settings) -> PressboxApp:
    # A closed Database: the app opens it on its own event loop and closes it on exit.
    return PressboxApp(
        settings,
        StoredDeskData(Database(settings.db.path)),
        clock=FixedClock(NOW),
        control=ControlActions(_refuse, _refuse, _refuse),
    )


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.poller.loads == 1)
    await pilot.pause()


def test_dashboard_80x24(snap_compare, snapshot_settings) -> None:
    assert snap_compare(desk(snapshot_settings), terminal_size=(80, 24), run_before=loaded)


def test_dashboard_120x40(snap_compare, snapshot_settings) -> None:
    assert snap_compare(desk(snapshot_settings), terminal_size=(120, 40), run_before=loaded)


def test_override_modal_80x24(snap_compare, snapshot_settings) -> None:
    async def open_override(pilot) -> None:
        await loaded(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BreakGlassScreen))
        await pilot.pause()

    assert snap_compare(desk(snapshot_settings), terminal_size=(80, 24), run_before=open_override)
