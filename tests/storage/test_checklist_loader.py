"""The first-run checklist on real databases: empty, half set up, configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import keyring
import keyring.core
import pytest

from app.core.clock import iso
from app.storage.database import Database
from app.storage.read.checklist import (
    ADMIN_KEY_FIX,
    DAEMON_FIX,
    KEYRING_DOC,
    KEYRING_FIX,
    ODDS_KEY_FIX,
    RUN_FIX,
    inspect_keyring,
    load_checklist,
)
from app.storage.read.checklist_models import KeyringCheck
from tests.support.desk_seed import NOW
from tests.support.trend_seed import configure, seed_day

GOOD_KEYRING = KeyringCheck(True, "keyring.backends.SecretService.Keyring", "encrypts at rest")
NO_KEYRING = KeyringCheck(False, "keyring.backends.fail.Keyring", "no keyring backend is available")


async def test_an_empty_database_needs_everything(db: Database) -> None:
    checklist = await load_checklist(db, NOW, keyring=NO_KEYRING, daemon_fresh_s=30)
    assert [item.key for item in checklist.items] == [
        "admin-key",
        "keyring",
        "odds-key",
        "daemon",
        "first-run",
    ]
    assert [item.ok for item in checklist.items] == [False, False, None, False, False]
    assert [item.fix for item in checklist.items] == [
        ADMIN_KEY_FIX,
        KEYRING_FIX,
        RUN_FIX,
        DAEMON_FIX,
        RUN_FIX,
    ]
    assert checklist.item("odds-key").detail == "not checked yet: run `pressbox run`"
    assert checklist.item("keyring").detail == (
        "keyring.backends.fail.Keyring: no keyring backend is available"
    )
    assert checklist.setup_incomplete and not checklist.all_ok


async def test_a_configured_installation_is_all_ticked(db: Database) -> None:
    await seed_day(db)
    await configure(db)
    checklist = await load_checklist(db, NOW, keyring=GOOD_KEYRING, daemon_fresh_s=30)
    assert [item.mark for item in checklist.items] == ["✓"] * 5
    assert checklist.all_ok and not checklist.setup_incomplete
    assert checklist.item("admin-key").detail == "set by ops"
    assert checklist.item("first-run").detail == "run #123 ok"
    assert checklist.item("first-run").at == iso(NOW - timedelta(minutes=20))
    assert checklist.item("daemon").detail == "pid 4242 on box, last heartbeat"


async def test_a_silent_daemon_is_not_alive_but_does_not_block_the_desk(db: Database) -> None:
    await seed_day(db)
    await configure(db)
    later = NOW + timedelta(minutes=5)
    checklist = await load_checklist(db, later, keyring=GOOD_KEYRING, daemon_fresh_s=30)
    daemon = checklist.item("daemon")
    assert daemon.ok is False and daemon.detail == "pid 4242 on box silent, last heartbeat"
    assert not checklist.setup_incomplete  # cron-driven runs are a valid set-up


async def test_a_failed_odds_stage_says_why_and_how_to_fix_the_key(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, finished_at, "
            "owner_host, owner_pid) VALUES (1, 'cli', '2025-06-14', 'failed', ?, ?, 'h', 1)",
            (iso(NOW), iso(NOW)),
        )
        await conn.execute(
            "INSERT INTO run_stages (run_id, position, name, status, started_at, error_kind, "
            "error_summary) VALUES (1, 2, 'odds', 'failed', ?, 'auth', "
            "'no Odds API key: set it with `pressbox secrets set odds-api-key`')",
            (iso(NOW),),
        )
    checklist = await load_checklist(db, NOW, keyring=GOOD_KEYRING, daemon_fresh_s=30)
    odds = checklist.item("odds-key")
    assert odds.ok is False and odds.fix == ODDS_KEY_FIX
    assert odds.detail.startswith("run #1: odds stage failed: no Odds API key")
    first = checklist.item("first-run")
    assert first.detail == "no run delivered data yet (last: run #1 failed)"


CRYPTFILE = "keyrings.cryptfile.cryptfile.CryptFileKeyring"
ELSEWHERE = f"PYTHON_KEYRING_BACKEND={CRYPTFILE} pressbox secrets init  (see {KEYRING_DOC})"


@pytest.mark.parametrize(
    ("backend", "usable", "why", "fix"),
    [
        (
            "keyring.backends.null.Keyring",
            False,
            "the null backend silently stores nothing",
            ELSEWHERE,
        ),
        ("keyring.backends.fail.Keyring", False, "no keyring backend is available", ELSEWHERE),
    ],
)
async def test_the_keyring_is_inspected_as_the_secret_store_vets_it(
    monkeypatch: pytest.MonkeyPatch, backend: str, usable: bool, why: str, fix: str
) -> None:
    with chosen_backend(monkeypatch, backend):
        check = await inspect_keyring()
    assert (check.usable, check.backend, check.why, check.fix) == (usable, backend, why, fix)


async def test_the_encrypted_file_keyring_needs_its_file_then_its_passphrase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KEYRING_CRYPTFILE_PASSWORD", raising=False)
    with chosen_backend(monkeypatch, CRYPTFILE):
        missing = await inspect_keyring()
        path = Path(keyring.get_keyring().file_path)  # type: ignore[attr-defined]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        locked = await inspect_keyring()
    assert not missing.usable and missing.why.endswith("does not exist yet")
    assert missing.fix == KEYRING_FIX
    assert not locked.usable and locked.why == "KEYRING_CRYPTFILE_PASSWORD is not set"
    assert locked.fix.startswith("export KEYRING_CRYPTFILE_PASSWORD=...")


@contextmanager
def chosen_backend(monkeypatch: pytest.MonkeyPatch, backend: str) -> Iterator[None]:
    """keyring's choice set as an operator sets it, then put back."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    keyring.core.init_backend()
    try:
        yield
    finally:
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
        keyring.core.init_backend()
