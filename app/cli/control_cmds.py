"""``pressbox control execute|override|reset-breaker``: break-glass from a terminal.

The admin key is prompted without echo (or read from stdin when piped). A
refused attempt prints one line on stderr and exits 4; ``execute`` otherwise
exits like ``pressbox run`` (0 ok, 1 failed, 2 degraded, 3 skipped; 0 when the
run was handed to the daemon).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TypeVar

import click

from app.cli.admin_cmds import echo_result, read_hidden
from app.cli.common import RUN_EXIT, db_option, echo_text, fail, run_async, with_settings
from app.control.handoff import HandoffOutcome, follow_request
from app.control.service import (
    ControlResult,
    ControlService,
    ControlStatus,
)
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.secrets import SECRET_NAMES, SecretProvider
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
        await load_masks(runtime.secrets)
        return await action(runtime.control)


async def load_masks(secrets: SecretProvider) -> None:
    """Read every configured credential so that the redactor masks it in reasons and e-mails.

    A reason is stored as typed (masked): an operator who pastes a key into
    ``--reason`` gets ``***`` in the audit trail and the alert, in every form the
    redactor knows. A credential this session cannot read (no keyring) cannot be
    pasted from it either; the action goes on.
    """
    for name in SECRET_NAMES:
        with suppress(PressboxError):
            await secrets.get(name)


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
        echo_text(f"{result.message}; waiting for the daemon's run...")
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
        echo_text(f"run {run.id} {run.outcome} (by the daemon, {request}){why}")
        return RUN_EXIT.get(run.outcome, 1)
    if handoff.finished:
        fail(f"{request} ended {handoff.request_status} without a run; see `pressbox runs`", 1)
    echo_text(
        f"{request} is still {handoff.request_status} after security.handoff_wait_s; "
        "follow it with `pressbox runs`"
    )
    return 0


TargetAction = Callable[[ControlService, str, str, str], Awaitable[ControlResult]]


def _target_command(name: str, choices: list[str], act: TargetAction, doc: str) -> click.Command:
    """``control NAME TARGET --reason``: ``act(service, target, admin key, reason)``, reported."""

    @control_group.command(name, help=doc)
    @db_option
    @click.argument("target", type=click.Choice(choices))
    @reason_option
    @click.pass_context
    def command(ctx: click.Context, target: str, reason: str) -> None:
        settings = with_settings(ctx)

        def act_on(svc: ControlService) -> Awaitable[ControlResult]:
            return act(svc, target, read_hidden("Admin key"), reason)

        result = run_async(lambda: _control(settings, act_on))
        if result.status is ControlStatus.FAILED:
            fail(result.message, 1)
        echo_result(result)

    return command


override_command = _target_command(
    "override",
    [m.value for m in Mode],
    ControlService.override,
    "Set the system mode: auto, paused or halted (a reason is required).",
)
reset_breaker_command = _target_command(
    "reset-breaker",
    [source.value for source in SOURCES],
    ControlService.reset_breaker,
    "Close a source's circuit breaker so the next run calls it again (a reason is required).",
)


commands: list[click.Command] = [control_group]
