"""Rewind on the desk (`w`, `[`, `]`, `L`, ``pressbox --at``) on a replayed day."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Static

from app.cli.main import cli, main
from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.pipeline.health import desk_verdict, verdict_at
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.storage.read.rewind_data import RewindDeskData
from app.tui.actions import ControlActions
from app.tui.app import DeskParts, PressboxApp
from app.tui.screens.help import HelpScreen
from app.tui.screens.rewind import RewindPrompt
from tests.support.rewind_day import AFTER_THE_DAY, FINISHES, replay_day, steady_timings
from widgets.health_panel import HealthPanel
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.status_bar import StatusBar

from .conftest import wait_for


async def _refuse(*_args: str) -> Any:
    raise AssertionError("a rewound desk never calls the control service")


def day_settings(path: Path) -> Settings:
    return load_settings(dotenv_path=None, db={"path": path}, dashboard={"poll_interval_s": 0.05})


@pytest.fixture
async def day_db(tmp_path: Path) -> Database:
    """The whole replayed day in a closed database file (the desk opens it itself)."""
    path = tmp_path / "day.db"
    async with Database(path) as db:
        await replay_day(day_settings(path), db, tmp_path)
    return Database(path)


def rewind_desk(
    db: Database, *, moment: datetime | None = None, now: datetime = AFTER_THE_DAY
) -> PressboxApp:
    settings = day_settings(db.path)
    clock = FixedClock(now)
    data = RewindDeskData(
        db,
        verdict=desk_verdict(db, settings, clock),
        verdict_at=verdict_at(db, settings, clock),
        moment=moment,
    )
    return PressboxApp(
        settings, data, clock=clock, control=ControlActions(_refuse, _refuse, _refuse)
    )


def banner(app: PressboxApp) -> str:
    return app.dashboard.query_one("#status", StatusBar).shown


def shown(app: PressboxApp) -> dict[str, Any]:
    """What the dashboard shows, less the header (clock, data age) and the notices."""
    tables = {
        name: {
            key: app.dashboard.query_one(f"#{name}", KeyedTable).get_row(key)
            for key in app.dashboard.query_one(f"#{name}", KeyedTable).row_keys()
        }
        for name in ("games", "value-bets", "events")
    }
    panel = app.dashboard.query_one(HealthPanel)
    return {**tables, "health": [s.shown for s in panel.query(QuietStatic)]}


def notices(app: PressboxApp) -> list[str]:
    return [n.message for n in app._notifications]


def last_run_id(app: PressboxApp) -> int | None:
    snapshot = app.dashboard.snapshot
    return snapshot.last_run.id if snapshot and snapshot.last_run else None


async def test_the_desk_opened_at_a_moment_is_marked_rewind_and_read_only(day_db) -> None:
    app = rewind_desk(day_db, moment=FINISHES[0])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert "REWIND 2024-07-01 13:07:00 EDT" in banner(app)
        assert last_run_id(app) == 1
        assert len(app.dashboard.query_one("#value-bets", KeyedTable).row_keys()) == 2
        assert app.check_action("run_now", ()) is False
        await pilot.press("X")
        await pilot.pause()
        assert any("rewound desk" in m for m in notices(app))
        # No live polling while rewound: the data's counter is the moment's, not the file's.
        checks = app.poller.checks
        await wait_for(pilot, lambda: app.poller.checks >= checks + 3)
        assert app.poller.loads == 1


async def test_w_asks_for_a_time_and_rewinds_to_it(day_db) -> None:
    app = rewind_desk(day_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert last_run_id(app) == 4 and "REWIND" not in banner(app)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, RewindPrompt))
        field = app.screen.query_one("#rewind-at", Input)
        field.value = "half past noon"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RewindPrompt), "a bad time keeps the prompt open"
        problem = app.screen.query_one("#rewind-problem", Static)
        assert "not a time: 'half past noon'" in str(problem.render())
        field.value = "2024-07-01 15:30"  # 19:30Z: after run 2, before run 3
        await pilot.press("enter")
        await wait_for(pilot, lambda: last_run_id(app) == 2)
        assert app.screen is app.dashboard
        assert "REWIND 2024-07-01 15:30:00 EDT" in banner(app)


async def test_escape_leaves_the_desk_live(day_db) -> None:
    app = rewind_desk(day_db)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, RewindPrompt))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard)
        assert app.rewind_clock.moment is None and "REWIND" not in banner(app)


async def test_brackets_step_by_run_and_L_returns_to_live(day_db) -> None:
    app = rewind_desk(day_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        assert app.check_action("live", ()) is False, "L is off while live"
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.rewind_clock.moment == FINISHES[3])
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: last_run_id(app) == 3)
        assert app.rewind_clock.moment == FINISHES[2]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: last_run_id(app) == 1)
        await pilot.press("left_square_bracket")
        await wait_for(
            pilot, lambda: any("no earlier run" in n.message for n in app._notifications)
        )
        assert app.rewind_clock.moment == FINISHES[0]
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: last_run_id(app) == 2)
        assert "REWIND 2024-07-01 15:00:00 EDT" in banner(app)
        await pilot.press("L")
        await wait_for(pilot, lambda: last_run_id(app) == 4)
        assert app.rewind_clock.moment is None and "REWIND" not in banner(app)
        assert app.check_action("run_now", ()) is True


async def test_the_sessions_set_up_notices_wait_while_rewound(day_db) -> None:
    # "no odds key reachable" is true now, not at the moment shown: L brings it back.
    app = rewind_desk(day_db, moment=FINISHES[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        app.install(DeskParts(notices=("no Odds API key reachable: set one",)))
        app.dashboard.tick()
        await pilot.pause()
        assert "REWIND" in banner(app) and "no Odds API key" not in banner(app)
        await pilot.press("L")
        await wait_for(pilot, lambda: "no Odds API key reachable" in banner(app))
        assert "REWIND" not in banner(app)


async def test_the_rewound_desk_renders_what_the_live_desk_rendered_then(
    day_db, tmp_path: Path
) -> None:
    """Run 2 live on a database that has only runs 1-2, against the whole day rewound there."""
    partial = tmp_path / "partial.db"
    async with Database(partial) as db:
        await replay_day(day_settings(partial), db, tmp_path, runs=2)
        await steady_timings(db)
    async with Database(day_db.path) as db:
        await steady_timings(db)
    settings = day_settings(partial)
    live_db = Database(partial)
    clock = FixedClock(FINISHES[1])
    live = PressboxApp(
        settings,
        StoredDeskData(live_db, verdict=desk_verdict(live_db, settings, clock)),
        clock=clock,
    )
    async with live.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: live.poller.loads == 1)
        await pilot.pause()
        expected = shown(live)
    rewound = rewind_desk(day_db, moment=FINISHES[1])
    async with rewound.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: rewound.poller.loads == 1)
        await pilot.pause()
        got = shown(rewound)
    assert expected["games"] and expected["value-bets"]
    # The one difference, on purpose: a rewound desk offers no control, so no X hint.
    hint = " (X runs one now)"
    assert any(hint in line for line in expected["health"])
    assert not any("X runs" in line for line in got["health"])
    expected["health"] = [line.replace(hint, "") for line in expected["health"]]
    assert got == expected


@pytest.mark.parametrize(
    ("typed", "said"),
    [("yesterday-ish", "not a time: 'yesterday-ish'"), ("2999-01-01 10:00", "is in the future")],
)
def test_at_with_a_bad_time_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    said: str,
) -> None:
    db = tmp_path / "x.db"
    db.touch()
    monkeypatch.setattr(sys, "argv", ["pressbox", "--db", str(db), "--at", typed])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "--at" in err
    assert len(err.strip().splitlines()) == 1


def test_at_opens_the_desk_rewound(day_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--at`` reaches the desk's data as its moment, in the configured zone."""
    opened: list[datetime | None] = []

    def open_desk(
        settings: Settings, *, demo: bool, fresh_demo_db: bool, at: datetime | None = None
    ) -> int:
        opened.append(at)
        return 0

    monkeypatch.setattr("app.cli.desk.open_desk", open_desk)
    result = CliRunner().invoke(cli, ["--db", str(day_db.path), "--at", "2024-07-01 15:00"])
    assert result.exit_code == 0, result.output
    assert opened == [FINISHES[1]]


async def test_help_lists_the_rewind_keys_on_a_desk_that_can_rewind(day_db) -> None:
    app = rewind_desk(day_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = [key for key, _ in app.screen.keys]  # type: ignore[attr-defined]
        assert {"w", "[ / ]", "L"} <= set(keys)
