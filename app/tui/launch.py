"""Build the desk as ``pressbox`` runs it; the composition root (``app.cli.desk``) runs it."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import Clock
from app.core.config import Settings
from app.tui.actions import ControlActions
from app.tui.app import Background, PressboxApp
from app.tui.data import DeskData


@dataclass(frozen=True)
class DeskParts:
    """What the launcher wires around the desk once its database is open."""

    control: ControlActions | None = None
    background: Background | None = None
    notices: tuple[str, ...] = ()


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
) -> PressboxApp:
    """The desk as ``pressbox`` runs it: terminal guards on, what is missing on the banner."""
    return PressboxApp(
        settings,
        data,
        clock=clock,
        demo=demo,
        control=control,
        background=background,
        notices=desk_notices(control, read_only=settings.dashboard.read_only) + notices,
        watch_terminal=True,
        exit_grace_s=settings.dashboard.exit_grace_s,
        # The demo is configured (its own admin key, in-memory secrets): no checklist.
        first_run_check=not demo,
    )
