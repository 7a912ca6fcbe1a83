"""What `y` copies: the selection as one plain line, sanitized, secrets masked.

The clipboard is the terminal's (Textual's ``App.copy_to_clipboard``: OSC 52, which
works over SSH), so the text is untrusted output like any other: no escape sequence
or control character (an OSC 52 payload that carried one would reach the operator's
next paste), Rich markup gone, every registered secret masked, length bounded.
A screen offers its own text (``copy_text``: the open entry or game); otherwise the
focused table's highlighted row is copied, each cell after its column's label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from rich.errors import MarkupError
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from app.core.logging import redact
from app.core.sanitize import clean_field

COPY_LIMIT = 4000
SEPARATOR = " · "
Copied = tuple[str, str]  # (what was copied, for the notice; the text)
# A screen's own `y` (the desk's is hidden from the footer): shown where copying is offered.
COPY = Binding("y", "app.copy", "Copy", tooltip="Copy the selection (terminal clipboard, OSC 52)")


@runtime_checkable
class CopySource(Protocol):
    def copy_text(self) -> Copied | None:
        """What this screen copies, or None to copy the focused table's row."""


def plain(cell: object) -> str:
    """A cell's text without its markup or styles."""
    if isinstance(cell, Text):
        return cell.plain
    text = str(cell)
    try:
        return Text.from_markup(text).plain
    except MarkupError:
        return text


def clipboard_line(parts: Iterable[str]) -> str:
    """The parts (plain text) as one clean line: no controls, secrets masked, bounded."""
    fields = (clean_field(part, COPY_LIMIT).strip() for part in parts)
    return clean_field(redact(SEPARATOR.join(f for f in fields if f)), COPY_LIMIT)


def table_row(table: DataTable[object]) -> Copied | None:
    """The highlighted row of ``table``, each cell after its column's label."""
    if not table.row_count or not table.is_valid_row_index(table.cursor_row):
        return None
    cells = table.get_row_at(table.cursor_row)
    labels = [plain(column.label) if table.show_header else "" for column in table.ordered_columns]
    parts = [
        f"{label}: {value}" if label else value
        for label, value in zip(labels, (plain(cell) for cell in cells), strict=False)
        if value
    ]
    # The panel's name, without what its border adds: "[2/7]", "(3 of 9)", "· sort …".
    title = re.split(r"\s+(?:\\?\[|\(|·)", plain(table.border_title or ""))[0].strip()
    name = title or (table.id or "table").removesuffix("-table").replace("-", " ")
    return f"the {name} row", clipboard_line(parts)


def selection(screen: Screen[object]) -> Copied | None:
    """What `y` copies on ``screen``, or None when nothing is selected."""
    if isinstance(screen, CopySource):
        own = screen.copy_text()
        if own is not None:
            return own
    focused = screen.focused
    if isinstance(focused, DataTable):
        return table_row(focused)
    return None
