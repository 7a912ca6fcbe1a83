"""The desk's settings, loaded in a forked child while the desk imports Textual.

Loading the settings means importing pydantic-settings and validating every source:
about as long as importing Textual and the desk's modules, and independent of them. The
desk forks before those imports; the child loads the settings and sends them back over a
pipe as the plain dataclasses ``app.core.config`` defines, so the parent never imports
pydantic at all. On a machine with a second core the two run side by side.

The child is only a shortcut: whatever goes wrong with it (no ``fork``, a setting that
does not validate, a child that dies), the parent loads the settings itself, so an error
reads exactly as it does for every other command.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path

from app.core.config import Settings, load_settings

# Fork-started children are the shortcut; ``spawn`` would re-import everything and gain nothing.
_CAN_FORK = hasattr(os, "fork")


class SettingsInChild:
    """``load_settings(config_path)`` started in a child now, its result taken later."""

    def __init__(self, config_path: Path | None) -> None:
        self._config_path = config_path
        self._pid = 0
        self._reader = -1
        if not _CAN_FORK:
            return
        try:
            reader, writer = os.pipe()
        except OSError:
            return  # no descriptor to spare: the parent loads them itself
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return  # no process to spare: the same
        if pid == 0:  # pragma: no cover - the child's lines run in the child (measured below)
            os.close(reader)
            _send_and_exit(writer, config_path)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def result(self) -> Settings:
        """The child's settings; or the parent's own load when the child gave none."""
        sent = self._receive()
        if isinstance(sent, Settings):
            return sent
        return load_settings(self._config_path)

    def _receive(self) -> object:
        if self._pid == 0:
            return None
        chunks = []
        try:
            while chunk := os.read(self._reader, 1 << 16):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self._reader)
            _reap(self._pid)
        if not chunks:
            return None
        try:
            # The bytes come from our own forked child, over a pipe only the two ends hold.
            return pickle.loads(b"".join(chunks))  # noqa: S301
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # already reaped (a SIGCHLD handler)
        os.waitpid(pid, 0)


def _send_and_exit(writer: int, config_path: Path | None) -> None:  # pragma: no cover
    """The child: load, send, and leave without running the parent's exit handlers."""
    sent = False
    try:
        view = memoryview(pickle.dumps(load_settings(config_path)))
        while view:
            view = view[os.write(writer, view) :]
        sent = True
    finally:
        # Also on an error: the child never prints it and never returns into the desk.
        os._exit(0 if sent else 1)
