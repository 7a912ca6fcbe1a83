"""Snapshots of a sorted, filtered sub-screen (the runs by duration) at 80x24 and 120x40."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from app.core.config import Settings
from app.storage.database import Database
from tests.support.sort_seed import add_runs

from .conftest import wait_for
from .test_snapshots import desk, loaded, seeded_settings


def runs_settings(tmp_path: Path) -> Settings:
    settings = seeded_settings(tmp_path)

    async def add() -> None:
        async with Database(settings.db.path) as db:
            await add_runs(db)

    asyncio.run(add())
    return settings


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_runs_sorted_by_duration_and_found(snap_compare, tmp_path, size) -> None:
    async def sort_runs(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: pilot.app.screen.id == "runs")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#runs-table").row_count == 4)
        # Took ▼, then only the scheduled runs.
        await pilot.press(*"ssssss", "S", "slash", *"trigger:sched", "enter", "j")
        await pilot.pause(0.3)

    assert snap_compare(desk(runs_settings(tmp_path)), terminal_size=size, run_before=sort_runs)
