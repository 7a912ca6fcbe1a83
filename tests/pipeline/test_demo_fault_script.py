"""The demo shows its faults: within its first steps a 429 burst, a timeout streak that opens
the odds breaker and its recovery, and a quota dip, each seen in the runs and in `health`."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.health import HealthReport, evaluate_health
from app.pipeline.runner import PipelineRunner
from app.sources.simulated import (
    FAULT_SCRIPT,
    QUOTA_DIP_STEP,
    QUOTA_TOP_UP_STEP,
    SimulatedUpstream,
)
from app.storage.database import Database
from tests.support.pipeline import ODDS_KEY, SEED

NOON = datetime(2025, 6, 14, 17, 0, tzinfo=UTC)


async def odds_circuit(db: Database) -> str:
    async with (
        db.read() as conn,
        conn.execute("SELECT circuit_state FROM source_health WHERE source = 'odds'") as cursor,
    ):
        row = await cursor.fetchone()
    return str(row[0]) if row else "none"


def said(report: HealthReport) -> str:
    return f"{report.status} " + " ".join(report.reasons)


async def test_the_scripted_day_shows_a_burst_a_breaker_and_a_quota_dip(
    db: Database, settings: Settings
) -> None:
    settings.resilience.retry_initial_wait_s = 0
    settings.resilience.retry_max_wait_s = 0
    clock = FixedClock(NOON)
    sim = SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone, scripted_faults=True)
    runner = PipelineRunner(
        db, settings, transport=sim, secrets=StaticSecrets({"odds-api-key": ODDS_KEY}), clock=clock
    )
    outcomes: dict[int, str] = {}
    circuits: dict[int, str] = {}
    health: dict[int, str] = {}
    for _ in range(FAULT_SCRIPT[-1][0] + 1):
        clock.advance(5)
        sim.advance()
        outcomes[sim.step] = str((await runner.run("schedule")).outcome)
        circuits[sim.step] = await odds_circuit(db)
        health[sim.step] = said(await evaluate_health(db, settings, clock))

    burst, *streak = (step for step, _, _ in FAULT_SCRIPT)
    assert outcomes[burst - 1] == "ok" and outcomes[burst] == "degraded"
    assert "odds" in health[burst]
    assert outcomes[burst + 1] == "ok" and circuits[burst + 1] == "closed"
    assert [outcomes[s] for s in streak] == ["degraded"] * len(streak)
    assert circuits[streak[-2]] == "closed" and circuits[streak[-1]] == "open"
    assert health[streak[-1]].startswith(("WARNING", "CRITICAL")) and "open" in health[streak[-1]]
    assert outcomes[streak[-1] + 1] == "degraded"  # the breaker holds the odds back
    assert health[QUOTA_DIP_STEP - 1] == "OK "
    for step in range(QUOTA_DIP_STEP, QUOTA_TOP_UP_STEP):
        assert outcomes[step] == "ok"
        assert health[step].startswith("WARNING") and "credits low" in health[step]
    assert health[QUOTA_TOP_UP_STEP] == "OK "  # topped up: the warning is gone

    # After the cooldown the next call goes through: the breaker closes again.
    clock.advance(settings.resilience.breaker_cooldown_s + 1)
    sim.advance()
    assert str((await runner.run("schedule")).outcome) == "ok"
    assert await odds_circuit(db) == "closed"


async def test_without_the_script_nothing_is_injected(db: Database, settings: Settings) -> None:
    clock = FixedClock(NOON)
    sim = SimulatedUpstream(SEED, clock, timezone=settings.pipeline.timezone)
    runner = PipelineRunner(
        db, settings, transport=sim, secrets=StaticSecrets({"odds-api-key": ODDS_KEY}), clock=clock
    )
    for _ in range(FAULT_SCRIPT[-1][0]):
        sim.advance()
        assert str((await runner.run("schedule")).outcome) == "ok"
