"""Counts repaints: every ``Widget.refresh`` call per widget id, whole or by region."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from app.tui.poller import ChangePoller
from tests.support.pilot_wait import wait_for


class RefreshCounter:
    """Counts Widget.refresh calls per widget id; 'whole' ones repaint the full widget."""

    def __init__(self) -> None:
        self.whole: Counter[str] = Counter()
        self.regions: Counter[str] = Counter()
        self.active = False

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = Widget.refresh
        counter = self

        def counting(widget: Widget, *regions: Any, **kwargs: Any) -> Any:
            if counter.active:
                name = widget.id or type(widget).__name__
                (counter.regions if regions else counter.whole)[name] += 1
            return original(widget, *regions, **kwargs)

        monkeypatch.setattr(Widget, "refresh", counting)

    def reset(self) -> None:
        self.whole.clear()
        self.regions.clear()

    async def watch_polls(
        self, pilot: Pilot[Any], poller: ChangePoller[Any], polls: int = 20
    ) -> None:
        """Count repaints while ``poller`` makes ``polls`` more checks (the idle budget)."""
        checks = poller.checks
        self.active = True
        await wait_for(pilot, lambda: poller.checks >= checks + polls)
        self.active = False
