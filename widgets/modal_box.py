"""A modal dialog: escape cancels it (``ModalDialog``), and its box's structure (size,
scrolling, the buttons row) lives here (``ModalBox``).

The look (border, colours) is the stylesheet's (``styles/pressbox.tcss``). The box is
never taller than the screen and scrolls its own content, and its buttons row keeps
its height, so down to 80x20 a dialog's buttons stay in view.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class ModalDialog(ModalScreen["ResultT | None"], Generic[ResultT]):
    """Escape cancels: dismissed with None, unless a dialog says what cancel answers."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ModalBox(Vertical):
    DEFAULT_CSS = """
    ModalBox {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        overflow-y: auto;
    }
    ModalBox Input, ModalBox Select { margin: 0; }
    ModalBox > Horizontal { height: auto; align-horizontal: right; }
    ModalBox > Horizontal > Button { margin-left: 1; }
    """
