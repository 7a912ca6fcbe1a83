"""Real pressbox processes on one database: the demo daemon and desks in pseudo-terminals.

Used by the failure drills (tests/drills) and the soak (bench/soak.py). Every process
starts in its own session, so a signal reaches it alone; desks get a pty of a fixed size
whose output is drained (and kept for inspection) so the desk never blocks on a full
terminal.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

# The symptom the drills count: any of these in any process's output or log.
LOCKED_WORDS = ("database is locked", "is busy")


def pressbox_bin() -> str:
    return str(Path(sys.executable).parent / "pressbox")


def demo_env(state_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fleet process: its own XDG dirs (logs land in state_dir)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PRESSBOX_")}
    env.update(
        XDG_CONFIG_HOME=str(state_dir / "config"),
        XDG_DATA_HOME=str(state_dir / "data"),
        XDG_STATE_HOME=str(state_dir / "state"),
        TERM="xterm-256color",
        PRESSBOX_DEMO__FAULT_EVERY="0",
    )
    env.update(extra)
    return env


def start_daemon(db: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [pressbox_bin(), "daemon", "--demo", "--db", str(db)],
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@dataclass
class Desk:
    """A desk in a pty; ``screen`` keeps everything it drew (bounded to the last MB)."""

    process: subprocess.Popen[bytes]
    master: int
    size: tuple[int, int]
    screen: bytearray = field(default_factory=bytearray)

    def drain(self, seconds: float = 0.0) -> None:
        deadline = time.monotonic() + seconds
        while True:
            left = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                if time.monotonic() >= deadline:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen += chunk
            del self.screen[: max(0, len(self.screen) - 1_000_000)]

    def redraw_latency(self, timeout_s: float = 10.0) -> float | None:
        """Seconds from a terminal resize (SIGWINCH) to the desk's first redraw bytes.

        The resize is handled on the desk's event loop, so this is the loop's lag plus one
        repaint. None when the desk did not answer within ``timeout_s``.
        """
        self.drain(0.0)
        rows, cols = self.size
        self.size = (rows, cols + 1 if cols % 2 == 0 else cols - 1)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", *self.size, 0, 0))
        started = time.monotonic()
        os.kill(self.process.pid, signal.SIGWINCH)
        ready, _, _ = select.select([self.master], [], [], timeout_s)
        if not ready:
            return None
        latency = time.monotonic() - started
        self.drain(0.2)
        return latency

    def close(self) -> None:
        stop(self.process)
        os.close(self.master)


def start_desk(db: Path, env: Mapping[str, str], size: tuple[int, int] = (40, 140)) -> Desk:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    process = subprocess.Popen(
        [pressbox_bin(), "--demo", "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(env),
        start_new_session=True,
    )
    os.close(slave)
    return Desk(process, master, size)


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout_s: float = 20) -> int:
    """SIGTERM, then SIGKILL if it does not go; its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait(timeout=timeout_s)


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read with a plain sqlite3 connection (read-only; a missing table reads as no rows)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "unable to open" in str(exc):
            return []
        raise


def scalar(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    found = rows(db, sql, params)
    return int(found[0][0]) if found and found[0][0] is not None else 0  # type: ignore[call-overload]


def wait_for(predicate: Callable[[], bool], timeout_s: float = 60.0, what: str = "it") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout_s:g} s")


def log_text(state_dir: Path) -> str:
    """Every pressbox log file the fleet wrote (rotated ones too)."""
    logs = sorted((state_dir / "state").rglob("*.log*"))
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
