"""Pixel-for-pixel (well, cell-for-cell) snapshots of the desk with a fixed clock and seeded data.

Update after an intended visual change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
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
from tests.support.desk_seed import NOW, SLATE, seed

from .conftest import wait_for


async def _refuse(*_args: str) -> NoReturn:
    raise AssertionError("snapshots never call the control service")


async def healthy(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE runs SET outcome = 'ok', reason = NULL")
        await conn.execute("UPDATE run_stages SET status = 'ok', error_kind = NULL")
        await conn.execute(
            "UPDATE source_health SET circuit_state = 'closed', consecutive_failures = 0, "
            "last_error_kind = NULL, last_error = NULL, last_error_at = NULL"
        )


async def degraded(db: Database) -> None:
    """The seed itself: the last run degraded, the odds breaker open."""


async def critical(db: Database) -> None:
    async with db.write() as conn:
        for run_id, minute in ((42, "58"), (43, "59")):
            await conn.execute(
                "INSERT INTO runs (id, trigger, slate_date, outcome, reason, started_at, "
                "finished_at, owner_host, owner_pid, credits_used) VALUES (?, 'schedule', ?, "
                "'failed', 'odds: breaker open', ?, ?, 'h', 1, 0)",
                (
                    run_id,
                    SLATE,
                    f"2025-06-14T19:{minute}:00.000Z",
                    f"2025-06-14T19:{minute}:01.000Z",
                ),
            )
        await conn.execute("UPDATE runs SET outcome = 'failed' WHERE id = 41")


async def locked(db: Database) -> None:
    await healthy(db)
    async with db.write() as conn:
        for second in range(5):
            await conn.execute(
                "INSERT INTO auth_attempts (at, action, origin, who, host, pid, result) "
                "VALUES (?, 'override', 'mallory', 'mallory', 'h', 7, 'wrong')",
                (f"2025-06-14T19:59:0{second}.000Z",),
            )
        await conn.execute(
            "INSERT INTO auth_locks (scope, locked_until) "
            "VALUES ('origin:mallory', '2025-06-14T20:14:00.000Z')"
        )


STATES: dict[str, Callable[[Database], Awaitable[None]]] = {
    "healthy": healthy,
    "degraded": degraded,
    "critical": critical,
    "locked": locked,
}
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
