"""Acceptance (rewind): a replayed day, the desk's data taken live right after three runs,
then the whole day replayed and the data rewound to those three moments: identical.

The recording is ``clv_day_2024-07-01`` (four runs: value flagged, a line move, a game in
play with the other's close, the finals). Live snapshots are read as the desk reads them
(``StoredDeskData`` with the health verdict on the run's own clock); the rewound ones by
``RewindDeskData`` at the run's finish once every run has landed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from app.core.clock import FixedClock, parse_iso
from app.core.config import Settings
from app.domain.records import RunResult
from app.pipeline.health import desk_verdict, evaluate_health, verdict_at
from app.pipeline.replay import replay_recording
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.storage.read.models import DashboardSnapshot, GameDetail
from app.storage.read.rewind_data import RewindDeskData
from app.storage.read.runs import run_by_id

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


def _without_judgements(detail: GameDetail | None) -> GameDetail | None:
    """The detail less what only the newest judgement keeps (edges and fair prices)."""
    if detail is None:
        return None
    prices = tuple(
        replace(p, fair_prob=None, edge=None, is_value=False, is_best=False, verdict="", note=None)
        for p in detail.prices
    )
    return replace(detail, prices=prices, fair=())


@pytest.fixture
async def day_taken(db: Database, settings: Settings) -> list[Taken]:
    taken: list[Taken] = []

    async def after(result: RunResult) -> None:
        if len(taken) < 3 and result.run_id is not None:
            async with db.read() as conn:
                run = await run_by_id(conn, result.run_id)
            assert run is not None and run.finished_at is not None
            taken.append(await _take(db, settings, parse_iso(run.finished_at)))

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


async def test_game_detail_rewound_shows_that_moments_game_lines_and_history(
    db: Database, settings: Settings, day_taken: list[Taken]
) -> None:
    last = day_taken[-1]
    for live in day_taken:
        rewound = await _rewound(db, settings, live.moment)
        assert rewound.details.keys() == live.details.keys()
        for game_pk, detail in live.details.items():
            assert _without_judgements(rewound.details[game_pk]) == _without_judgements(detail)
    # At the newest moment nothing was judged since: the whole detail is the same.
    rewound_last = await _rewound(db, settings, last.moment)
    assert rewound_last.details == last.details
