"""Terminal hygiene: a dropped session (hang-up) or SIGTERM ends the desk cleanly within seconds."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_desk(tmp_path: Path, module: str = "desk_child") -> tuple[subprocess.Popen[bytes], int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", f"tests.support.{module}", str(tmp_path / "desk.db")],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    return process, master


def read_until(master: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"desk never showed {needle!r}")
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


@pytest.mark.integration
def test_a_dropped_terminal_ends_the_desk(tmp_path: Path) -> None:
    process, master = start_desk(tmp_path)
    try:
        read_until(master, b"NYY @ BOS", timeout=30)
        os.close(master)  # the SSH connection drops: the kernel hangs up the terminal
        # Within seconds and by its own hand (a negative status would mean killed by the
        # signal); with nowhere left to draw, a late write error may end it with status 1.
        assert process.wait(timeout=10) in (0, 1)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.integration
def test_sigterm_ends_the_desk_and_restores_the_terminal(tmp_path: Path) -> None:
    process, master = start_desk(tmp_path)
    try:
        read_until(master, b"NYY @ BOS", timeout=30)
        process.send_signal(signal.SIGTERM)
        # Leaving the alternate screen is the sign that Textual shut down, not a kill.
        read_until(master, b"\x1b[?1049l", timeout=10)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
