"""Acceptance (rewind): a replayed day, the desk's data taken live right after three runs,
then the whole day replayed and the data rewound to those three moments: identical.

The recording is ``clv_day_2024-07-01`` (four runs: value flagged, a line move, a game in
play with the other's close, the finals). Live snapshots are read as the desk reads them
(``StoredDeskData`` with the health verdict on the run's own clock); the rewound ones by
``RewindDeskData`` at the run's finish once every run has landed: dashboard, health line,
and the game detail of every game on the slate, edges and fair prices included.

Beside the runs the day has a daemon and break-glass, written at each moment before it
is taken: at run 1 the daemon beats steadily; at run 2 it beats again after a long
silence, the system is paused and one origin is locked out; at run 3 the lockout is
lifted, the daemon has stopped and the system is halted (resumed after the snapshot,
so run 4 runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from app.core.clock import FixedClock, parse_iso
from app.core.config import Settings
from app.domain.records import RunResult
from app.domain.status import Mode
from app.pipeline.health import desk_verdict, evaluate_health, verdict_at
from app.pipeline.replay import replay_recording
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.storage.read.models import DashboardSnapshot, GameDetail
from app.storage.read.rewind_data import RewindDeskData
from app.storage.read.runs import run_by_id
from tests.support.rewind_day import beat, lock_out, override, stop_daemon, unlock

from .test_record_replay import RECORDINGS

DAY = RECORDINGS / "clv_day_2024-07-01"
EVENTS = 20


@dataclass(frozen=True)
class Taken:
    moment: datetime
    dashboard: DashboardSnapshot
    details: dict[int, GameDetail | None]
    health_line: str


async def _take(db: Database, settings: Settings, moment: datetime) -> Taken:
    clock = FixedClock(moment)
    live = StoredDeskData(db, verdict=desk_verdict(db, settings, clock))
    day = clock.official_date(settings.pipeline.timezone)
    dashboard = await live.dashboard(day, recent_events=EVENTS)
    details = {g.game_pk: await live.game_detail(g.game_pk) for g in dashboard.games}
    report = await evaluate_health(db, settings, clock)
    return Taken(moment, dashboard, details, report.line())


async def _rewound(db: Database, settings: Settings, moment: datetime) -> Taken:
    clock = FixedClock(moment)
    data = RewindDeskData(db, verdict_at=verdict_at(db, settings, clock), moment=moment)
    day = clock.official_date(settings.pipeline.timezone)
    dashboard = await data.dashboard(day, recent_events=EVENTS)
    details = {g.game_pk: await data.game_detail(g.game_pk) for g in dashboard.games}
    # "Now" is the moment itself, whatever the clock says (it says a day later here).
    later = FixedClock(moment + timedelta(days=1))
    report = await evaluate_health(db, settings, later, as_of=moment)
    return Taken(moment, dashboard, details, report.line())


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


async def _daemon_and_break_glass(db: Database, settings: Settings, n: int, at: datetime) -> None:
    """What happened beside run ``n`` (0-2) up to its moment ``at``."""
    if n == 0:
        await beat(db, at - _s(10), next_run_at=at + _s(300))
        await beat(db, at, next_run_at=at + _s(300))
    elif n == 1:
        await override(db, Mode.PAUSED, at - _s(60), "books are re-pricing")
        await lock_out(db, settings, at - _s(30))
        for back in (20, 10, 0):  # beating again after a silence of almost two hours
            await beat(db, at - _s(back), next_run_at=at + _s(120))
    elif n == 2:
        await unlock(db, at - _s(100))
        await stop_daemon(db, at - _s(60))
        await override(db, Mode.HALTED, at - _s(30), "suspicious line")


@pytest.fixture
async def day_taken(db: Database, settings: Settings) -> list[Taken]:
    taken: list[Taken] = []

    async def after(result: RunResult) -> None:
        if len(taken) < 3 and result.run_id is not None:
            async with db.read() as conn:
                run = await run_by_id(conn, result.run_id)
            assert run is not None and run.finished_at is not None
            moment = parse_iso(run.finished_at)
            await _daemon_and_break_glass(db, settings, len(taken), moment)
            taken.append(await _take(db, settings, moment))
            if len(taken) == 3:
                await override(db, Mode.AUTO, moment + _s(60), "line checked")

    await replay_recording(settings, db, DAY, on_run=after)
    return taken


async def test_the_dashboard_and_health_rewound_to_three_runs_are_what_they_were_live(
    db: Database, settings: Settings, day_taken: list[Taken]
) -> None:
    assert len(day_taken) == 3
    for live in day_taken:
        rewound = await _rewound(db, settings, live.moment)
        assert rewound.dashboard == live.dashboard, live.moment
        assert rewound.health_line == live.health_line, live.moment
    # The three moments differ from each other (and from now): the test compares something.
    shown = {(t.dashboard.last_run, t.dashboard.games) for t in day_taken}
    assert len(shown) == 3
    now = await _take(db, settings, day_taken[-1].moment)
    assert now.dashboard.games != day_taken[0].dashboard.games


async def test_the_daemon_mode_and_lockout_rewound_are_what_they_were_live(
    db: Database, settings: Settings, day_taken: list[Taken]
) -> None:
    """Compared above as part of the dashboard; here, that each moment had its own."""
    first, second, third = day_taken
    daemons = [t.dashboard.daemon for t in day_taken]
    assert all(d is not None for d in daemons)
    assert [d.stopped_at is None for d in daemons if d is not None] == [True, True, False]
    assert [t.dashboard.mode.mode for t in day_taken] == [Mode.AUTO, Mode.PAUSED, Mode.HALTED]
    assert "locked for" in second.health_line and "paused" in second.health_line
    assert "locked for" not in third.health_line and "halted" in third.health_line
    assert second.dashboard.verdict is not None and second.dashboard.verdict.security
    assert second.dashboard.verdict.security.locks
    for live in day_taken:
        rewound = await _rewound(db, settings, live.moment)
        assert rewound.dashboard.daemon == live.dashboard.daemon, live.moment
        assert rewound.dashboard.verdict == live.dashboard.verdict, live.moment
    # What the day ended with differs from each moment: the rewound reads are not "now".
    now = await evaluate_health(db, settings, FixedClock(third.moment + _s(3600)))
    assert now.mode is not None and now.mode.mode == Mode.AUTO.value
    assert first.dashboard.daemon != second.dashboard.daemon


async def test_game_detail_rewound_to_three_runs_is_what_it_was_live(
    db: Database, settings: Settings, day_taken: list[Taken]
) -> None:
    for live in day_taken:
        rewound = await _rewound(db, settings, live.moment)
        assert rewound.details == live.details, live.moment
    # Edges, fair prices and the in-play marks differ between the moments: compared, not equal.
    first, _, third = day_taken
    assert first.details != third.details
    judged = [p for d in first.details.values() if d for p in d.prices if p.edge is not None]
    assert judged, "run 1 judged prices (edges) that a later run replaced"
