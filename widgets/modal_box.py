"""The box of a modal dialog: its structure (size, scrolling, the buttons row) lives here.

The look (border, colours) is the stylesheet's (``styles/pressbox.tcss``). The box is
never taller than the screen and scrolls its own content, and its buttons row keeps
its height, so down to 80x20 a dialog's buttons stay in view.
"""

from __future__ import annotations

from textual.containers import Vertical


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
