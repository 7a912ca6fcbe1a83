"""The status words: the stored strings, the named sets, and how they serialise."""

from __future__ import annotations

import json

import pytest

from app.core.errors import StorageError
from app.domain import status
from app.domain.status import (
    ATTEMPTED,
    COMPLETED,
    DELIVERED,
    FINISHED,
    FINISHED_STAGE,
    MODES,
    SOURCES,
    UNSUCCESSFUL,
    Mode,
    RunOutcome,
    StageStatus,
)
from app.storage.database import Database
from app.storage.mode import get_mode, set_mode
from app.storage.read.runs import run_by_id as get_run
from app.storage.runs import RunStart, create_run, outcome_in, record_skipped

# What the database and `--json` hold today; these strings must never change.
STORED = {
    status.RunOutcome: {"running", "ok", "degraded", "failed", "skipped", "abandoned"},
    status.StageStatus: {"running", "ok", "degraded", "failed", "skipped"},
    status.Mode: {"auto", "paused", "halted"},
    status.Source: {"mlb", "odds"},
    status.CircuitState: {"closed", "open", "half_open"},
    status.AlertStatus: {"pending", "sent", "failed", "suppressed"},
    status.RequestStatus: {"pending", "taken", "done", "failed", "expired"},
    status.HealthStatus: {"OK", "WARNING", "CRITICAL", "UNKNOWN"},
    status.Trigger: {"cli", "schedule", "request", "break-glass"},
}


@pytest.mark.parametrize("vocabulary", list(STORED), ids=lambda v: v.__name__)
def test_the_stored_strings_are_unchanged(vocabulary: type[status.StrEnum]) -> None:
    assert {member.value for member in vocabulary} == STORED[vocabulary]


def test_a_member_is_its_string_in_comparisons_text_and_json() -> None:
    assert RunOutcome.DEGRADED == "degraded"
    assert f"{RunOutcome.DEGRADED}" == "degraded"
    assert json.dumps({"outcome": RunOutcome.DEGRADED}) == '{"outcome": "degraded"}'
    assert "ok" in DELIVERED and "failed" not in DELIVERED


def test_the_named_sets_nest_as_their_comments_say() -> None:
    assert {RunOutcome.OK, RunOutcome.DEGRADED} == DELIVERED
    assert DELIVERED < COMPLETED < ATTEMPTED < FINISHED
    assert UNSUCCESSFUL == ATTEMPTED - DELIVERED
    assert RunOutcome.SKIPPED in FINISHED and RunOutcome.SKIPPED not in ATTEMPTED
    assert RunOutcome.RUNNING not in FINISHED
    assert StageStatus.RUNNING not in FINISHED_STAGE and len(FINISHED_STAGE) == 4
    assert MODES == (Mode.AUTO, Mode.PAUSED, Mode.HALTED)
    assert SOURCES == ("mlb", "odds")


async def test_the_schema_accepts_every_mode_and_nothing_else(db: Database) -> None:
    async with db.write() as conn:
        for mode in Mode:
            await set_mode(conn, mode, set_by="t", set_at="2025-06-14T00:00:00.000Z", reason="r")
            assert (await get_mode(conn)).mode is mode
    # Database classifies SQLite's refusal at the boundary (app.storage.sqlite_errors).
    with pytest.raises(StorageError, match="CHECK constraint failed"):
        async with db.write() as conn:
            await conn.execute("UPDATE system_mode SET mode = 'stopped' WHERE id = 1")


async def test_outcome_in_selects_exactly_the_named_set(db: Database) -> None:
    ids: dict[RunOutcome, int] = {}
    async with db.write() as conn:
        for n, outcome in enumerate(RunOutcome):
            start = RunStart("cli", "2025-06-14", f"2025-06-14T0{n}:00:00.000Z", "host", 1)
            if outcome is RunOutcome.SKIPPED:
                ids[outcome] = await record_skipped(conn, start, reason="paused")
                continue
            ids[outcome] = await create_run(conn, start, lease_token=None)
            await conn.execute("UPDATE runs SET outcome = ? WHERE id = ?", (outcome, ids[outcome]))
        clause, values = outcome_in(DELIVERED)
        async with conn.execute(f"SELECT id FROM runs WHERE {clause} ORDER BY id", values) as cur:
            delivered = [row[0] for row in await cur.fetchall()]
        skipped = await get_run(conn, ids[RunOutcome.SKIPPED])
    assert delivered == sorted(ids[o] for o in DELIVERED)
    assert skipped is not None and skipped.outcome == "skipped" and skipped.reason == "paused"
    assert skipped.finished_at == skipped.started_at
