"""A control service on a real database, with a fixed clock and cheap scrypt parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiosqlite
import pytest

from app.control.service import ControlService
from app.core.clock import FixedClock
from app.core.config import Settings
from app.domain.records import RunResult
from app.domain.status import RunOutcome
from app.security.admin_key import ScryptParams
from app.security.identity import Actor
from app.storage import daemon_state
from app.storage.database import Database

ADMIN_KEY = "test-admin-Key-4471-xyz-Qv8#mW2p"  # pragma: allowlist secret
FAST = ScryptParams(n=2**10)
ACTOR = Actor("carol", "bob", "10.0.0.9", "/dev/pts/3", 4242, "desk-host", "0.1.0")


@dataclass
class Recorder:
    """Stands in for the pipeline runner and the breaker: records what it was asked to do."""

    runs: int = 0
    resets: list[str] = field(default_factory=list)
    outcome: str = "ok"

    async def run_now(self) -> RunResult:
        self.runs += 1
        return RunResult(self.runs, RunOutcome(self.outcome), None, 0, ())

    async def reset(self, source: str) -> None:
        self.resets.append(source)


async def beat_daemon(conn: aiosqlite.Connection, clock: FixedClock) -> None:
    """A daemon whose heartbeat is now: a break-glass run is handed to it, not run here."""
    now = clock.now_iso()
    await daemon_state.beat(conn, host="srv", pid=1, started_at=now, now=now, next_run_at=None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 6, 14, 18, 0, tzinfo=UTC))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make_service(
    db: Database, settings: Settings, clock: FixedClock, recorder: Recorder, actor: Actor = ACTOR
) -> ControlService:
    return ControlService(
        db,
        settings,
        daemon_fresh_s=30,
        run_now=recorder.run_now,
        reset_breaker_fn=recorder.reset,
        clock=clock,
        actor=actor,
        key_params=FAST,
    )


@pytest.fixture
async def service(
    db: Database, settings: Settings, clock: FixedClock, recorder: Recorder
) -> ControlService:
    svc = make_service(db, settings, clock, recorder)
    result = await svc.set_admin_key(ADMIN_KEY)
    assert result.ok, result.message
    return svc
