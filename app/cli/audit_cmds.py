"""``pressbox audit [--limit N] [--json] [--verify]``: read and check the audit trail."""

from __future__ import annotations

from dataclasses import asdict

import click

from app.cli.common import (
    db_option,
    echo_json,
    echo_text,
    fail,
    json_option,
    run_async,
    with_settings,
)
from app.control import audit
from app.core.config import Settings
from app.core.sanitize import clean_field
from app.storage.database import Database


def _who(entry: audit.AuditEntry) -> str:
    text = entry.login_user or "?"
    if entry.sudo_user and entry.sudo_user != entry.login_user:
        text += f" (sudo by {entry.sudo_user})"
    if entry.ssh_client:
        text += f" ssh {entry.ssh_client}"
    if entry.tty:
        text += f" {entry.tty}"
    return f"{text} pid {entry.pid}@{entry.host}"


def _quoted(text: str) -> str:
    return clean_field(text).replace("\\", "\\\\").replace('"', '\\"')


def _line(entry: audit.AuditEntry) -> str:
    target = f" {clean_field(entry.target)}" if entry.target else ""
    # One line per row, whatever was typed into the reason: no line break, no control
    # character, and a quote inside it cannot close the field early.
    reason = f' reason="{_quoted(entry.reason)}"' if entry.reason else ""
    detail = f" - {clean_field(entry.detail)}" if entry.detail else ""
    return (
        f"#{entry.id} {entry.at} {entry.action}{target} {entry.outcome.upper()}{reason} "
        f"by {_who(entry)}{detail}"
    )


async def _recent(settings: Settings, limit: int) -> list[audit.AuditEntry]:
    async with Database.from_settings(settings.db) as db, db.read() as conn:
        return await audit.recent(conn, limit)


async def _verify(settings: Settings) -> tuple[audit.ChainCheck, str | None]:
    async with Database.from_settings(settings.db) as db, db.read() as conn:
        check = await audit.verify_chain(conn)
        head = await audit.recent(conn, 1)
    return check, (head[0].hash if head else None)


@click.command("audit")
@db_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@json_option
@click.option("--verify", is_flag=True, help="Check the hash chain (exit 1 at the first bad row).")
@click.pass_context
def audit_command(ctx: click.Context, limit: int, as_json: bool, verify: bool) -> None:
    """The audit trail of break-glass attempts, newest first."""
    settings = with_settings(ctx)
    if verify:
        check, head = run_async(lambda: _verify(settings))
        if as_json:
            echo_json({**asdict(check), "head_hash": head})
        if not check.ok:
            fail(
                f"audit trail broken at row {check.first_broken_id}: {check.problem} "
                f"({check.checked} rows before it are intact)",
                1,
            )
        if not as_json:
            echo_text(f"audit trail intact: {check.checked} rows; head hash {head or '-'}")
        return
    entries = run_async(lambda: _recent(settings, limit))
    if as_json:
        echo_json([asdict(e) for e in entries])
        return
    if not entries:
        echo_text("audit trail is empty")
    for entry in entries:
        echo_text(_line(entry))


commands: list[click.Command] = [audit_command]
