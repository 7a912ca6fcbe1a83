"""`t` trends and `i` the first-run checklist, on real seeded databases through Pilot."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Sparkline

from app.core.clock import iso
from app.storage.database import Database
from app.storage.read.checklist_models import Checklist
from app.tui.app import PressboxApp
from app.tui.launch import desk_app
from app.tui.screens.checklist import ChecklistScreen
from app.tui.screens.trends import TrendsScreen
from tests.support.desk_seed import NOW
from tests.support.refresh_counter import RefreshCounter
from tests.support.trend_desk import NO_KEYRING, RESERVE, prepared_settings, trend_desk
from tests.support.trend_seed import REMAINING, RUNS, run_seconds

from .conftest import wait_for


def _text(screen: object, selector: str) -> str:
    from widgets.quiet_static import QuietStatic

    assert isinstance(screen, TrendsScreen | ChecklistScreen)
    return screen.query_one(selector, QuietStatic).shown


async def open_trends(pilot: Pilot[int], app: PressboxApp) -> TrendsScreen:
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
    screen = app.screen
    assert isinstance(screen, TrendsScreen)
    await wait_for(pilot, lambda: screen.poller.loads == 1)
    return screen


async def checklist_shown(pilot: Pilot[int], app: PressboxApp) -> ChecklistScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ChecklistScreen))
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    await wait_for(pilot, lambda: screen.checklist is not None)
    return screen


async def test_t_opens_the_trends_with_a_sparkline_and_numbers_per_series(tmp_path: Path) -> None:
    app = trend_desk(await prepared_settings(tmp_path / "d", day=True, configured=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        screen = await open_trends(pilot, app)
        durations = screen.query_one("#spark-runs", Sparkline).data
        assert durations == tuple(run_seconds(i) for i in range(RUNS))
        assert _text(screen, "#numbers-runs") == "    2.0    3.0    4.0[b]    4.0[/] s"
        assert _text(screen, "#numbers-odds-retries") == "  4 in 24 calls · max 2 · last 0"
        assert _text(screen, "#numbers-mlb-latency") == "    100    112    123[b]    123[/] ms"
        assert "odds breaker [green]closed[/], opened 2× (last 13:40 EDT)" in _text(
            screen, "#trends-breakers"
        )
        assert _text(screen, "#numbers-quota").endswith(f"[b]{REMAINING:>7}[/] credits")
        forecast = _text(screen, "#trends-forecast")
        assert f"{REMAINING} credits left, reserve {RESERVE}" in forecast
        # 44 credits in 8 h: 5.5 an hour; 400 above the reserve last 400 / 5.5 / 24 = 3.03 days.
        assert "lasts 3 days at this rate (5.5 credits/h; 400 above the reserve)" in forecast
        assert "Trends: the last 24 h, 24 runs" in _text(screen, "#trends-title")
        depth = len(app.screen_stack)
        await pilot.press("t")  # already there: not pushed twice
        await pilot.pause()
        assert len(app.screen_stack) == depth
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard)


async def test_trends_follow_a_new_run_and_cost_nothing_while_the_data_is_still(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = RefreshCounter()
    counter.install(monkeypatch)
    settings = await prepared_settings(tmp_path / "d", day=True, configured=True)
    app = trend_desk(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        screen = await open_trends(pilot, app)
        await pilot.pause(0.1)
        await counter.watch_polls(pilot, screen.poller)
        assert screen.poller.loads == 1  # twenty polls, one load
        assert sum(counter.whole.values()) == 0, counter.whole
        assert sum(counter.regions.values()) == 0, counter.regions
        # Another process records a slow run: the next poll shows it.
        async with Database(settings.db.path) as db, db.write() as conn:
            await conn.execute(
                "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, finished_at, "
                "owner_host, owner_pid, credits_used) VALUES (200, 'cli', '2025-06-14', 'ok', "
                "?, ?, 'h', 1, 2)",
                (iso(NOW - timedelta(seconds=10)), iso(NOW)),
            )
        await wait_for(pilot, lambda: screen.poller.loads == 2)
        durations = screen.query_one("#spark-runs", Sparkline).data
        assert durations is not None and durations[-1] == 10.0
        assert "[b]   10.0[/] s" in _text(screen, "#numbers-runs")


async def test_trends_on_an_empty_database_say_what_is_missing(tmp_path: Path) -> None:
    app = trend_desk(await prepared_settings(tmp_path / "d", day=False, configured=False))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trends(pilot, app)
        assert "no data in the last 24 h" in _text(screen, "#numbers-runs")
        assert not screen.query_one("#spark-runs", Sparkline).visible
        assert "no credits read yet" in _text(screen, "#trends-forecast")
        assert "0 runs" in _text(screen, "#trends-title")


async def test_i_opens_the_checklist_any_time(tmp_path: Path) -> None:
    app = trend_desk(await prepared_settings(tmp_path / "d", day=True, configured=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("i")
        screen = await checklist_shown(pilot, app)
        assert screen.checklist is not None and screen.checklist.all_ok
        text = _text(screen, "#checklist-items")
        assert text.count("✓") == 5 and "fix:" not in text and "All set." in text
        assert "5 of 5 done" in _text(screen, "#checklist-title")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard)


async def test_an_empty_installation_opens_on_its_checklist_which_follows_the_fix(
    tmp_path: Path,
) -> None:
    settings = await prepared_settings(tmp_path / "d", day=False, configured=False)
    app = trend_desk(settings, keyring=NO_KEYRING, first_run_check=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await checklist_shown(pilot, app)
        text = _text(screen, "#checklist-items")
        assert "✗" in text and "fix: [b]pressbox admin-key set --generate[/]" in text
        assert "fix: [b]PYTHON_KEYRING_BACKEND=keyrings.cryptfile" in text
        assert "not checked yet: run `pressbox run`" in text
        assert "0 of 5 done" in _text(screen, "#checklist-title")
        # The admin key is set in another terminal: its line turns to a tick.
        from tests.support.trend_seed import configure

        async with Database(settings.db.path) as db:
            await configure(db)
        await wait_for(pilot, lambda: "2 of 5 done" in _text(screen, "#checklist-title"))


async def test_a_configured_installation_opens_on_the_dashboard(tmp_path: Path) -> None:
    app = trend_desk(
        await prepared_settings(tmp_path / "d", day=True, configured=True), first_run_check=True
    )
    asked: list[Checklist] = []
    data = app.ctx.data
    ask = data.checklist

    async def recorded(now: datetime) -> Checklist:
        asked.append(await ask(now))
        return asked[-1]

    data.checklist = recorded  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(asked) == 1)  # asked after the first load
        await pilot.pause(0.2)
        assert asked[0].all_ok
        assert app.poller.loads >= 1 and app.screen is app.dashboard


async def test_the_demo_never_opens_on_the_checklist(tmp_path: Path) -> None:
    settings = await prepared_settings(tmp_path / "d", day=False, configured=False)
    data = trend_desk(settings).ctx.data
    assert desk_app(settings, data, demo=True)._first_run_check is False
    assert desk_app(settings, data, demo=False)._first_run_check is True


async def test_capital_t_still_switches_the_times(tmp_path: Path) -> None:
    app = trend_desk(await prepared_settings(tmp_path / "d", day=True, configured=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("T")
        assert app.ctx.times.absolute
        assert app.screen is app.dashboard


async def test_the_palette_opens_the_trends(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    app = trend_desk(await prepared_settings(tmp_path / "d", day=True, configured=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"trends")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
