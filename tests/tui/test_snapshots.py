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
from app.pipeline.health import desk_verdict
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from app.tui.screens.break_glass import BreakGlassScreen
from tests.support.desk_seed import NOW, seed
from tests.support.desk_states import STATES

from .conftest import wait_for


async def _refuse(*_args: str) -> NoReturn:
    raise AssertionError("snapshots never call the control service")


SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]


def seeded_settings(tmp_path: Path, state: str = "degraded") -> Settings:
    home = tmp_path / "snap"
    home.mkdir(mode=0o700)
    path = home / "snap.db"

    async def prepare() -> None:
        async with Database(path) as db:
            await seed(db)
            await STATES[state](db)

    asyncio.run(prepare())
    return load_settings(dotenv_path=None, db={"path": path}, dashboard={"poll_interval_s": 0.05})


@pytest.fixture
def snapshot_settings(tmp_path: Path) -> Settings:
    return seeded_settings(tmp_path)


def desk(settings: Settings) -> PressboxApp:
    # A closed Database: the app opens it on its own event loop and closes it on exit.
    db = Database(settings.db.path)
    clock = FixedClock(NOW)
    return PressboxApp(
        settings,
        StoredDeskData(db, verdict=desk_verdict(db, settings, clock)),
        clock=clock,
        control=ControlActions(_refuse, _refuse, _refuse),
    )


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.poller.loads == 1)
    await pilot.pause()


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_dashboard(snap_compare, tmp_path, size, state) -> None:
    settings = seeded_settings(tmp_path, state)
    assert snap_compare(desk(settings), terminal_size=size, run_before=loaded)


def test_override_modal_80x24(snap_compare, snapshot_settings) -> None:
    async def open_override(pilot) -> None:
        await loaded(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BreakGlassScreen))
        await pilot.pause()

    assert snap_compare(desk(snapshot_settings), terminal_size=(80, 24), run_before=open_override)


# Find with its bar open, a sort by Game descending, the value bets zoomed.
PANEL_KEYS = {
    "find": ("slash", *"sox"),
    "sort": ("s", "s", "S"),
    "zoom": ("2", "z"),
}


@pytest.mark.parametrize("scene", list(PANEL_KEYS))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_panel_keys(snap_compare, snapshot_settings, size, scene) -> None:
    async def press(pilot) -> None:
        await loaded(pilot)
        await pilot.press(*PANEL_KEYS[scene])
        await pilot.pause()

    assert snap_compare(desk(snapshot_settings), terminal_size=size, run_before=press)
