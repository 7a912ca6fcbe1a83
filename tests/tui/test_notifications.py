"""`n`: the session's notices and handed-over run results, newest first, bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import DataTable

from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.actions import ControlActions
from app.tui.app import PressboxApp
from app.tui.notification_log import Notice, NotificationLog
from app.tui.screens.notifications import NotificationsScreen
from tests.support.desk_seed import NOW

from .conftest import wait_for


def test_the_log_keeps_the_newest_notices_up_to_its_bound() -> None:
    log = NotificationLog(3)
    at = datetime(2025, 6, 14, 20, 0, tzinfo=UTC)
    for number in range(5):
        log.record(Notice(at, "information", "t", f"notice {number}"))
    assert [n.text for n in log.newest_first()] == ["notice 4", "notice 3", "notice 2"]
    assert len(log) == 3 and log.version == 5


async def test_n_lists_every_notice_newest_first_and_follows_new_ones(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.press("T")  # a toast: times are absolute
        app.notify("[b]odds[/b] down \x1b[31m!", title="Upstream", severity="error")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        table = screen.query_one("#notices-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        newest, oldest = table.get_row_at(0), table.get_row_at(1)
        # Zone-labelled time, severity, kind, title, text (markup escaped, escapes gone).
        assert newest == [
            "16:00:00 EDT",
            "[red]error[/]",
            "notice",
            "Upstream",
            r"\[b]odds\[/b] down !",
        ]
        assert oldest[1:4] == ["info", "notice", "Times"]
        assert oldest[4].startswith("times are absolute")
        # While the history is open, a new notice arrives on top.
        await pilot.press("y")  # copies the highlighted notice, which is itself a notice
        await wait_for(pilot, lambda: table.row_count == 3)
        assert table.get_row_at(0)[3:] == ["Copy", app.notices.newest_first()[0].text]
        assert (
            app.clipboard == "When: 16:00:00 EDT · Severity: error · Kind: notice · "
            "Title: Upstream · Text: [b]odds[/b] down !"
        )
        await pilot.press("n")  # already open: not stacked twice
        assert len(app.screen_stack) == 3
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_a_handed_over_run_result_is_kept_as_a_run_result(
    desk_settings: Settings, seeded: Database
) -> None:
    answers = iter([None, "run #43 (request) finished: ok"])

    async def outcome(request_id: int) -> str | None:
        assert request_id == 7
        return next(answers)

    app = PressboxApp(
        desk_settings,
        StoredDeskData(seeded),
        clock=FixedClock(NOW),
        control=ControlActions(request_outcome=outcome),
    )
    async with app.run_test() as pilot:
        app.watch_request(7)
        await wait_for(pilot, lambda: len(app.notices) == 1)
        (notice,) = app.notices.newest_first()
        assert (notice.kind, notice.title, notice.text) == (
            "run result",
            "Run now",
            "run #43 (request) finished: ok",
        )


async def test_the_history_is_bounded_by_its_setting(seeded: Database) -> None:
    settings = load_settings(
        dotenv_path=None,
        db={"path": seeded.path},
        dashboard={"poll_interval_s": 0.05, "notification_history": 10},
    )
    app = PressboxApp(settings, StoredDeskData(seeded), clock=FixedClock(NOW))
    async with app.run_test() as pilot:
        for number in range(15):
            app.notify(f"notice {number}")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        table = app.screen.query_one("#notices-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 10)
        assert table.get_row_at(0)[4] == "notice 14" and table.get_row_at(9)[4] == "notice 5"
