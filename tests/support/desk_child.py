"""Run the desk on a seeded database inside the pseudo-terminal handed as stdin/stdout/stderr.

Used by tests/tui/test_terminal.py: ``python -m tests.support.desk_child DB_PATH``.
"""

from __future__ import annotations

import asyncio
import fcntl
import sys
import termios
from pathlib import Path

from app.core.clock import FixedClock
from app.core.config import load_settings
from app.storage.database import Database
from app.storage.read.desk_data import StoredDeskData
from app.tui.launch import desk_app
from tests.support.desk_seed import NOW, seed
from tests.support.trend_desk import CRYPTFILE_OK, fixed_keyring
from tests.support.trend_seed import configure


def main(path: Path) -> int:
    # Make the pty our controlling terminal, as an SSH session's is: its hang-up reaches us.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    async def prepare() -> None:
        async with Database(path) as db:
            await seed(db)
            await configure(db)  # an admin key: the desk opens on the dashboard, not the checklist

    asyncio.run(prepare())
    settings = load_settings(
        dotenv_path=None,
        db={"path": path},
        dashboard={"poll_interval_s": 0.2},
        logging={"dir": path.parent / "log"},
    )
    data = StoredDeskData(Database(path), keyring=fixed_keyring(CRYPTFILE_OK))
    app = desk_app(settings, data, demo=False, clock=FixedClock(NOW))
    app.run()
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
