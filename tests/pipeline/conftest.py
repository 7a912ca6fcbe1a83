"""Fixtures of the pipeline tests: the simulated upstream and a runner factory."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.core.clock import Clock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import AfterRun, PipelineRunner
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database
from tests.support.pipeline import ODDS_KEY, SEED, RunnerFactory

# A fixed afternoon: the simulated card is dealt from "now", so the wall clock would make
# these tests depend on the hour they run at (late evening deals starts past midnight).
AFTERNOON = datetime(2025, 6, 14, 18, 0, tzinfo=UTC)


class AfternoonClock(Clock):
    """The wall clock's pace (leases and heartbeats move on), started at ``AFTERNOON``."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def now(self) -> datetime:
        return AFTERNOON + timedelta(seconds=time.monotonic() - self._started)


@pytest.fixture
def clock() -> Clock:
    return AfternoonClock()


@pytest.fixture
def sim(clock: Clock, settings: Settings) -> SimulatedUpstream:
    return SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone)


@pytest.fixture
def make_runner(
    db: Database, settings: Settings, clock: Clock, sim: SimulatedUpstream
) -> RunnerFactory:
    def build(
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        secrets: dict[str, str] | None = None,
        after_run: AfterRun | None = None,
        pid: int | None = None,
    ) -> PipelineRunner:
        return PipelineRunner(
            db,
            settings,
            transport=transport or sim,
            secrets=StaticSecrets({"odds-api-key": ODDS_KEY} if secrets is None else secrets),
            clock=clock,
            after_run=after_run,
            pid=pid,
        )

    return build
