"""The desk draws first and wires the rest after: one snapshot in the first frame, the control
service, the keyring and the demo's scheduler once that frame is up (bench/startup.py)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.screen import Screen

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import ConfigurationError
from app.runtime import PARTS
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.app import DeskParts, PressboxApp
from app.tui.launch import desk_app
from app.tui.screens.dashboard import DashboardScreen
from tests.support.desk_seed import GAMES, NOW, seed
from widgets.keyed_table import KeyedTable
from widgets.status_bar import StatusBar

from .conftest import FakeControl, wait_for

# The real entry point, headless: the modules loaded when the first snapshot is on the
# dashboard, then again once the parts are wired; printed as JSON on the real stderr.
_PROBE = """
import gc, json, sys
from textual.app import App

original = App.run_async
found = {}

async def watch(pilot):
    app = pilot.app
    while app.dashboard.snapshot is None:
        await pilot.pause(0.01)
    found["first"] = sorted(sys.modules)
    found["keys_at_first"] = app.control.execute is not None
    found["collector_at_first"] = gc.isenabled()
    while app.wiring:
        await pilot.pause(0.05)
    found["wired"] = sorted(sys.modules)
    found["collector_wired"] = gc.isenabled()
    found["keys"] = app.control.execute is not None
    app.exit(0)

async def run_async(self, **kwargs):
    self._watch_terminal = False  # no terminal here to watch
    kwargs.update(headless=True, auto_pilot=watch)
    return await original(self, **kwargs)

App.run_async = run_async
sys.argv = ["pressbox", "--db", sys.argv[1]]
from app.cli.main import main
try:
    main()
finally:
    print(json.dumps(found), file=sys.__stderr__)
"""

# Not needed for the first frame: the control service and what it pulls in, and the reads
# of the screens opened later (``StoredDeskData`` imports each where it is made).
LATE = {*PARTS, "app.runtime", "httpx", "keyring", "aiosmtplib", "stamina"}
LATE_READS = {
    "app.storage.read.audit",
    "app.storage.read.audit_entry",
    "app.storage.read.clv",
    "app.domain.clv",
    "app.storage.read.source_errors",
    "app.storage.read.trends",
    "app.storage.read.rewind",  # a desk rewinds only on `w` or `--at`
    # The read models and screens of what a key or enter opens, loaded when first opened.
    "app.storage.read.clv_models",
    "app.storage.read.trends_models",
    "app.tui.screens.runs",
    "app.tui.screens.audit_entry",
    "app.tui.screens.source_errors",
}

VALIDATION = {"pydantic", "pydantic_core", "pydantic_settings", "annotated_types"}


def test_the_first_frame_imports_no_control_service_and_the_keys_follow(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"

    async def prepare() -> None:
        async with Database(path) as db:
            await seed(db)

    asyncio.run(prepare())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOX_")}
    env.update(XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    found = json.loads(result.stderr.strip().splitlines()[-1])
    assert found, result.stderr
    first, wired = set(found["first"]), set(found["wired"])
    assert {m for m in first if m.split(".")[0] in LATE or m in LATE} == set()
    assert first & LATE_READS == set()
    # The settings came validated from a forked child (app.cli.settings_fork): this process
    # has imported neither pydantic nor what it is built on.
    assert {m for m in first if m.split(".")[0] in VALIDATION} == set()
    assert not found["keys_at_first"]
    # The cyclic collector is held off for the start (app.core.collector)...
    assert found["collector_at_first"] is False
    # Then the same desk wires its break-glass keys: the modules do load, only later,
    # and the collector is on again.
    assert found["keys"]
    assert set(PARTS) <= wired and "httpx" in wired
    assert found["collector_wired"] is True


async def test_the_parts_are_wired_after_the_first_snapshot_is_shown(
    desk_settings: Settings, seeded: Database, fake_control: FakeControl
) -> None:
    seen_at_wire: list[int] = []
    app: PressboxApp

    async def wire() -> DeskParts:
        seen_at_wire.append(app.dashboard.query_one("#games", KeyedTable).row_count)
        return DeskParts(control=fake_control.actions(), notices=("a notice from the wire",))

    app = desk_app(
        desk_settings, StoredDeskData(seeded), demo=False, wire=wire, clock=FixedClock(NOW)
    )
    app._watch_terminal = False  # pytest owns stdin
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: not app.wiring)
        assert seen_at_wire and seen_at_wire[0] > 0  # the games were on screen already
        assert app.check_action("override", ()) is True
        banner = app.dashboard.query_one("#status", StatusBar).shown
        assert "a notice from the wire" in banner
        assert "break-glass keys unavailable" not in banner


async def test_the_first_frame_the_terminal_gets_already_shows_the_data(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Applied after the mount, the first snapshot used to follow an empty dashboard drawn
    # a few milliseconds earlier: two first frames, the first one with no games.
    drawn: list[int] = []
    display = App._display

    def record(self: App[object], screen: Screen[object], renderable: object) -> None:
        if isinstance(screen, DashboardScreen) and renderable is not None:
            drawn.append(screen.query_one("#games", KeyedTable).row_count)
        display(self, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", record)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1 and bool(drawn))
    assert drawn[0] == len(GAMES), drawn


async def test_a_wire_that_fails_leaves_a_working_desk_that_says_why(
    desk_settings: Settings, seeded: Database
) -> None:
    release = asyncio.Event()

    async def wire() -> DeskParts:
        await release.wait()
        raise ConfigurationError("the keyring is locked", hint="Unlock it.")

    app = desk_app(
        desk_settings, StoredDeskData(seeded), demo=False, wire=wire, clock=FixedClock(NOW)
    )
    app._watch_terminal = False
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        await wait_for(pilot, lambda: games.row_count > 0)
        # Still wiring: the keys are off and say they are coming.
        assert app.check_action("override", ()) is False
        assert "starting" in app.why_absent()
        release.set()
        await wait_for(pilot, lambda: not app.wiring)
        banner = app.dashboard.query_one("#status", StatusBar).shown
        assert "break-glass keys unavailable" in banner and "keyring is locked" in banner
        assert app.check_action("override", ()) is False
        assert "no control service" in app.why_absent()
        assert app.is_running


async def test_a_desk_without_a_wire_has_its_parts_from_the_start(
    make_app: Callable[..., PressboxApp], fake_control: FakeControl
) -> None:
    app = make_app(control=fake_control.actions())
    async with app.run_test(size=(120, 40)) as pilot:
        games = app.dashboard.query_one("#games", KeyedTable)
        await wait_for(pilot, lambda: games.row_count > 0)
        assert not app.wiring and app.check_action("override", ()) is True
