"""Snapshots of the rewound desk (the replayed day at run 2's finish) at 80x24 and 120x40.

Update after an intended visual change with:
pytest tests/tui/test_rewind_snapshots.py --snapshot-update
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.storage.database import Database
from tests.support.rewind_day import FINISHES, replay_day, steady_timings

from .conftest import wait_for
from .test_rewind import day_settings, rewind_desk

SIZES = [(80, 24), (120, 40)]


def day_file(tmp_path: Path) -> Path:
    path = tmp_path / "day.db"

    async def prepare() -> None:
        async with Database(path) as db:
            await replay_day(day_settings(path), db, tmp_path)
            await steady_timings(db)

    asyncio.run(prepare())
    return path


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.poller.loads == 1)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_rewound_dashboard(snap_compare, tmp_path, size) -> None:
    app = rewind_desk(Database(day_file(tmp_path)), moment=FINISHES[1])
    assert snap_compare(app, terminal_size=size, run_before=loaded)
