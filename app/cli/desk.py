"""``pressbox`` with no command: the desk, wired through the composition root."""

from __future__ import annotations

import asyncio

from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.secrets import ODDS_API_KEY, SecretProvider
from app.runtime import build_runtime, remove_database_files
from app.storage.database import Database
from app.tui.actions import ControlActions
from app.tui.launch import DeskParts, launch_desk

NO_ADMIN_KEY = "no admin key set: break-glass needs `pressbox admin-key set`"
NO_ODDS_KEY = (
    "no Odds API key reachable in this session: a run started here (daemon down) would be "
    "degraded; `pressbox secrets status` says why"
)


async def odds_key_reachable(secrets: SecretProvider) -> bool:
    """Whether this session could call The Odds API itself (the desk needs no credential)."""
    try:
        return await secrets.get(ODDS_API_KEY) is not None
    except PressboxError:
        # No usable keyring, a locked one, or a timeout: the notice says where to look.
        return False


async def desk_parts(settings: Settings, db: Database, *, demo: bool) -> DeskParts:
    """Control actions, the demo's in-process scheduler, and what is missing."""
    runtime = await build_runtime(settings, db, demo=demo)
    control = runtime.control
    actions = ControlActions(control.execute, control.override, control.reset_breaker)
    notices: tuple[str, ...] = ()
    if not settings.dashboard.read_only:
        if not await control.has_admin_key():
            notices += (NO_ADMIN_KEY,)
        if not demo and not await odds_key_reachable(runtime.secrets):
            notices += (NO_ODDS_KEY,)
    background = None
    if demo:
        scheduler = runtime.scheduler()

        async def serve() -> None:
            # Cancelled by the desk on exit; the lease and transactions make that safe.
            await scheduler.serve(asyncio.Event())

        background = serve
    return DeskParts(control=actions, background=background, notices=notices)


def open_desk(settings: Settings, *, demo: bool, fresh_demo_db: bool) -> int:
    if demo and fresh_demo_db:
        remove_database_files(settings.db.path)

    async def parts(db: Database) -> DeskParts:
        return await desk_parts(settings, db, demo=demo)

    return launch_desk(settings, demo=demo, parts=parts)
