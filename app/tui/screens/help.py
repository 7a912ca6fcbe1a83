"""Help (`?`): the keys of the screen it was opened on first, then the desk's, then the rest."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.tui.formatting import legend_lines
from app.tui.keys import KeyHelp
from widgets.modal_box import ModalBox

ABOUT = (
    "The desk and its screens refresh only when the database changes; `f` freezes a "
    "screen (as of shows when it was read). ▲/▼ beside a price: it moved in the last "
    "moments. ★: the game has a value bet. Times are local, labelled with their zone; "
    "`T` switches relative and absolute times."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def __init__(self, title: str, sections: Sequence[tuple[str, Sequence[KeyHelp]]]) -> None:
        super().__init__(id="help")
        self.title_text = title
        self.sections = [(name, list(rows)) for name, rows in sections if rows]

    @property
    def keys(self) -> list[KeyHelp]:
        """Every key listed, in the order shown (this screen's first)."""
        return [row for _, rows in self.sections for row in rows]

    def compose(self) -> ComposeResult:
        lines = [f"[b]Help: {escape(self.title_text)}[/]"]
        for name, rows in self.sections:
            lines += ["", f"[b]{escape(name)}[/]"]
            lines += [f"  [b]{escape(key):<8}[/] {escape(text)}" for key, text in rows]
        lines += [*legend_lines(), "", ABOUT, "", "[dim]escape closes this help[/]"]
        with ModalBox(id="help-box"):
            yield Static("\n".join(lines), id="help-text")
