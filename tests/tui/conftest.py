"""Fixtures of the desk tests: a seeded real database, a fixed clock, fake control actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from app.core.clock import FixedClock, iso
from app.core.config import Settings, load_settings
from app.domain.status import Mode
from app.pipeline.health import desk_verdict
from app.storage.database import Database
from app.storage.mode import set_mode
from app.storage.read.desk_data import StoredDeskData
from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from tests.support.desk_seed import NOW, add_audit
from tests.support.pilot_wait import wait_for

__all__ = ["wait_for"]  # the desk tests import it from here

GOOD_KEY = "correct-horse-battery-staple"


@pytest.fixture
def desk_settings(db_path: Path) -> Settings:
    return load_settings(
        dotenv_path=None,
        db={"path": db_path},
        dashboard={"poll_interval_s": 0.05, "price_marker_s": 30},
    )


@dataclass(frozen=True)
class FakeResult:
    status: str
    message: str


@dataclass
class FakeControl:
    """Stands in for ControlService: checks a key, writes the mode and the audit row."""

    db: Database
    calls: list[tuple[str, ...]] = field(default_factory=list)
    attempts_left: int = 5

    def _wrong(self) -> FakeResult:
        self.attempts_left -= 1
        return FakeResult("wrong_key", f"wrong admin key; {self.attempts_left} attempts left")

    async def execute(self, admin_key: str, reason: str) -> FakeResult:
        self.calls.append(("execute", reason))
        if admin_key != GOOD_KEY:
            return self._wrong()
        await add_audit(self.db, "execute", None, "done", reason or "no reason given")
        return FakeResult("done", "run #42 finished: ok")

    async def override(self, mode: str, admin_key: str, reason: str) -> FakeResult:
        self.calls.append(("override", mode, reason))
        if admin_key != GOOD_KEY:
            return self._wrong()
        async with self.db.write() as conn:
            await set_mode(conn, Mode(mode), set_by="ops", set_at=iso(NOW), reason=reason)
        await add_audit(self.db, "override", mode, "done", reason)
        return FakeResult("done", f"mode is now {mode}")

    async def reset_breaker(self, source: str, admin_key: str, reason: str) -> FakeResult:
        self.calls.append(("reset_breaker", source, reason))
        if admin_key != GOOD_KEY:
            return self._wrong()
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE source_health SET circuit_state = 'closed', consecutive_failures = 0 "
                "WHERE source = ?",
                (source,),
            )
        await add_audit(self.db, "reset-breaker", source, "done", reason)
        return FakeResult("done", f"{source} breaker closed")

    def actions(self) -> ControlActions:
        return ControlActions(self.execute, self.override, self.reset_breaker)


@pytest.fixture
def fake_control(seeded: Database) -> FakeControl:
    return FakeControl(seeded)


@pytest.fixture
def make_app(desk_settings: Settings, seeded: Database) -> Callable[..., PressboxApp]:
    def build(**kwargs: Any) -> PressboxApp:
        clock = kwargs.setdefault("clock", FixedClock(NOW))
        data = StoredDeskData(seeded, verdict=desk_verdict(seeded, desk_settings, clock))
        return PressboxApp(desk_settings, data, **kwargs)

    return build


async def enter_reason_and_key(
    pilot: Pilot[Any], screen: Screen[Any], reason: str, key: str
) -> None:
    """Fill a break-glass modal as an operator does: Reason, Enter (the step), the key, Enter."""
    reason_input = screen.query_one("#bg-reason", Input)
    key_input = screen.query_one("#bg-key", Input)
    if key_input.disabled:
        reason_input.value = reason
        reason_input.focus()
        await pilot.press("enter")
        await pilot.pause()
    else:
        # Already past the step (a retry): the reason may still be edited in place.
        reason_input.value = reason
    key_input.value = key
    key_input.focus()
    await pilot.press("enter")  # submitting the key field confirms, like the button
