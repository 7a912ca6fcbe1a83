"""Replay a recording: one pipeline run per recorded ``run``, through the real clients.

Each run gets the clock of its first recorded answer (so "today" and every
stored time are the incident's), a transport that serves the recorded answers
(``app.sources.replay``), a stand-in Odds API key (nothing leaves the machine)
and no recording of its own. No alert hook: a replay never sends mail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import ODDS_API_KEY, StaticSecrets
from app.domain.records import RunResult
from app.domain.status import Trigger
from app.pipeline.runner import PipelineRunner
from app.sources.replay import ReplayTransport, load_recording
from app.storage.database import Database

# Never sent anywhere: the replay transport answers every request itself.
REPLAY_KEY = "replay-no-key"  # pragma: allowlist secret

OnRun = Callable[[RunResult], Awaitable[None]]


async def replay_recording(
    settings: Settings, db: Database, folder: Path, on_run: OnRun | None = None
) -> list[RunResult]:
    """Run every recorded run in order; ``on_run`` sees each result as it finishes."""
    recorded = load_recording(folder)
    quiet = replace(settings, pipeline=replace(settings.pipeline, record_dir=None))
    results: list[RunResult] = []
    for run in recorded:
        runner = PipelineRunner(
            db,
            quiet,
            transport=ReplayTransport(run),
            secrets=StaticSecrets({ODDS_API_KEY: REPLAY_KEY}),
            clock=FixedClock(run.started_at),
        )
        result = await runner.run(Trigger.CLI, scheduled=False)
        results.append(result)
        if on_run is not None:
            await on_run(result)
    return results
