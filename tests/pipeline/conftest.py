"""Fixtures of the pipeline tests: the simulated upstream and a runner factory."""

from __future__ import annotations

import httpx
import pytest

from app.core.clock import Clock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import AfterRun, PipelineRunner
from app.sources.simulated import SimulatedUpstream
from app.storage.database import Database
from tests.support.pipeline import ODDS_KEY, SEED, RunnerFactory


@pytest.fixture
def clock() -> Clock:
    return Clock()


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
