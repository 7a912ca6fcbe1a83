"""The cyclic garbage collector, held off while a command starts.

Start-up allocates almost nothing but long-lived objects (modules, classes, the settings,
the desk's widgets), and the collector walked them again and again: 60-90 ms of the desk's
first frame (bench/startup.py). ``hold`` turns it off for the start; ``release`` freezes what
the start built (moved out of every later collection, as it lives to the end anyway) and
turns the collector on again: for a command as it runs, for the desk once its first frame
is drawn.
"""

from __future__ import annotations

import gc


class StartupCollector:
    """Holds the collector off for a start and gives it back once."""

    def __init__(self) -> None:
        self._held = False

    def hold(self) -> None:
        """The collector off until ``release`` (nothing to undo where it was off already)."""
        if gc.isenabled():
            gc.disable()
            self._held = True

    def release(self) -> None:
        """The collector on again, what the start built frozen; only undoes ``hold``."""
        if self._held:
            self._held = False
            gc.freeze()
            gc.enable()


COLLECTOR = StartupCollector()
