"""Help (`?`): the keys that work in this session, and what the desk is showing."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from app.tui.formatting import legend_lines
from widgets.modal_box import ModalBox

ABOUT = (
    "The dashboard refreshes only when the database changes. "
    "▲/▼ beside a price: it moved in the last moments. ★: the game has a value bet. "
    "Relative times update once a minute."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__(id="help")
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        lines = ["[b]pressbox desk: keys[/]", ""]
        lines += [f"  [b]{key:<8}[/] {text}" for key, text in self.keys]
        lines += [*legend_lines(), "", ABOUT, "", "[dim]escape closes this help[/]"]
        with ModalBox(id="help-box"):
            yield Static("\n".join(lines), id="help-text")
