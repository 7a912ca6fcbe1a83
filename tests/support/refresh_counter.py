"""Counts repaints: every ``Widget.refresh`` call per widget id, whole or by region."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.widget import Widget


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
