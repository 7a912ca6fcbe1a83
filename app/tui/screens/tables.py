"""Sort, find and the position counter for every table of every screen, in one place.

A screen's tables are ``KeyedTable``s: each keeps the rows it was given with their typed
values, the operator's filter and sort, so a refresh (``show_rows``) keeps both and
repaints only the cells whose text changed. ``TableScreen`` gives the dashboard and every
sub-screen the same keys for them (``keys.TABLE_BINDINGS``): `s` sorts the focused table by
its next column, `S` flips the order, `/` opens the find bar on a table that says what it
finds (``FINDERS``), Enter keeps the filter, escape clears it (``escape_tables``). The
table's border title carries its name, the position counter, the filter and the sort.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input

from app.tui.keys import TABLE_BINDINGS, KeyHelp, binding_help
from widgets.filter_bar import FilterBar, hint
from widgets.keyed_table import NAVIGATION, KeyedTable, SyncStats, TableRow
from widgets.table_filter import RowFilter


@dataclass(frozen=True)
class Finder:
    """What `/` reads on one table: its parser and the syntax the find bar's hint lists."""

    parse: Callable[[str], RowFilter]
    syntax: str


def table_help(finders: Mapping[str, Finder] | None = None) -> tuple[KeyHelp, ...]:
    """The table keys for a screen's help; `/` with what it reads where find is offered."""
    rows = [
        row
        for row in binding_help(TABLE_BINDINGS, hidden=True)
        if finders or row[0] != TABLE_BINDINGS[0].key_display
    ]
    if finders:
        syntax = " | ".join(dict.fromkeys(f.syntax for f in finders.values()))
        rows[0] = (rows[0][0], f"Find in the table ({syntax}); escape clears it")
    return (*rows, *binding_help(NAVIGATION, hidden=True))


def retitle(widget: KeyedTable, title: str) -> None:
    """A border title that repaints only when it changes.

    Compared with the title last set, not with ``border_title``: that reads back as
    markup, which need not equal the text set, and setting it repaints the whole table.
    """
    if getattr(widget, "_shown_title", None) != title:
        widget._shown_title = title  # type: ignore[attr-defined]
        widget.border_title = title


class TableScreen(Screen[None]):
    """A screen whose ``KeyedTable``s sort and find; subclasses name the finders."""

    BINDINGS: ClassVar[list[BindingType]] = list(TABLE_BINDINGS)
    # Table id -> its find; a table not named here sorts but does not find.
    FINDERS: ClassVar[Mapping[str, Finder]] = {}
    FIND_BAR_ID: ClassVar[str] = "find"
    NO_TABLE: ClassVar[str] = "find and sort work on a table: tab to one"

    # -- hooks ---------------------------------------------------------------------

    def table_title(self, table: KeyedTable) -> str:
        """``Runs [7/15] · /outcome:failed (2 of 15) · sort Took ▼``."""
        return f"{table.panel_name} {table.title_tail()}".strip()

    def retitle_table(self, table: KeyedTable) -> None:
        retitle(table, self.table_title(table))

    def view_changed(self, table: KeyedTable) -> None:
        """After a key changed ``table``'s filter or sort (the screen may say more)."""
        self.retitle_table(table)

    # -- showing rows ----------------------------------------------------------------

    def show_rows(self, table_id: str, rows: Mapping[str, TableRow]) -> SyncStats:
        """Give ``table_id`` its rows; its filter and sort stay, unchanged cells stay."""
        table = self.query_one(f"#{table_id}", KeyedTable)
        stats = table.show(rows)
        self.retitle_table(table)
        return stats

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The position counter follows the cursor (subclasses' own handlers run too).
        if isinstance(event.data_table, KeyedTable):
            self.retitle_table(event.data_table)

    # -- which table -----------------------------------------------------------------

    @property
    def find_bar(self) -> FilterBar:
        """The screen's find bar (a screen with ``FINDERS`` has one)."""
        return self.query_one(f"#{self.FIND_BAR_ID}", FilterBar)

    def _bar(self) -> FilterBar | None:
        return next(self.query(f"#{self.FIND_BAR_ID}").results(FilterBar), None)

    def focused_table(self) -> KeyedTable | None:
        """The table the operator is on (the find bar counts as its table's)."""
        bar = self._bar()
        if bar is not None and bar.is_open and bar.target is not None:
            return self.query_one(f"#{bar.target}", KeyedTable)
        focused = self.focused
        return focused if isinstance(focused, KeyedTable) else None

    # -- the keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "find" and isinstance(self.focused, Input):
            return False  # a `/` typed into the find bar is text, not the key
        return super().check_action(action, parameters)

    def action_sort_next(self) -> None:
        self._sort(KeyedTable.cycle_sort)

    def action_sort_flip(self) -> None:
        self._sort(KeyedTable.flip_sort)

    def _sort(self, change: Callable[[KeyedTable], None]) -> None:
        table = self.focused_table()
        if table is None:
            self.notify(self.NO_TABLE, timeout=3)
            return
        change(table)
        self.view_changed(table)

    def action_find(self) -> None:
        table = self.focused_table()
        bar = self._bar()
        finder = self.FINDERS.get(table.id or "") if table is not None else None
        if table is None:
            self.notify(self.NO_TABLE, timeout=3)
            return
        if finder is None or bar is None:
            where = ", ".join(sorted(self.FINDERS)) or "no table of this screen"
            self.notify(f"find works on: {where}; s / S sort any table", timeout=3)
            return
        text = table.row_filter.text if table.row_filter is not None else ""
        bar.open(table.id or "", text, hint(table, finder.syntax))

    def on_input_changed(self, event: Input.Changed) -> None:
        bar = self._bar()
        if bar is None or event.input.id != f"{bar.id}-input" or bar.target is None:
            return
        event.stop()
        table = self.query_one(f"#{bar.target}", KeyedTable)
        finder = self.FINDERS[bar.target]
        bar.apply(table, finder.parse, finder.syntax)
        self.view_changed(table)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        bar = self._bar()
        if bar is None or event.input.id != f"{bar.id}-input":
            return
        event.stop()
        self.close_find(clear=False)

    def close_find(self, *, clear: bool) -> None:
        bar = self._bar()
        target = bar.target if bar is not None else None
        if bar is None or target is None:
            return
        bar.close()
        table = self.query_one(f"#{target}", KeyedTable)
        if clear:
            table.set_filter(None)
            self.view_changed(table)
        self.set_focus(table)

    def escape_tables(self) -> bool:
        """Escape's first jobs: close the find bar (clearing it), else clear a filter.

        True when it did one of them (escape then does nothing else).
        """
        bar = self._bar()
        if bar is not None and bar.is_open:
            self.close_find(clear=True)
            return True
        table = self.focused_table()
        if table is not None and table.row_filter is not None:
            table.set_filter(None)
            self.view_changed(table)
            return True
        return False
