"""The one-line find bar (`/`): what the operator types, and beside it what the table knows.

Hidden until opened; while open the screen applies the text as it is typed
(``Input.Changed``), Enter keeps the filter and closes the bar, escape clears it
and closes the bar (the screen's binding). The cursor does not blink: a blinking
cursor writes to the terminal every half second even when nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input

from app.core.sanitize import markup_field
from widgets.keyed_table import KeyedTable
from widgets.quiet_static import QuietStatic
from widgets.table_filter import FilterError, RowFilter


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; display: none; }
    FilterBar.-open { display: block; }
    FilterBar > Input { border: none; height: 1; padding: 0 1; width: 1fr; }
    FilterBar > QuietStatic { width: auto; max-width: 60%; padding: 0 1; text-wrap: nowrap; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: str | None = None  # the id of the table being filtered

    def compose(self) -> ComposeResult:
        yield Input(id=f"{self.id}-input", compact=True)
        yield QuietStatic(id=f"{self.id}-hint")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, target: str, text: str, hint: str) -> None:
        """Show the bar for ``target``'s filter (its current text) and focus the input."""
        self.target = target
        field = self.input
        field.cursor_blink = False
        field.placeholder = f"find in {target}"
        with field.prevent(Input.Changed):
            field.value = text
        self.show_hint(hint)
        self.add_class("-open")
        # At once (``focus()`` waits for a refresh): what is typed right after `/` is the filter.
        self.screen.set_focus(field)

    def close(self) -> None:
        self.remove_class("-open")
        self.target = None

    def show_hint(self, text: str) -> None:
        self.query_one(QuietStatic).show(text)

    def apply(self, table: KeyedTable, parse: Callable[[str], RowFilter], syntax: str) -> None:
        """Filter ``table`` by the typed text; an unreadable word is said, the last filter stays."""
        try:
            row_filter = parse(self.input.value)
        except FilterError as exc:
            self.show_hint(f"[yellow]{markup_field(str(exc))}[/]")
            return
        table.set_filter(row_filter)
        self.show_hint(hint(table, syntax))


def hint(table: KeyedTable, syntax: str) -> str:
    """``2 of 15 · book: market: ev>N``: what the filter kept, and what it can read."""
    return f"[dim]{table.row_count} of {len(table.rows_given)} · {syntax}[/]"
