"""Open the desk through ``launch_desk`` and make it die while composing; exit with its status.

Used by test_hostile_markup.py: ``python desk_crash_child.py DB_PATH``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from app.cli.desk import launch_desk
from app.core.config import load_settings
from app.tui.app import PressboxApp


def _die(self: PressboxApp) -> Any:
    raise RuntimeError("the desk died while composing")


def main(path: Path) -> int:
    settings = load_settings(dotenv_path=None, db={"path": path}, logging={"dir": path.parent})
    PressboxApp.compose = _die  # type: ignore[method-assign,assignment]
    return launch_desk(settings, demo=False)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
