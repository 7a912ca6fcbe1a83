"""Start the desk: open the database, build the app, run it, always close the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger
from app.storage.database import Database
from app.tui.actions import ControlActions
from app.tui.app import Background, PressboxApp

log = get_logger(__name__)

# Builds the control actions on the desk's own (opened) database.
ControlFactory = Callable[[Database], ControlActions]


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
    )


async def run_desk(
    settings: Settings,
    *,
    demo: bool,
    control: ControlFactory | None = None,
    background: Background | None = None,
    notices: tuple[str, ...] = (),
) -> int:
    db = Database(settings.db.path, busy_timeout_ms=settings.db.busy_timeout_ms)
    await db.open()
    try:
        actions = control(db) if control is not None else None
        app = desk_app(
            settings, db, demo=demo, control=actions, background=background, notices=notices
        )
        result = await app.run_async()
        return int(result or 0)
    finally:
        await db.close()


def launch_desk(
    settings: Settings,
    *,
    demo: bool,
    control: ControlFactory | None = None,
    background: Background | None = None,
    notices: tuple[str, ...] = (),
) -> int:
    """The ``pressbox`` command's body; returns the exit status.

    ``control`` and ``background`` are filled by the CLI: a factory that builds
    the control service on the desk's database and returns its actions
    (``ControlActions(service.execute, service.override, service.reset_breaker)``),
    and for ``--demo`` ``app.tui.demo.demo_background(settings)``. ``notices`` are
    extra banner lines about what is missing (e.g. no admin key set yet).
    """
    try:
        return asyncio.run(
            run_desk(settings, demo=demo, control=control, background=background, notices=notices)
        )
    except PressboxError as exc:
        # The desk never started (or has already restored the terminal): one line, no traceback.
        log.error("desk could not start", error=exc.one_line())
        print(f"pressbox: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
