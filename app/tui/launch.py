"""Start the desk: open the database, build the app, run it, always close the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger
from app.core.sanitize import clean_line
from app.storage.database import Database
from app.tui.actions import ControlActions
from app.tui.app import Background, PressboxApp

log = get_logger(__name__)


@dataclass(frozen=True)
class DeskParts:
    """What the launcher wires around the desk once its database is open."""

    control: ControlActions | None = None
    background: Background | None = None
    notices: tuple[str, ...] = ()


# Builds the parts on the desk's own (opened) database: the CLI's composition root.
PartsFactory = Callable[[Database], Awaitable[DeskParts]]


def desk_notices(control: ControlActions | None, *, read_only: bool) -> tuple[str, ...]:
    """What is missing, said once on the banner (the desk itself needs no credentials)."""
    if read_only:
        return ()
    if control is None or (
        control.execute is None and control.override is None and control.reset_breaker is None
    ):
        return ("break-glass keys unavailable: no control service in this session",)
    return ()


def desk_app(
    settings: Settings,
    db: Database,
    *,
    demo: bool,
    control: ControlActions | None = None,
    background: Background | None = None,
    clock: Clock | None = None,
    notices: tuple[str, ...] = (),
) -> PressboxApp:
    """The desk as ``pressbox`` runs it: terminal guards on, what is missing on the banner."""
    return PressboxApp(
        settings,
        db,
        clock=clock,
        demo=demo,
        control=control,
        background=background,
        notices=desk_notices(control, read_only=settings.dashboard.read_only) + notices,
        watch_terminal=True,
        exit_grace_s=settings.dashboard.exit_grace_s,
    )


async def run_desk(settings: Settings, *, demo: bool, parts: PartsFactory | None = None) -> int:
    db = Database.from_settings(settings.db)
    await db.open()
    try:
        wired = await parts(db) if parts is not None else DeskParts()
        app = desk_app(
            settings,
            db,
            demo=demo,
            control=wired.control,
            background=wired.background,
            notices=wired.notices,
        )
        result = await app.run_async()
        # Textual returns None from a crash it has already printed; its return code says so.
        return app.return_code or int(result or 0)
    finally:
        await db.close()


def launch_desk(settings: Settings, *, demo: bool, parts: PartsFactory | None = None) -> int:
    """The ``pressbox`` command's body; returns the exit status.

    ``parts`` is filled by the CLI: it builds, on the desk's opened database, the
    control service's actions, for ``--demo`` the in-process scheduler on the
    simulated APIs, and banner notices about what is missing.
    """
    try:
        return asyncio.run(run_desk(settings, demo=demo, parts=parts))
    except PressboxError as exc:
        # The desk never started (or has already restored the terminal): one line, no traceback.
        log.error("desk could not start", error=exc.one_line())
        print(f"pressbox: {clean_line(exc.one_line())}", file=sys.stderr)
        return exc.exit_code
