"""Records the regions each widget hands the compositor: exactly what reaches the terminal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import pytest
from textual.geometry import Region
from textual.widget import Widget


class RepaintLog:
    """The regions each widget hands the compositor while ``active``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.regions: defaultdict[str, list[Region]] = defaultdict(list)
        self.active = False
        original = Widget._exchange_repaint_regions
        log = self

        def exchange(widget: Widget) -> Collection[Region]:
            regions = original(widget)
            if log.active and regions:
                log.regions[widget.id or type(widget).__name__].extend(regions)
            return regions

        monkeypatch.setattr(Widget, "_exchange_repaint_regions", exchange)
