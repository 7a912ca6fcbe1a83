"""The drill-through loaders on a real seeded SQLite file: one audit entry, a source's errors."""

from __future__ import annotations

from app.storage.database import Database
from app.storage.read.audit_entry import load_audit_entry
from app.storage.read.source_errors import load_source_errors
from tests.support.drill_seed import (
    HASH,
    HOSTILE_REASON,
    PREV_HASH,
    add_full_audit,
    add_odds_failure,
)


async def test_an_audit_entry_is_read_whole_and_a_missing_one_is_none(seeded: Database) -> None:
    entry_id = await add_full_audit(seeded)
    entry = await load_audit_entry(seeded, entry_id)
    assert entry is not None
    assert (entry.tty, entry.ssh_client, entry.pid, entry.host) == (
        "/dev/pts/3",
        "10.0.0.5 52144 22",
        4242,
        "desk-host",
    )
    assert (entry.hash, entry.prev_hash, entry.reason) == (HASH, PREV_HASH, HOSTILE_REASON)
    assert await load_audit_entry(seeded, entry_id + 1) is None


async def test_a_sources_errors_come_from_its_own_stages_newest_first(seeded: Database) -> None:
    await add_odds_failure(seeded, 42, "401 from The Odds API: key refused")
    odds = await load_source_errors(seeded, "odds", limit=10)
    assert odds.health is not None and odds.health.circuit_state == "open"
    assert [(e.run_id, e.error_kind, e.message) for e in odds.errors] == [
        (42, "auth", "401 from The Odds API: key refused"),
        (41, "transient", "The Odds API timed out after 10 s"),
    ]
    assert (await load_source_errors(seeded, "odds", limit=1)).errors[0].run_id == 42
    # The schedule stage (MLB) stored no error; an unknown source has neither row nor stages.
    mlb = await load_source_errors(seeded, "mlb", limit=10)
    assert mlb.health is not None and mlb.errors == ()
    unknown = await load_source_errors(seeded, "nope", limit=10)
    assert unknown.health is None and unknown.errors == ()
