"""Snapshots of the trends screen and the first-run checklist at 80x24 and 120x40.

Update after an intended visual change with:
pytest tests/tui/test_trends_snapshots.py --snapshot-update
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.core.config import Settings
from app.tui.screens.checklist import ChecklistScreen
from app.tui.screens.trends import TrendsScreen
from tests.support.trend_desk import NO_KEYRING, prepared_settings, trend_desk

from .conftest import wait_for

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


def settings_on(tmp_path: Path, *, day: bool, configured: bool) -> Settings:
    return asyncio.run(prepared_settings(tmp_path / "snap", day=day, configured=configured))


async def open_trends(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.poller.loads == 1)
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TrendsScreen))
    await wait_for(pilot, lambda: pilot.app.screen.poller.loads == 1)
    await pilot.pause()


async def checklist_shown(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChecklistScreen))
    await wait_for(pilot, lambda: pilot.app.screen.checklist is not None)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_trends(snap_compare, tmp_path, size) -> None:
    app = trend_desk(settings_on(tmp_path, day=True, configured=True))
    assert snap_compare(app, terminal_size=size, run_before=open_trends)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_checklist_of_an_empty_installation(snap_compare, tmp_path, size) -> None:
    settings = settings_on(tmp_path, day=False, configured=False)
    app = trend_desk(settings, keyring=NO_KEYRING, first_run_check=True)
    assert snap_compare(app, terminal_size=size, run_before=checklist_shown)
