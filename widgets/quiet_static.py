"""A Static that repaints only when its text really changes.

``Static.update`` always repaints; an idle desk must send nothing, so every
panel line goes through ``show`` which compares first.
"""

from __future__ import annotations

from textual.widgets import Static


class QuietStatic(Static):
    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(text, id=id, classes=classes)
        self._shown = text

    @property
    def shown(self) -> str:
        return self._shown

    def show(self, text: str) -> bool:
        """Display ``text`` (markup); False when it was already shown."""
        if text == self._shown:
            return False
        self._shown = text
        self.update(text)
        return True
