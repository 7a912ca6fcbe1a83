"""``pressbox admin-key set [--generate]`` and ``admin-key unlock``; the hidden-input helper."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from app.cli.common import (
    db_option,
    echo_text,
    existing_database,
    fail,
    open_existing,
    run_async,
    with_settings,
)
from app.control.service import ControlResult, ControlService
from app.core.errors import ControlRefused
from app.security.admin_key import generate_admin_key
from app.storage.daemon_state import daemon_fresh_s
from app.storage.database import Database


def read_hidden(prompt: str, *, confirm: bool = False) -> str:
    """A value typed without echo (twice if ``confirm``), or one line of stdin when piped.

    Piped input is for scripts and tests: ``printf '%s\\n' "$KEY" | pressbox ...``.
    """
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            fail(f"{prompt.lower()} expected on stdin, got end of input", 2)
        return line.rstrip("\r\n")
    # default="": an empty entry comes back to us (click alone would re-ask forever), and
    # an empty entry means the operator wants out.
    while True:
        value = str(click.prompt(prompt, hide_input=True, default="", show_default=False))
        if not value:
            fail(f"no {prompt.lower()} typed; nothing changed", 2)
        if not confirm:
            return value
        again = click.prompt(f"{prompt} (again)", hide_input=True, default="", show_default=False)
        if again == value:
            return value
        click.echo("The two entries do not match; try again (an empty entry stops).")


def echo_result(result: ControlResult) -> None:
    """Done: stdout. Refused: one line on stderr and ControlRefused's exit status (4)."""
    if result.ok:
        echo_text(result.message)
    else:
        fail(result.message, ControlRefused.exit_code)


@click.group("admin-key")
def admin_key_group() -> None:
    """The admin key that guards break-glass actions (stored only as a scrypt verifier)."""


@admin_key_group.command("set")
@db_option
@click.option("--generate", is_flag=True, help="Generate a strong random key and show it once.")
@click.pass_context
def set_command(ctx: click.Context, generate: bool) -> None:
    """Set the admin key, or rotate it (rotation asks for the current key first)."""
    settings = with_settings(ctx)

    async def body() -> ControlResult:
        async with Database.from_settings(settings.db) as db:
            service = ControlService(db, settings, daemon_fresh_s=daemon_fresh_s(settings))
            old_key = None
            if await service.has_admin_key():
                old_key = read_hidden("Current admin key")
            new_key = (
                generate_admin_key() if generate else read_hidden("New admin key", confirm=True)
            )
            result = await service.set_admin_key(new_key, old_key)
            if result.ok and generate:
                echo_text("New admin key (shown once; keep it in your password manager):")
                click.echo(new_key)  # our own fresh key, shown once: nothing to clean
            return result

    echo_result(run_async(body))


def _require_owner(path: Path) -> None:
    """Only the account that owns the database (or root) may lift a lockout.

    Whoever can write the file could clear the lock by hand anyway; this makes the
    sanctioned way no wider than that, and leaves an audit row.
    """
    uid = os.geteuid()
    owner = path.stat().st_uid
    if uid not in (0, owner):
        fail(
            f"only the service account that owns {path} (uid {owner}) can unlock the admin "
            f"key; you are uid {uid}. Run it as that account, e.g. `sudo -u <service> pressbox "
            "admin-key unlock`",
            ControlRefused.exit_code,
        )


@admin_key_group.command("unlock")
@db_option
@click.option("--reason", default="", help="Why (recorded in the audit trail; required).")
@click.pass_context
def unlock_command(ctx: click.Context, reason: str) -> None:
    """Lift every admin-key lockout now (the service account only; audited)."""
    settings = existing_database(ctx)
    _require_owner(settings.db.path)

    async def body() -> ControlResult:
        async with open_existing(settings) as db:
            service = ControlService(db, settings, daemon_fresh_s=daemon_fresh_s(settings))
            return await service.unlock(reason)

    echo_result(run_async(body))


commands: list[click.Command] = [admin_key_group]
