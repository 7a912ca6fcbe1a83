"""A desk on a database holding a day of runs (``trend_seed``), for Pilot and snapshot tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.clock import FixedClock
from app.core.config import Settings, load_settings
from app.storage.database import Database
from app.storage.read.checklist_models import KeyringCheck
from app.storage.read.desk_data import StoredDeskData
from app.tui.app import PressboxApp
from tests.support.desk_seed import NOW
from tests.support.trend_seed import configure, seed_day

CRYPTFILE_OK = KeyringCheck(
    True, "keyrings.cryptfile.cryptfile.CryptFileKeyring", "encrypts at rest in keyring.cfg"
)
RESERVE = 100  # of the 500 credits left: 400 to spend
NO_KEYRING = KeyringCheck(
    False,
    "keyring.backends.fail.Keyring",
    "no keyring backend is available",
    "PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring pressbox secrets init"
    "  (see docs/headless-keyring.md)",
)


def fixed_keyring(check: KeyringCheck) -> Any:
    async def probe() -> KeyringCheck:
        return check

    return probe


async def prepared_settings(home: Path, *, day: bool, configured: bool) -> Settings:
    """Settings on a fresh database file under ``home``: empty, or a day of runs, configured."""
    home.mkdir(mode=0o700, exist_ok=True)
    path = home / "trends.db"
    async with Database(path) as db:
        if day:
            await seed_day(db)
        if configured:
            await configure(db)
    return load_settings(
        dotenv_path=None,
        db={"path": path},
        dashboard={"poll_interval_s": 0.05},
        quota={"reserve_credits": RESERVE},
    )


def trend_desk(
    settings: Settings, *, keyring: KeyringCheck = CRYPTFILE_OK, **kwargs: Any
) -> PressboxApp:
    # A closed Database: the app opens it on its own event loop and closes it on exit.
    data = StoredDeskData(Database(settings.db.path), keyring=fixed_keyring(keyring))
    return PressboxApp(settings, data, clock=FixedClock(NOW), **kwargs)
