"""The first-run checklist: what a new installation still lacks, each with its fix.

Everything is read from what is stored (the admin key's verifier, the daemon's
heartbeat, the last odds stage, the last delivered run) or handed in (the keyring's
inspection, done once by whoever builds the desk's data): nothing here calls an
upstream, so the desk can ask any time.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import aiosqlite

from app.storage.daemon_state import read_state
from app.storage.database import Database
from app.storage.read.checklist_models import CheckItem, Checklist, KeyringCheck
from app.storage.read.rows import fetch_rows
from app.storage.read.runs import last_delivered_run

ADMIN_KEY_FIX = "pressbox admin-key set --generate"
KEYRING_FIX = "pressbox secrets init"
KEYRING_DOC = "docs/headless-keyring.md"
ODDS_KEY_FIX = "pressbox secrets set odds-api-key"
DAEMON_FIX = "pressbox daemon  (or: systemctl enable --now pressbox-daemon.service)"
RUN_FIX = "pressbox run"
ODDS_STAGE = "odds"


async def inspect_keyring() -> KeyringCheck:
    """keyring's choice vetted as the secret store vets it, off the loop (D-Bus can be slow)."""
    from app.security.backends import CRYPTFILE, CRYPTFILE_PASSWORD_ENV, diagnose

    diagnosis = await asyncio.to_thread(diagnose)
    if diagnosis.accepted or diagnosis.why.endswith("does not exist yet"):
        fix = KEYRING_FIX
    elif diagnosis.chosen == CRYPTFILE:
        fix = f"export {CRYPTFILE_PASSWORD_ENV}=... in the desk's and the daemon's environment"
    else:
        # An unusable backend: the encrypted file one, created once (or a Secret Service).
        fix = f"PYTHON_KEYRING_BACKEND={CRYPTFILE} {KEYRING_FIX}  (see {KEYRING_DOC})"
    return KeyringCheck(diagnosis.accepted, diagnosis.chosen, diagnosis.why, fix)


async def load_checklist(
    db: Database, now: datetime, *, keyring: KeyringCheck, daemon_fresh_s: float
) -> Checklist:
    async with db.read() as conn:
        admin = await _admin_key(conn)
        odds = await _odds_key(conn)
        daemon = await _daemon(conn, now, daemon_fresh_s)
        first = await _first_run(conn)
    return Checklist((admin, _keyring(keyring), odds, daemon, first))


async def _admin_key(conn: aiosqlite.Connection) -> CheckItem:
    rows = await fetch_rows(conn, "SELECT set_at, set_by FROM admin_key WHERE id = 1")
    if not rows:
        return CheckItem("admin-key", "admin key set", False, "no admin key yet", ADMIN_KEY_FIX)
    row = rows[0]
    detail = f"set by {row['set_by']}"
    return CheckItem("admin-key", "admin key set", True, detail, ADMIN_KEY_FIX, row["set_at"])


def _keyring(check: KeyringCheck) -> CheckItem:
    detail = f"{check.backend}: {check.why}"
    return CheckItem("keyring", "keyring usable", check.usable, detail, check.fix)


async def _odds_key(conn: aiosqlite.Connection) -> CheckItem:
    rows = await fetch_rows(
        conn,
        "SELECT s.run_id, s.status, s.error_kind, s.error_summary FROM run_stages s "
        "WHERE s.name = ? AND s.status != 'running' ORDER BY s.run_id DESC LIMIT 1",
        (ODDS_STAGE,),
    )
    label = "odds key present and reachable"
    if not rows:
        return CheckItem("odds-key", label, None, "not checked yet: run `pressbox run`", RUN_FIX)
    row = rows[0]
    if row["status"] in ("ok", "degraded"):
        return CheckItem(
            "odds-key",
            label,
            True,
            f"run #{row['run_id']}: odds stage {row['status']}",
            ODDS_KEY_FIX,
        )
    why = row["error_summary"] or row["error_kind"] or row["status"]
    detail = f"run #{row['run_id']}: odds stage {row['status']}: {why}"
    return CheckItem("odds-key", label, False, detail, ODDS_KEY_FIX)


async def _daemon(conn: aiosqlite.Connection, now: datetime, fresh_s: float) -> CheckItem:
    state = await read_state(conn)
    label = "daemon alive"
    if state is None:
        return CheckItem("daemon", label, False, "no daemon has run yet", DAEMON_FIX)
    beat = state.heartbeat_at
    if state.alive(now, fresh_s):
        detail = f"pid {state.pid} on {state.host}, last heartbeat"
        return CheckItem("daemon", label, True, detail, DAEMON_FIX, beat)
    gone = "stopped" if state.stopped_at is not None else "silent"
    detail = f"pid {state.pid} on {state.host} {gone}, last heartbeat"
    return CheckItem("daemon", label, False, detail, DAEMON_FIX, state.stopped_at or beat)


async def _first_run(conn: aiosqlite.Connection) -> CheckItem:
    run = await last_delivered_run(conn)
    label = "first run ok"
    if run is not None:
        detail = f"run #{run.id} {run.outcome}"
        return CheckItem("first-run", label, True, detail, RUN_FIX, run.started_at)
    rows = await fetch_rows(conn, "SELECT id, outcome FROM runs ORDER BY id DESC LIMIT 1")
    if rows:
        detail = f"no run delivered data yet (last: run #{rows[0]['id']} {rows[0]['outcome']})"
    else:
        detail = "no run yet"
    return CheckItem("first-run", label, False, detail, RUN_FIX)
