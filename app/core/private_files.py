"""Files the program creates are owner-only: 0600 files, 0700 directories, set at creation.

The mode is handed to ``open(2)`` / ``mkdir(2)`` themselves, so a file is never
readable by others for a moment (a chmod afterwards would leave that moment,
and a umask of 022 would widen a default mode).
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def private_opener(path: str, flags: int) -> int:
    """``open(..., opener=private_opener)``: a new file is created 0600 whatever the umask."""
    return os.open(path, flags, PRIVATE_FILE)


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) with the leaf owner-only; an existing one is kept."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file 0600 in a 0700 directory; an existing file is left as it is."""
    private_dir(path.parent)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def exposure_warnings(db_path: Path) -> list[str]:
    """One line for each of the database, its -wal/-shm and its directory open to others."""
    found = []
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), db_path.parent):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & _OTHERS:
            want = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
            found.append(
                f"{path} is readable by other users (mode {mode:04o}); "
                f"`chmod {want:o} {path}` and check who copied it"
            )
    return found
