"""The screens a rewound desk opens read as of its moment; the header offers no control.

The replayed day (``tests.support.rewind_day``) plus what happened beside its runs:
a daemon beating from 18:59:40Z (its next run due 19:05Z) and stopped at 19:30Z; the
system paused at 18:30Z and back to auto at 19:20Z, each an audited override. Rewound
to 19:00Z (run 2), each screen is compared with what the same screen shows live.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Sparkline

from app.domain.status import Mode
from app.storage.database import Database
from app.tui.app import PressboxApp
from app.tui.rewind import LIVE_NOTE
from app.tui.screens.audit import AuditScreen
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.checklist import ChecklistScreen
from app.tui.screens.clv import ClvScreen
from app.tui.screens.live import LiveScreen
from app.tui.screens.source_errors import SourceErrorsScreen
from app.tui.screens.trends import TrendsScreen
from tests.support.rewind_day import (
    DAEMON_PID,
    FINISHES,
    beat,
    override,
    replay_day,
    stop_daemon,
)
from widgets.keyed_table import KeyedTable

from .conftest import wait_for
from .test_rewind import day_settings, rewind_desk, shown

RUN_2 = FINISHES[1]  # 19:00Z
PAUSED_AT = RUN_2 - timedelta(minutes=30)


@pytest.fixture
async def busy_day(tmp_path: Path) -> Database:
    path = tmp_path / "busy.db"
    async with Database(path) as db:
        await replay_day(day_settings(path), db, tmp_path)
        await override(db, Mode.PAUSED, PAUSED_AT, "books re-pricing")
        for back in (20, 10, 0):
            await beat(
                db, RUN_2 - timedelta(seconds=back), next_run_at=RUN_2 + timedelta(minutes=5)
            )
        await override(db, Mode.AUTO, RUN_2 + timedelta(minutes=20), "priced again")
        await stop_daemon(db, RUN_2 + timedelta(minutes=30))
    return Database(path)


async def _loaded(pilot: Pilot[Any], app: PressboxApp) -> None:
    await wait_for(pilot, lambda: app.poller.loads == 1)


def _next_run(app: PressboxApp) -> str:
    return next(line for line in shown(app)["health"] if line.startswith("Next run:"))


async def test_the_rewound_header_says_the_daemon_of_then_and_offers_no_x(busy_day) -> None:
    app = rewind_desk(busy_day, moment=RUN_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot, app)
        await pilot.pause()
        assert _next_run(app) == f"Next run: in 5 min · daemon pid {DAEMON_PID} beat <15 s ago"
        assert "paused" in " ".join(shown(app)["health"])
        app.rewind_to(FINISHES[2])  # 19:40Z: stopped ten minutes before
        await wait_for(pilot, lambda: "stopped" in _next_run(app))
        assert _next_run(app) == "Next run: [yellow]no daemon running[/] (stopped 10 min ago)"
        app.rewind_to(None)  # live (the day after): the daemon is gone and X is offered
        await wait_for(pilot, lambda: "X runs one now" in _next_run(app))


async def _open(pilot: Pilot[Any], app: PressboxApp, screen: LiveScreen[Any]) -> None:
    app.push_screen(screen)
    await wait_for(pilot, lambda: app.screen is screen and screen.poller.loads >= 1)
    await pilot.pause()


def _audit_ids(app: PressboxApp) -> list[str]:
    return list(app.screen.query_one("#audit-table", KeyedTable).row_keys())


@pytest.mark.parametrize("moment", [RUN_2, None])
async def test_the_audit_trail_and_its_entries_are_those_written_by_the_moment(
    busy_day, moment: datetime | None
) -> None:
    app = rewind_desk(busy_day, moment=moment)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot, app)
        await _open(pilot, app, AuditScreen(app.ctx))
        assert _audit_ids(app) == (["1"] if moment else ["2", "1"])
        app.pop_screen()
        later = AuditEntryScreen(app.ctx, 2)  # the resume, 20 min after the moment
        await _open(pilot, app, later)
        assert (later.entry is None) == (moment is not None)
        if moment is not None:  # not "missing from the database": it came later
            assert "#2 had not been written at this moment" in later.title_widget.shown


async def test_a_sources_errors_show_its_breaker_row_of_then(busy_day) -> None:
    app = rewind_desk(busy_day, moment=RUN_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot, app)
        screen = SourceErrorsScreen(app.ctx, "odds")
        await _open(pilot, app, screen)
        assert screen.errors is not None and screen.errors.health is not None
        rewound_row = screen.errors.health
        app.pop_screen()
        app.rewind_to(None)
        await wait_for(pilot, lambda: app.poller.loads == 2)
        live = SourceErrorsScreen(app.ctx, "odds")
        await _open(pilot, app, live)
        assert live.errors is not None and live.errors.health is not None
    assert (
        rewound_row.updated_at is not None and rewound_row.updated_at <= "2024-07-01T19:00:00.000Z"
    )
    assert live.errors.health.updated_at > rewound_row.updated_at
    assert rewound_row.quota_updated_at == "2024-07-01T19:00:00.000Z"  # run 2's reading


async def test_clv_counts_only_the_closes_recorded_by_the_moment(busy_day) -> None:
    counts = {}
    for label, moment in (("then", RUN_2), ("after run 3", FINISHES[2]), ("live", None)):
        app = rewind_desk(busy_day, moment=moment)
        async with app.run_test(size=(120, 40)) as pilot:
            await _loaded(pilot, app)
            screen = ClvScreen(app.ctx)
            app.push_screen(screen)

            def shown_clv(screen: ClvScreen = screen, app: PressboxApp = app) -> bool:
                return app.screen is screen and not screen.workers

            await wait_for(pilot, shown_clv)
            await pilot.pause()
            counts[label] = screen.query_one("#clv-bets", DataTable).row_count
    assert counts["then"] == 0, "no game had started by 19:00Z: no close yet"
    assert 0 < counts["after run 3"] <= counts["live"]


async def test_trends_end_at_the_moment_and_the_checklist_says_it_is_live(busy_day) -> None:
    app = rewind_desk(busy_day, moment=RUN_2)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(pilot, app)
        trends = TrendsScreen(app.ctx)
        await _open(pilot, app, trends)
        assert len(trends.query_one("#spark-runs", Sparkline).data or []) == 2  # runs 1 and 2
        app.pop_screen()
        checklist = ChecklistScreen(app.ctx)
        await _open(pilot, app, checklist)
        assert checklist.title_text.endswith(LIVE_NOTE)
        app.pop_screen()
        app.rewind_to(None)
        await wait_for(pilot, lambda: app.poller.loads == 2)
        live_trends = TrendsScreen(app.ctx)
        await _open(pilot, app, live_trends)
        assert len(live_trends.query_one("#spark-runs", Sparkline).data or []) == 4
        app.pop_screen()
        live_checklist = ChecklistScreen(app.ctx)
        await _open(pilot, app, live_checklist)
        assert LIVE_NOTE not in live_checklist.title_text
