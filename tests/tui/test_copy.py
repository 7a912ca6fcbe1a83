"""`y` copies the selection through the terminal's clipboard (OSC 52), as clean plain text."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.logging import SECRETS
from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.game_detail import GameDetailScreen
from tests.support.drill_seed import add_full_audit
from widgets.health_panel import HealthPanel
from widgets.keyed_table import KeyedTable

from .conftest import wait_for

CANARY = "CANARY-odds-key-5f1e0c77aa"  # pragma: allowlist secret
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


class DriverOutput:
    """What the app's (headless) driver is handed to write, recorded on the way through."""

    def __init__(self, app: PressboxApp, monkeypatch: pytest.MonkeyPatch) -> None:
        driver = app._driver
        assert driver is not None
        self.chunks: list[str] = []
        write = driver.write

        def recording(data: str) -> None:
            self.chunks.append(data)
            write(data)

        monkeypatch.setattr(driver, "write", recording)

    def clipboard_payloads(self) -> Iterator[str]:
        for match in OSC52.finditer("".join(self.chunks)):
            yield base64.b64decode(match.group(1)).decode("utf-8")


async def started(pilot: Any, app: PressboxApp, monkeypatch: pytest.MonkeyPatch) -> DriverOutput:
    await wait_for(pilot, lambda: app.poller.loads >= 1)
    return DriverOutput(app, monkeypatch)


def newest_notice(app: PressboxApp) -> str:
    return app.notices.newest_first()[0].text


async def test_y_copies_the_highlighted_bet_as_plain_text(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        output = await started(pilot, app, monkeypatch)
        bets = app.dashboard.query_one("#value-bets", KeyedTable)
        bets.focus()
        await pilot.press("y")
        await pilot.pause()
        expected = (
            "Game: NYY @ BOS · Bet: ML BOS · Book: Draftkings · Price: +114 · Fair %: 49.0 · "
            "EV %: +4.9% · Stake u: 12.5"
        )
        assert app.clipboard == expected
        assert list(output.clipboard_payloads()) == [expected]
        assert newest_notice(app) == f"copied the Value bets row ({len(expected)} characters)"


async def test_a_copied_entry_has_no_control_characters_and_no_secret(
    make_app, seeded: Database, monkeypatch
) -> None:
    SECRETS.register(CANARY)
    entry_id = await add_full_audit(
        seeded, reason=f"pasted \x1b]52;c;ZXZpbA==\x07{CANARY}\r\nDONE \x9b31m[b]x[/b]\t!"
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        output = await started(pilot, app, monkeypatch)
        screen = AuditEntryScreen(app.ctx, entry_id)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.entry is not None)
        await pilot.press("y")
        await pilot.pause()
        (copied,) = output.clipboard_payloads()
        assert copied == app.clipboard
        assert copied.isprintable()  # no escape, control or line-break character at all
        assert CANARY not in copied and "ZXZpbA" not in copied
        assert "Reason: pasted ***⏎DONE [b]x[/b] !" in copied  # the typed text, literally
        for field in ("TTY: /dev/pts/3", "SSH client: 10.0.0.5 52144 22", "PID: 4242"):
            assert field in copied
        assert copied.startswith(f"audit #{entry_id} · When: 2025-06-14 15:59:45 EDT")
        assert newest_notice(app).startswith(f"copied audit entry #{entry_id} (")


async def test_y_on_a_game_copies_its_summary(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        output = await started(pilot, app, monkeypatch)
        screen = GameDetailScreen(app.ctx, 777001)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.detail is not None)
        await pilot.press("y")
        await pilot.pause()
        (copied,) = output.clipboard_payloads()
        assert copied.startswith("Yankees @ Red Sox · 19:15 EDT · Sched · game 777001 · ")
        assert "game 777001 · Fair: Moneyline Boston Red Sox +104 (49.0%)" in copied
        assert copied.endswith("value: Moneyline Boston Red Sox Draftkings +114 edge +4.9%")


async def test_y_with_nothing_selected_copies_nothing_and_says_so(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        output = await started(pilot, app, monkeypatch)
        app.dashboard.query_one(HealthPanel).focus()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "" and list(output.clipboard_payloads()) == []
        assert newest_notice(app) == "nothing to copy here: highlight a row first"
