"""``pressbox control execute|override|reset-breaker``: break-glass from a terminal.

The admin key is prompted without echo (or read from stdin when piped). A
refused attempt prints one line on stderr and exits 4; ``execute`` otherwise
exits like ``pressbox run`` (0 ok, 1 failed, 2 degraded, 3 skipped; 0 when the
run was handed to the daemon).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from app.cli.admin_cmds import echo_result, read_hidden
from app.cli.common import RUN_EXIT, db_option, fail, run_async, with_settings
from app.control.handoff import HandoffOutcome, follow_request
from app.control.service import (
    ControlResult,
    ControlService,
    ControlStatus,
)
from app.core.config import Settings
from app.domain.status import SOURCES, Mode
from app.storage.database import Database

T = TypeVar("T")

reason_option = click.option(
    "--reason", default="", help="Why (recorded in the audit trail; required for override/reset)."
)


@click.group("control")
def control_group() -> None:
    """Break-glass actions (admin key, reason, rate limit, audit trail)."""


async def _control(settings: Settings, action: Callable[[ControlService], Awaitable[T]]) -> T:
    """Open the database, wire the control service (runner, breaker reset, alerts), act."""
    async with Database.from_settings(settings.db) as db:
        # Imported here: the pipeline (and httpx) is only needed when a control action runs.
        from app.runtime import build_runtime

        runtime = await build_runtime(settings, db, demo=False)
        return await action(runtime.control)


@control_group.command("execute")
@db_option
@reason_option
@click.pass_context
def execute_command(ctx: click.Context, reason: str) -> None:
    """Run the pipeline now (allowed in auto and paused, refused while halted)."""
    settings = with_settings(ctx)

    async def execute(svc: ControlService) -> tuple[ControlResult, HandoffOutcome | None]:
        result = await svc.execute(read_hidden("Admin key"), reason)
        if result.request_id is None or settings.security.handoff_wait_s == 0:
            return result, None
        click.echo(f"{result.message}; waiting for the daemon's run...")
        handoff = await follow_request(
            svc.db,
            result.request_id,
            timeout_s=settings.security.handoff_wait_s,
            poll_s=settings.dashboard.poll_interval_s,
        )
        return result, handoff

    result, handoff = run_async(lambda: _control(settings, execute))
    if result.status is ControlStatus.FAILED:
        fail(result.message, 1)
    if handoff is not None:
        ctx.exit(_report_handoff(result, handoff))
    echo_result(result)
    if result.run_outcome is not None:
        ctx.exit(RUN_EXIT.get(result.run_outcome, 1))


def _report_handoff(result: ControlResult, handoff: HandoffOutcome) -> int:
    """The daemon's run, as `pressbox run` would report it; 0 while it is still queued."""
    request = f"request #{result.request_id}"
    if handoff.run is not None and handoff.finished:
        run = handoff.run
        why = f" ({run.reason})" if run.reason else ""
        click.echo(f"run {run.id} {run.outcome} (by the daemon, {request}){why}")
        return RUN_EXIT.get(run.outcome, 1)
    if handoff.finished:
        fail(f"{request} ended {handoff.request_status} without a run; see `pressbox runs`", 1)
    click.echo(
        f"{request} is still {handoff.request_status} after security.handoff_wait_s; "
        "follow it with `pressbox runs`"
    )
    return 0


@control_group.command("override")
@db_option
@click.argument("mode", type=click.Choice([m.value for m in Mode]))
@reason_option
@click.pass_context
def override_command(ctx: click.Context, mode: str, reason: str) -> None:
    """Set the system mode: auto, paused or halted (a reason is required)."""
    settings = with_settings(ctx)

    echo_result(
        run_async(
            lambda: _control(
                settings, lambda svc: svc.override(mode, read_hidden("Admin key"), reason)
            )
        )
    )


@control_group.command("reset-breaker")
@db_option
@click.argument("source", type=click.Choice([source.value for source in SOURCES]))
@reason_option
@click.pass_context
def reset_breaker_command(ctx: click.Context, source: str, reason: str) -> None:
    """Close a source's circuit breaker so the next run calls it again (a reason is required)."""
    settings = with_settings(ctx)

    def reset(svc: ControlService) -> Awaitable[ControlResult]:
        return svc.reset_breaker(source, read_hidden("Admin key"), reason)

    result = run_async(lambda: _control(settings, reset))
    if result.status is ControlStatus.FAILED:
        fail(result.message, 1)
    echo_result(result)


commands: list[click.Command] = [control_group]
