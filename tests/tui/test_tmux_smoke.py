"""The desk as a new user meets it: `pressbox --demo` in tmux: look, press keys, quit."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
PRESSBOX = str(Path(sys.executable).parent / "pressbox")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)"),
]


def tmux(*args: str) -> str:
    assert TMUX is not None
    result = subprocess.run([TMUX, *args], capture_output=True, text=True, check=False)
    return result.stdout


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name = f"pressbox-smoke-{tmp_path.name}"
    socket = str(tmp_path / "tmux.sock")
    env = (
        f"env HOME={tmp_path} XDG_DATA_HOME={tmp_path / 'data'} "
        f"XDG_STATE_HOME={tmp_path / 'state'} XDG_CONFIG_HOME={tmp_path / 'config'} "
        "PRESSBOX_DEMO__INTERVAL_S=1 TERM=xterm-256color"
    )
    # remain-on-exit keeps the pane after the desk quits, so its exit status can be read.
    tmux(
        "-S",
        socket,
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        "80",
        "-y",
        "24",
        f"{env} {PRESSBOX} --demo; echo EXIT=$?; sleep 30",
    )
    try:
        yield socket, tmp_path
    finally:
        tmux("-S", socket, "kill-server")


def wait_screen(socket: str, condition: Callable[[str], bool], timeout: float = 40.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("-S", socket, "capture-pane", "-p")
        if condition(screen):
            return screen
        time.sleep(0.3)
    raise AssertionError(f"screen never matched; last screen:\n{screen}")


def test_new_user_runs_the_demo_looks_presses_keys_and_quits(
    session: tuple[str, Path],
) -> None:
    socket, home = session
    screen = wait_screen(socket, lambda s: "DEMO" in s and "@" in s and "Run #" in s)
    assert "admin key: demo-admin-key-not-secret" in screen
    assert "Today's games" in screen and "Pipeline health" in screen
    assert "X Run now" in screen and "q Quit" in screen
    assert "Traceback" not in screen

    tmux("-S", socket, "send-keys", "?")
    wait_screen(socket, lambda s: "Break-glass" in s or "break-glass" in s)
    tmux("-S", socket, "send-keys", "Escape")
    wait_screen(socket, lambda s: "Today's games" in s)

    tmux("-S", socket, "send-keys", "r")
    wait_screen(socket, lambda s: "Run history" in s)
    tmux("-S", socket, "send-keys", "Escape")
    wait_screen(socket, lambda s: "Today's games" in s)

    tmux("-S", socket, "send-keys", "q")
    final = wait_screen(socket, lambda s: "EXIT=" in s, timeout=15)
    assert "EXIT=0" in final
    assert "Traceback" not in final
    # Logs went to the file, not the terminal.
    assert list((home / "state" / "pressbox").glob("pressbox.log*"))


def test_a_burst_of_reason_tab_key_never_shows_the_key(session: tuple[str, Path]) -> None:
    """A laggy link or an auto-typer delivers reason, Tab and key in one write."""
    socket, _home = session
    typed_key = "Zq7burstTypedKeyXy"  # pragma: allowlist secret
    wait_screen(socket, lambda s: "DEMO" in s and "Run #" in s)
    tmux("-S", socket, "send-keys", "X")
    wait_screen(socket, lambda s: "Reason (optional)" in s)
    time.sleep(1.0)  # the modal's precheck (a read) lets Reason take keys
    tmux("-S", socket, "send-keys", "Tab")  # from Cancel to Reason, one explicit step
    time.sleep(0.5)
    tmux("-S", socket, "send-keys", "-l", f"feed lagging\t{typed_key}")
    screen = wait_screen(socket, lambda s: "Tab does not leave" in s)
    assert "feed lagging" in screen
    time.sleep(1.0)  # anything still arriving would land now
    screens = [tmux("-S", socket, "capture-pane", "-p")]
    tmux("-S", socket, "send-keys", "-l", f"\r{typed_key}\r")  # the newline burst, too
    # The second Enter submits the burst's key, so the hint can already have made way for the
    # refusal by the time the pane is read; either screen proves the key left Reason unseen.
    screens.append(
        wait_screen(socket, lambda s: "Now type the admin key" in s or "wrong admin key" in s)
    )
    time.sleep(1.0)
    screens.append(tmux("-S", socket, "capture-pane", "-p"))
    for seen in screens:
        assert typed_key not in seen and typed_key[:6] not in seen
        assert "Traceback" not in seen
    tmux("-S", socket, "send-keys", "Escape")
    wait_screen(socket, lambda s: "Today's games" in s)
    tmux("-S", socket, "send-keys", "q")
    assert "EXIT=0" in wait_screen(socket, lambda s: "EXIT=" in s, timeout=15)
