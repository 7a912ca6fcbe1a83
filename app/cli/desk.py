"""``pressbox`` with no command: the desk, wired through the composition root."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime

from app.core.clock import Clock
from app.core.collector import COLLECTOR
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger
from app.core.sanitize import clean_line
from app.core.secrets import ODDS_API_KEY, SecretProvider
from app.pipeline.health import desk_verdict, verdict_at
from app.storage.daemon_state import daemon_fresh_s
from app.storage.database import Database
from app.storage.read.checklist import inspect_keyring
from app.storage.read.checklist_models import KeyringCheck
from app.storage.read.rewind_data import RewindDeskData
from app.tui.actions import ControlActions
from app.tui.launch import DeskParts, desk_app

log = get_logger(__name__)

# Builds the parts on the desk's own (opened) database.
PartsFactory = Callable[[Database], Awaitable[DeskParts]]

NO_ADMIN_KEY = "no admin key set: break-glass needs `pressbox admin-key set`"
NO_ODDS_KEY = (
    "no Odds API key reachable in this session: a run started here (daemon down) would be "
    "degraded; `pressbox secrets status` says why"
)


def missing_database(settings: Settings, *, demo: bool, create: bool) -> str | None:
    """Why the desk will not open: a mistyped ``--db`` must not become a new empty database.

    The demo makes its own database; ``--create`` (or ``pressbox db migrate``) makes one
    on purpose.
    """
    path = settings.db.path
    if demo or create or path.is_file():
        return None
    return (
        f"database {path} does not exist; nothing was created. Check --db (or db.path); "
        "`pressbox --create` or `pressbox db migrate` creates one"
    )


async def demo_keyring() -> KeyringCheck:
    """The demo keeps its secrets in memory (``InMemorySecretStore``): nothing to set up."""
    return KeyringCheck(True, "in-memory (demo)", "the demo's secrets never leave the process")


async def odds_key_reachable(secrets: SecretProvider) -> bool:
    """Whether this session could call The Odds API itself (the desk needs no credential)."""
    try:
        return await secrets.get(ODDS_API_KEY) is not None
    except PressboxError:
        # No usable keyring, a locked one, or a timeout: the notice says where to look.
        return False


async def desk_parts(settings: Settings, db: Database, *, demo: bool) -> DeskParts:
    """Control actions, the demo's in-process scheduler, and what is missing."""
    if settings.dashboard.read_only and not demo:
        # No break-glass keys on a read-only desk: no control service, and so no pipeline,
        # httpx or keyring to import before the first frame.
        return DeskParts()
    from app.runtime import build_runtime, import_parts

    # Off the event loop: the desk is drawn already and keeps answering while they load.
    await asyncio.to_thread(import_parts)
    runtime = await build_runtime(settings, db, demo=demo)
    control = runtime.control
    actions = ControlActions(
        control.execute,
        control.override,
        control.reset_breaker,
        precheck=control.precheck,
        request_outcome=control.request_outcome,
    )
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


async def run_desk(
    settings: Settings,
    *,
    demo: bool,
    parts: PartsFactory | None = None,
    at: datetime | None = None,
) -> int:
    """Open the database, run the desk (its parts wired after the first frame), close it.

    ``at`` (``pressbox --at``) opens it rewound to that moment; ``w`` rewinds a live one.
    """
    db = Database.from_settings(settings.db)
    await db.open()
    try:
        if demo and parts is not None:
            # Refused before anything is drawn: the demo's key never lands in production.
            from app.runtime import claim_purpose

            await claim_purpose(db, demo=demo)

        async def wire() -> DeskParts:
            # The first frame is drawn: the collector held off for the start is back on.
            COLLECTOR.release()
            return await parts(db) if parts is not None else DeskParts()

        clock = Clock()
        data = RewindDeskData(
            db,
            verdict=desk_verdict(db, settings, clock),
            verdict_at=verdict_at(db, settings, clock),
            moment=at,
            keyring=demo_keyring if demo else inspect_keyring,
            daemon_fresh_s=daemon_fresh_s(settings),
        )
        app = desk_app(
            settings,
            data,
            demo=demo,
            wire=wire if parts is not None else None,
        )
        result = await app.run_async()
        # Textual returns None from a crash it has already printed; its return code says so.
        return app.return_code or int(result or 0)
    finally:
        await db.close()


def launch_desk(
    settings: Settings,
    *,
    demo: bool,
    parts: PartsFactory | None = None,
    at: datetime | None = None,
) -> int:
    """The ``pressbox`` command's body; returns the exit status.

    ``parts`` builds, on the desk's opened database, the control service's actions,
    for ``--demo`` the in-process scheduler on the simulated APIs, and banner
    notices about what is missing.
    """
    try:
        return asyncio.run(run_desk(settings, demo=demo, parts=parts, at=at))
    except PressboxError as exc:
        # The desk never started (or has already restored the terminal): one line, no traceback.
        log.error("desk could not start", error=exc.one_line())
        print(f"pressbox: {clean_line(exc.one_line())}", file=sys.stderr)
        return exc.exit_code


def open_desk(
    settings: Settings, *, demo: bool, fresh_demo_db: bool, at: datetime | None = None
) -> int:
    if demo and fresh_demo_db and at is None:
        from app.runtime import remove_database_files

        remove_database_files(settings.db.path)

    async def parts(db: Database) -> DeskParts:
        return await desk_parts(settings, db, demo=demo)

    return launch_desk(settings, demo=demo, parts=parts, at=at)
