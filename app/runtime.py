"""The composition root: one place that wires a process's parts together.

``pressbox run``, ``pressbox daemon``, ``pressbox control ...`` and the desk all
need the same graph — secrets, the pipeline runner with its alert hook, the
control service with the runner and the breaker reset — built either for
production (keyring, real upstreams) or for the demo (in-memory keyring,
simulated upstreams, a known admin key). Nothing here imports Textual.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import ConfigurationError
from app.core.secrets import ODDS_API_KEY, SecretProvider
from app.storage import db_meta
from app.storage.database import Database
from app.storage.db_meta import Purpose

if TYPE_CHECKING:
    # The graph's parts are imported where it is built (``build_runtime``), so that
    # ``claim_purpose`` is cheap to call before the desk's first frame.
    from app.alerts.service import AlertService
    from app.control.service import ControlService
    from app.pipeline.runner import PipelineRunner
    from app.pipeline.scheduler import Scheduler
    from app.sources.simulated import SimulatedUpstream

# What build_runtime imports; none of it is needed before the desk's first frame.
PARTS = (
    "app.alerts.service",
    "app.control.service",
    "app.pipeline.runner",
    "app.pipeline.scheduler",
    "app.security.secret_store",
    "app.sources.simulated",
)

# The simulated Odds API accepts any non-empty key; this one is not a secret.
DEMO_ODDS_KEY = "demo-key"  # pragma: allowlist secret


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    secrets: SecretProvider
    runner: PipelineRunner
    alerts: AlertService
    control: ControlService
    upstream: SimulatedUpstream | None = None
    _runs_started: int = field(default=0, init=False, repr=False)

    @property
    def demo(self) -> bool:
        return self.upstream is not None

    def scheduler(self) -> Scheduler:
        """The daemon loop; in the demo the simulation moves before every run but the first."""
        from app.pipeline.scheduler import Scheduler

        interval = self.settings.demo.interval_s if self.demo else self.settings.pipeline.interval_s
        return Scheduler(
            self.runner,
            self.db,
            self.settings,
            self.clock,
            interval,
            before_run=self._advance_demo if self.demo else None,
        )

    async def _advance_demo(self) -> None:
        assert self.upstream is not None
        if self._runs_started:
            self.upstream.advance()
        self._runs_started += 1


def import_parts() -> None:
    """Import the graph's modules (the pipeline, httpx, keyring, alerts: the slow part).

    ``build_runtime`` imports them itself; a desk calls this first in a thread, so that
    its event loop keeps drawing while they load.
    """
    for name in PARTS:
        importlib.import_module(name)


def build_secrets(settings: Settings) -> SecretProvider:
    """The vetted OS keyring (plus the environment only with ``secrets.allow_env``)."""
    from app.security.secret_store import KeyringSecretStore

    return KeyringSecretStore(settings.secrets)


async def build_runtime(
    settings: Settings,
    db: Database,
    *,
    demo: bool,
    clock: Clock | None = None,
    secrets: SecretProvider | None = None,
    demo_steps: int = 0,
) -> Runtime:
    """Wire the parts on an open database.

    ``demo_steps`` replays the simulation that far, so that successive
    ``pressbox run --demo`` processes see prices and scores move.
    """
    from app.alerts.service import AlertService
    from app.control.service import ControlService
    from app.domain.status import Source, Trigger
    from app.pipeline.runner import PipelineRunner
    from app.resilience import quota
    from app.resilience.breaker import reset_breaker
    from app.security.secret_store import InMemorySecretStore
    from app.sources.simulated import SimulatedUpstream
    from app.storage.daemon_state import daemon_fresh_s

    clock = clock or Clock()
    await claim_purpose(db, demo=demo)
    upstream: SimulatedUpstream | None = None
    if demo:
        upstream = SimulatedUpstream(
            settings.demo.seed,
            clock,
            fault_every=settings.demo.fault_every,
            timezone=settings.pipeline.timezone,
            scripted_faults=settings.demo.scripted_faults,
        )
        if demo_steps:
            upstream.advance(demo_steps)
        secrets = secrets or InMemorySecretStore({ODDS_API_KEY: DEMO_ODDS_KEY})
    secrets = secrets or build_secrets(settings)
    alerts = AlertService(db, settings, clock, secrets)
    runner = PipelineRunner(
        db, settings, transport=upstream, secrets=secrets, clock=clock, after_run=alerts.after_run
    )

    async def reset(source: str) -> None:
        change = await reset_breaker(db, source, clock)
        if source == Source.ODDS:
            await quota.clear_hold(db, clock)
        if change is not None:
            await alerts.breaker_changed(change)

    control = ControlService(
        db,
        settings,
        daemon_fresh_s=daemon_fresh_s(settings),
        run_now=lambda: runner.run(Trigger.BREAK_GLASS, scheduled=False),
        reset_breaker_fn=reset,
        clock=clock,
        on_override=alerts.override_executed,
    )
    if demo and not await control.has_admin_key():
        await control.install_demo_key(settings.demo.admin_key)
    return Runtime(settings, db, clock, secrets, runner, alerts, control, upstream)


async def claim_purpose(db: Database, *, demo: bool) -> None:
    """Demo stays demo: the demo's key and simulated data only go to a demo database.

    An unused database is marked for what first wires a runtime on it; ``--demo`` on
    one marked (or used) for production is refused before anything is written. A
    production command may still read or act on a demo database.
    """
    async with db.write() as conn:
        mark = await db_meta.purpose(conn)
        if mark is None and await db_meta.is_unused(conn):
            await db_meta.mark(conn, Purpose.DEMO if demo else Purpose.PRODUCTION)
            return
        if demo and mark is not Purpose.DEMO:
            raise ConfigurationError(
                f"--demo refused: {db.path} was not created in demo mode, and the demo would "
                "install its public admin key and simulated games there; nothing was written",
                hint="Drop --db to use demo.db beside db.path, or point --db at a new file.",
            )
        if mark is None:
            await db_meta.mark(conn, Purpose.PRODUCTION)


def remove_database_files(path: Path) -> None:
    """Delete a database and its WAL/SHM companions (a fresh demo database)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            candidate.unlink()
