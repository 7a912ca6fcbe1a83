"""Snapshots at 80x24 of the drill-through screens: an audit entry and a source's errors."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from app.core.config import Settings
from app.storage.database import Database
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.source_errors import SourceErrorsScreen, SourcePickerScreen
from tests.support.drill_seed import add_full_audit, add_odds_failure
from widgets.health_panel import HealthPanel

from .conftest import wait_for
from .test_snapshots import desk, loaded, seeded_settings


def drill_settings(tmp_path: Path) -> Settings:
    settings = seeded_settings(tmp_path)

    async def add() -> None:
        async with Database(settings.db.path) as db:
            await add_full_audit(db)
            await add_odds_failure(db, 42, "401 from The Odds API: the key was refused")

    asyncio.run(add())
    return settings


def test_audit_entry_80x24(snap_compare, tmp_path) -> None:
    async def open_entry(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: pilot.app.screen.id == "audit")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, AuditEntryScreen)
                and pilot.app.screen.entry is not None
            ),
        )
        await pilot.pause()

    assert snap_compare(
        desk(drill_settings(tmp_path)), terminal_size=(80, 24), run_before=open_entry
    )


def test_source_errors_80x24(snap_compare, tmp_path) -> None:
    async def open_errors(pilot: Any) -> None:
        await loaded(pilot)
        pilot.app.dashboard.query_one(HealthPanel).focus()
        await pilot.press("enter")  # the picker, on the open odds breaker
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SourcePickerScreen))
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, SourceErrorsScreen)
                and pilot.app.screen.errors is not None
            ),
        )
        await pilot.pause()

    assert snap_compare(
        desk(drill_settings(tmp_path)), terminal_size=(80, 24), run_before=open_errors
    )
