"""Rows the drill-through tests add to the seeded desk: a full audit entry, an alert, errors."""

from __future__ import annotations

from app.storage.database import Database

HASH = "a" * 64
PREV_HASH = "b" * 64
# A reason as an operator might paste it: an escape sequence, a bell, markup, a line break.
HOSTILE_REASON = "restart \x1b[31mred\x1b[0m\x07 [b]now[/b]\nDONE"


async def add_full_audit(db: Database, *, reason: str = HOSTILE_REASON) -> int:
    """An audit entry with every identity field set; its id."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO audit_log (at, action, target, reason, outcome, detail, login_user, "
            "sudo_user, ssh_client, tty, pid, host, app_version, prev_hash, hash) VALUES "
            "('2025-06-14T19:59:45.000Z', 'reset-breaker', 'odds', ?, 'done', 'closed', 'ops', "
            "'root', '10.0.0.5 52144 22', '/dev/pts/3', 4242, 'desk-host', '1.2.0', ?, ?)",
            (reason, PREV_HASH, HASH),
        )
        row_id = cursor.lastrowid
    assert row_id is not None
    return row_id


async def add_alert(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO alerts (kind, dedupe_key, subject, body, created_at, status) VALUES "
            "('degraded', 'degraded', 'runs degraded', 'body', '2025-06-14T19:59:50.000Z', 'sent')"
        )


async def add_odds_failure(db: Database, run_id: int, summary: str) -> None:
    """A failed run whose odds stage stored ``summary`` as its error."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO runs (id, trigger, slate_date, outcome, reason, started_at, finished_at, "
            "owner_host, owner_pid, credits_used) VALUES (?, 'schedule', '2025-06-14', 'failed', "
            "'odds: auth', '2025-06-14T19:59:00.000Z', '2025-06-14T19:59:02.000Z', 'h', 1, 0)",
            (run_id,),
        )
        await conn.execute(
            "INSERT INTO run_stages (run_id, position, name, status, started_at, finished_at, "
            "duration_ms, error_kind, error_summary) VALUES (?, 2, 'odds', 'failed', "
            "'2025-06-14T19:59:00.000Z', '2025-06-14T19:59:01.500Z', 1500, 'auth', ?)",
            (run_id, summary),
        )
