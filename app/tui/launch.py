"""Build the desk as ``pressbox`` runs it; the composition root (``app.cli.desk``) runs it."""

from __future__ import annotations

from dataclasses import replace

from app.core.clock import Clock
from app.core.config import Settings
from app.tui.actions import ControlActions
from app.tui.app import Background, DeskParts, PressboxApp, Wire
from app.tui.data import DeskData

__all__ = ["DeskParts", "desk_app", "desk_notices"]


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
    data: DeskData,
    *,
    demo: bool,
    control: ControlActions | None = None,
    background: Background | None = None,
    clock: Clock | None = None,
    notices: tuple[str, ...] = (),
    wire: Wire | None = None,
) -> PressboxApp:
    """The desk as ``pressbox`` runs it: terminal guards on, what is missing on the banner.

    With ``wire``, the parts are built after the first frame is drawn (``pressbox`` itself);
    without, ``control`` and ``background`` are the desk's from the start.
    """
    read_only = settings.dashboard.read_only
    late: Wire | None = None
    if wire is not None:
        build = wire

        async def late_parts() -> DeskParts:
            parts = await build()
            missing = desk_notices(parts.control, read_only=read_only)
            return replace(parts, notices=missing + parts.notices)

        late = late_parts
    else:
        notices = desk_notices(control, read_only=read_only) + notices
    return PressboxApp(
        settings,
        data,
        clock=clock,
        demo=demo,
        control=control,
        background=background,
        notices=notices,
        watch_terminal=True,
        exit_grace_s=settings.dashboard.exit_grace_s,
        wire=late,
        # The demo is configured (its own admin key, in-memory secrets): no checklist.
        first_run_check=not demo,
    )
