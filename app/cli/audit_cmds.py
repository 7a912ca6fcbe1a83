"""``pressbox audit [--limit N] [--json] [--verify [--expect-head ID:HASH]]`` and ``audit head``.

All of them only read: a missing database is one line and exit 1, never created.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import tzinfo

import click

from app.cli.common import (
    db_option,
    echo_json,
    echo_text,
    existing_database,
    fail,
    json_option,
    open_existing,
    run_async,
    utc_option,
)
from app.control import audit
from app.core.config import Settings
from app.core.sanitize import clean_field
from app.core.timefmt import display_zone, local_iso


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


def _line(entry: audit.AuditEntry, tz: tzinfo) -> str:
    target = f" {clean_field(entry.target)}" if entry.target else ""
    # One line per row, whatever was typed into the reason: no line break, no control
    # character, and a quote inside it cannot close the field early.
    reason = f' reason="{_quoted(entry.reason)}"' if entry.reason else ""
    detail = f" - {clean_field(entry.detail)}" if entry.detail else ""
    at = local_iso(entry.at, tz, seconds=True, day=True)
    return (
        f"#{entry.id} {at} {entry.action}{target} {entry.outcome.upper()}{reason} "
        f"by {_who(entry)}{detail}"
    )


async def _recent(settings: Settings, limit: int) -> list[audit.AuditEntry]:
    async with open_existing(settings) as db, db.read() as conn:
        return await audit.recent(conn, limit)


@dataclass(frozen=True)
class Verification:
    check: audit.ChainCheck
    head: audit.Head
    head_problem: str | None  # why the expected head is not in the trail


async def _verify(settings: Settings, expected: audit.Head | None) -> Verification:
    async with open_existing(settings) as db, db.read() as conn:
        check = await audit.verify_chain(conn)
        head = await audit.head(conn)
        problem = await audit.find_head(conn, expected) if expected is not None else None
    return Verification(check, head, problem)


async def _head(settings: Settings) -> audit.Head:
    async with open_existing(settings) as db, db.read() as conn:
        return await audit.head(conn)


def _expected_head(text: str | None) -> audit.Head | None:
    if text is None:
        return None
    try:
        return audit.Head.parse(text)
    except ValueError as exc:
        fail(f"invalid --expect-head: {exc}", 2)


@click.group("audit", invoke_without_command=True)
@db_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@json_option
@click.option("--verify", is_flag=True, help="Check the hash chain (exit 1 at the first bad row).")
@utc_option
@click.option(
    "--expect-head",
    "expect_head",
    metavar="ID:HASH",
    help="With --verify: fail unless the trail holds this head (from `pressbox audit head`).",
)
@click.pass_context
def audit_command(
    ctx: click.Context,
    limit: int,
    as_json: bool,
    verify: bool,
    utc: bool,
    expect_head: str | None,
) -> None:
    """The audit trail of break-glass attempts, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    expected = _expected_head(expect_head)
    if expected is not None and not verify:
        fail("--expect-head is checked by --verify: add --verify", 2)
    settings = existing_database(ctx)
    if verify:
        _report_verification(run_async(lambda: _verify(settings, expected)), expected, as_json)
        return
    entries = run_async(lambda: _recent(settings, limit))
    if as_json:
        echo_json([asdict(e) for e in entries])
        return
    if not entries:
        echo_text("audit trail is empty")
    tz = display_zone(settings.pipeline.timezone, utc=utc)
    for entry in entries:
        echo_text(_line(entry, tz))


def _report_verification(result: Verification, expected: audit.Head | None, as_json: bool) -> None:
    check = result.check
    if as_json:
        echo_json(
            {
                **asdict(check),
                "head_id": result.head.id,
                "head_hash": result.head.hash if result.head.id else None,
                "expected_head": str(expected) if expected is not None else None,
                "expected_head_found": None if expected is None else result.head_problem is None,
            }
        )
    if not check.ok:
        fail(
            f"audit trail broken at row {check.first_broken_id}: {check.problem} "
            f"({check.checked} rows before it are intact)",
            1,
        )
    if result.head_problem is not None:
        fail(f"audit trail does not contain the expected head: {result.head_problem}", 1)
    if not as_json:
        witnessed = f"; contains head #{expected.id}" if expected is not None else ""
        head = result.head.hash if result.head.id else "-"
        echo_text(f"audit trail intact: {check.checked} rows{witnessed}; head hash {head}")


@audit_command.command("head")
@db_option
@json_option
@click.pass_context
def head_command(ctx: click.Context, as_json: bool) -> None:
    """The newest row's id and hash, as ID:HASH (write it down; check it with --expect-head)."""
    settings = existing_database(ctx)
    head = run_async(lambda: _head(settings))
    if as_json:
        echo_json({"id": head.id, "hash": head.hash})
    else:
        echo_text(str(head))


commands: list[click.Command] = [audit_command]
