"""The header answers "is it OK?": the verdict of `pressbox health`, mode, clock, data age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import FixedClock, iso
from app.core.config import Settings
from app.core.timefmt import display_zone
from app.pipeline.health import evaluate_health
from app.storage.database import Database
from app.storage.read.models import last_change_at
from app.tui import banner
from tests.support.desk_seed import NOW, add_audit
from tests.support.desk_states import LOCKED_ORIGIN, STATES
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.status_bar import StatusBar

from .conftest import wait_for

NY = display_zone("America/New_York")


def header(app, part: str) -> str:
    return app.dashboard.query_one(f"#header-{part}", QuietStatic).shown.strip()


@pytest.mark.parametrize(
    ("state", "status"),
    [("healthy", "OK"), ("degraded", "WARNING"), ("critical", "CRITICAL"), ("locked", "WARNING")],
)
async def test_the_badge_is_the_verdict_of_health_with_its_first_reason(
    make_app, seeded: Database, desk_settings: Settings, state: str, status: str, monkeypatch
) -> None:
    await STATES[state](seeded)
    report = await evaluate_health(seeded, desk_settings, FixedClock(NOW))
    assert report.status == status
    reads = counted_reads(seeded, monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await wait_for(pilot, lambda: app.poller.checks >= 3)
        # The verdict is judged inside the snapshot's own read: one read per changed poll.
        assert reads == [1]
        shown = app.dashboard.snapshot.verdict
        assert shown is not None
        assert (shown.status, shown.reasons, shown.security) == (
            report.status,
            tuple(report.reasons),
            report.security,
        )
        verdict = header(app, "verdict")
        assert f" {status} [/]" in verdict
        if report.reasons:
            assert report.reasons[0][:20] in verdict
        assert "AUTO" in header(app, "mode")
        assert header(app, "clock") == "16:00 EDT"  # NOW is 20:00 UTC, New York in June
        # One line at 80 columns, whatever the reason's length.
        assert app.dashboard.query_one("#header").region.height == 1


def counted_reads(db: Database, monkeypatch) -> list[int]:
    """How many ``db.read()`` transactions the desk opens (one counter cell)."""
    reads = [0]
    original = db.read

    def counting():
        reads[0] += 1
        return original()

    monkeypatch.setattr(db, "read", counting)
    return reads


async def test_locked_desk_says_who_and_until_when(make_app, seeded: Database) -> None:
    await STATES["locked"](seeded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        security = app.dashboard.query_one("#health-security", QuietStatic).shown
        assert f"LOCKED for {LOCKED_ORIGIN} until 16:14 EDT" in security  # with the zone
        assert "5 failed key attempts in 15 min" in security
        assert "break-glass locked for mallory" in header(app, "verdict")


async def test_quiet_security_takes_no_row(make_app, seeded: Database) -> None:
    await STATES["healthy"](seeded)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        line = app.dashboard.query_one("#health-security", QuietStatic)
        assert line.shown == "" and not line.display


async def test_notices_are_said_whole_below_the_header(make_app, desk_settings) -> None:
    long_notice = "no admin key set: break-glass needs `pressbox admin-key set` " * 2
    app = make_app(demo=True, notices=(long_notice,))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        await pilot.pause()
        notices = app.dashboard.query_one("#notices", QuietStatic)
        assert long_notice.strip() in notices.shown
        assert "DEMO" in notices.shown and desk_settings.demo.admin_key in notices.shown
        assert notices.region.height >= 2  # wrapped, not cut
        assert app.dashboard.query_one("#header").region.height == 1
        assert long_notice.strip() in app.dashboard.query_one(StatusBar).shown


async def test_data_age_and_clock_follow_the_clock(make_app) -> None:
    clock = FixedClock(NOW)
    app = make_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        changed_at = last_change_at(app.dashboard.snapshot)
        assert changed_at is not None
        assert header(app, "age") == banner.age_text(NOW, changed_at)
        clock.advance(3 * 3600)
        app.dashboard.tick()
        assert header(app, "age") == "data 3 h old"
        assert header(app, "clock") == "19:00 EDT"


def test_age_steps_and_the_next_tick() -> None:
    now = datetime(2025, 6, 14, 20, 0, 5, tzinfo=UTC)
    changed = iso(now - timedelta(seconds=12))
    assert banner.age_text(now, changed) == "data <15 s old"
    assert banner.next_tick_s(now, changed) == pytest.approx(3.0)  # at 15 s old
    assert banner.age_text(now, iso(now - timedelta(seconds=16))) == "data 15 s old"
    later = iso(now - timedelta(seconds=47))
    assert banner.age_text(now, later) == "data 30 s old"
    assert banner.next_tick_s(now, later) == pytest.approx(13.0)  # at 1 min old
    old = iso(now - timedelta(minutes=5, seconds=50))
    assert banner.age_text(now, old) == "data 5 min old"
    assert banner.next_tick_s(now, old) == pytest.approx(10.0)  # 6 min old at 20:00:15
    ancient = iso(now - timedelta(hours=3))
    assert banner.age_text(now, ancient) == "data 3 h old"
    assert banner.next_tick_s(now, ancient) == pytest.approx(55.0)  # only the clock
    assert banner.age_text(now, None) == "no data yet"
    # Absolute (the T key): when the data last changed, local, with the zone; no ticking.
    assert banner.age_text(now, later, NY, absolute=True) == "data 15:59:18 EDT"


def test_other_relative_times_wake_the_header_when_they_would_change() -> None:
    now = datetime(2025, 6, 14, 20, 0, 5, tzinfo=UTC)
    ancient = iso(now - timedelta(hours=3))
    next_run = iso(now + timedelta(seconds=40))  # "in 30 s" until 30 s are left
    assert banner.next_tick_s(now, ancient, [next_run]) == pytest.approx(10.0, abs=0.01)
    last_run = iso(now - timedelta(seconds=20))  # "15 s ago" until 30 s ago
    assert banner.next_tick_s(now, ancient, [next_run, last_run]) == pytest.approx(10.0)
    assert banner.next_tick_s(now, ancient, [iso(now - timedelta(seconds=28))]) == (
        pytest.approx(2.0)
    )


async def test_two_identical_events_keep_the_feed_sorted(make_app, seeded: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        events = app.dashboard.query_one("#events", KeyedTable)
        # Two wrong keys with the same reason in one minute: identical rows.
        await add_audit(seeded, "override", "halted", "wrong_key", "same reason")
        await add_audit(seeded, "override", "halted", "wrong_key", "same reason")
        await wait_for(pilot, lambda: app.poller.loads == 2)
        first, second = events.row_keys()[:2]
        assert events.get_row(first) == events.get_row(second)
        # A newer run still goes on top, above the two equal rows.
        async with seeded.write() as conn:
            await conn.execute(
                "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, finished_at, "
                "owner_host, owner_pid) VALUES (50, 'manual', '2025-06-14', 'ok', "
                "'2025-06-14T19:59:50.000Z', '2025-06-14T19:59:55.000Z', 'h', 1)"
            )
        await wait_for(pilot, lambda: app.poller.loads == 3)
        assert events.row_keys()[0] == "run:50"
        # The audit rows by id, newest first, though their cells are equal.
        assert events.row_keys()[1:3] == sorted([first, second], key=lambda k: -int(k[6:]))
        shown = [app.dashboard.snapshot.events[i].key for i in range(3)]
        assert events.row_keys()[:3] == shown


async def test_new_events_are_counted_while_scrolled_away(make_app, seeded: Database) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)
        events = app.dashboard.query_one("#events", KeyedTable)
        await add_audit(seeded, "override", "halted", "wrong_key", "zero")
        await wait_for(pilot, lambda: app.poller.loads == 2)
        events.focus()
        events.move_cursor(row=1)
        await pilot.pause()
        await add_audit(seeded, "override", "halted", "wrong_key", "one")
        await add_audit(seeded, "override", "halted", "wrong_key", "two")
        await wait_for(pilot, lambda: app.poller.loads == 3)
        assert str(events.border_title).endswith("· 2 new ↑")
        events.move_cursor(row=0)
        await pilot.pause()
        assert "new" not in str(events.border_title)
        assert str(events.border_title).startswith(f"Recent events [1/{events.row_count}]")


async def test_capital_t_switches_every_dashboard_time_to_absolute_and_back(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.poller.loads == 1)

        def line(part: str) -> str:
            return app.dashboard.query_one(f"#health-{part}", QuietStatic).shown

        assert "3 min ago" in line("run")  # run 41 started at 19:57:00 UTC; NOW is 20:00
        assert "Next run: in 2 min" in line("next")
        assert "2 min ago: The Odds API timed out" in line("sources")
        relative = (line("run"), line("next"), line("sources"), header(app, "age"))
        await pilot.press("t")  # the trends helper's key now: times stay as they are
        await pilot.pause()
        assert (line("run"), line("next"), line("sources"), header(app, "age")) == relative

        await pilot.press("T")
        await wait_for(pilot, lambda: "at 15:57:00 EDT" in line("run"))
        assert "Next run: at 16:02:00 EDT" in line("next")
        assert "ago" not in line("next") and " in " not in line("next")
        assert "at 15:58:00 EDT: The Odds API timed out" in line("sources")
        assert header(app, "age").startswith("data 15:") and header(app, "age").endswith(" EDT")

        await pilot.press("T")
        await wait_for(pilot, lambda: "3 min ago" in line("run"))
        assert (line("run"), line("next"), line("sources"), header(app, "age")) == relative
