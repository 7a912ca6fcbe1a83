"""A DataTable that is changed by key, one cell at a time, and repaints only what changed.

``DataTable.update_cell`` marks the whole table dirty, which makes the terminal
receive every visible cell again for one changed price. ``set_cell`` narrows
that repaint to the cell's own region, and ``sync`` applies a full desired state
(rows by key) as the smallest set of ``remove_row`` / ``set_cell`` / ``add_row``
calls inside one ``batch_update``. Nothing is ever cleared, so the cursor and
the scroll position stay where the operator left them.

``show`` is ``sync`` behind a view: the table keeps every row it was given and
shows those the operator's filter keeps, in the operator's sort order (by each
row's typed values, never by cell text), so a refresh keeps both and a key that
changes them moves only the rows that must move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Self

from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from app.core.sanitize import markup_field
from widgets.table_filter import Facts, RowFilter

SortValue = str | int | float | None
UP = "▲"
DOWN = "▼"
# The cursor keys of k9s and less, beside the arrows; help lists them from here.
NAVIGATION: tuple[Binding, ...] = (
    Binding(
        "j",
        "cursor_down",
        "Down",
        key_display="j k g G",
        show=False,
        tooltip="Cursor down, up, to the first row, to the last row",
    ),
    Binding("k", "cursor_up", "Up", show=False),
    Binding("g", "scroll_top", "Top", show=False),
    Binding("G", "scroll_bottom", "Bottom", show=False),
)


@dataclass(frozen=True)
class TableRow:
    """One row: its cells, the typed value of each column to sort by, what a filter reads."""

    cells: tuple[str, ...]
    sort: tuple[SortValue, ...] = ()
    facts: Facts = field(default_factory=dict)


@dataclass(frozen=True)
class SyncStats:
    added: int = 0
    removed: int = 0
    cells_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.cells_changed)


class KeyedTable(DataTable[str]):
    """Cells are markup strings (hashable, cheap to compare)."""

    BINDINGS: ClassVar[list[BindingType]] = list(NAVIGATION)

    # A class default: DataTable.__init__ sets reactives that refresh before ours runs.
    _narrow_refresh = False

    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        follow_top: bool = False,
        panel_name: str = "",
    ) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        # What the border title calls the table ("Runs"); the screen adds position and view.
        self.panel_name = panel_name
        # A feed (newest first) keeps showing its newest rows while the cursor sits on
        # the first row; anywhere else the cursor stays on the row the operator chose.
        self.follow_top = follow_top
        self.rows_given: dict[str, TableRow] = {}
        self.row_filter: RowFilter | None = None
        self.sort_column: int | None = None  # None: the order the rows were given in
        self.sort_reverse = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # Inside set_cell the base class asks for a whole-table repaint; the cell's
        # own region is refreshed right after instead.
        if self._narrow_refresh and not regions and not layout and not recompose:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # A new size makes the base class queue a whole-table repaint, but the layout
        # pass that resized the table paints all of it already, and the queued region
        # is only taken at the table's next update: one changed cell then repainted the
        # whole table (7.9 kB instead of ~200 B at 120x40, after the health panel grew).
        resized = self._size != size
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if resized:
            self._repaint_regions.clear()
        return changed

    # -- the view: filter, sort, position -----------------------------------------

    def show(self, rows: Mapping[str, TableRow]) -> SyncStats:
        """Keep ``rows`` (key -> row, in their natural order) and show the filtered, sorted view."""
        self.rows_given = dict(rows)
        return self._show_view()

    def _show_view(self) -> SyncStats:
        keys = [
            key
            for key, row in self.rows_given.items()
            if self.row_filter is None or self.row_filter.matches(row.facts)
        ]
        return self.sync({key: self.rows_given[key].cells for key in self._ordered(keys)})

    def _ordered(self, keys: list[str]) -> list[str]:
        column = self.sort_column
        if column is None:
            return keys[::-1] if self.sort_reverse else keys

        def value(key: str) -> SortValue:
            typed = self.rows_given[key].sort
            return typed[column] if column < len(typed) else None

        # Rows without a value (no price yet) stay last whichever way the sort goes;
        # Python's sort is stable either way, so equal values keep their natural order.
        present = [key for key in keys if value(key) is not None]
        missing = [key for key in keys if value(key) is None]
        present.sort(key=value, reverse=self.sort_reverse)  # type: ignore[arg-type]
        return present + missing

    def set_filter(self, row_filter: RowFilter | None) -> SyncStats:
        if row_filter is not None and not row_filter.terms:
            row_filter = None
        if row_filter == self.row_filter:
            return SyncStats()
        self.row_filter = row_filter
        return self._show_view()

    def cycle_sort(self) -> None:
        """The next column (in display order), then back to the natural order."""
        count = len(self.columns)
        if self.sort_column is None:
            self.sort_column = 0 if count else None
        elif self.sort_column + 1 < count:
            self.sort_column += 1
        else:
            self.sort_column = None
        self._show_view()

    def flip_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._show_view()

    def sort_text(self) -> str:
        """``sort EV % ▼``; empty in the natural order."""
        arrow = DOWN if self.sort_reverse else UP
        if self.sort_column is None:
            return f"order {arrow}" if self.sort_reverse else ""
        label = self.ordered_columns[self.sort_column].label.plain
        return f"sort {markup_field(label)} {arrow}"

    def position_text(self) -> str:
        """``[7/15]``: the cursor's row of the rows shown (``[0/0]`` when none are)."""
        count = self.row_count
        row = min(self.cursor_row, count - 1) + 1 if count else 0
        return f"[{row}/{count}]"

    def title_tail(self) -> str:
        """What follows a panel's name: position, the filter (rows kept of all), the sort."""
        parts = [markup_field(self.position_text())]
        if self.row_filter is not None:
            kept = f"{self.row_count} of {len(self.rows_given)}"
            parts.append(f"/{markup_field(self.row_filter.text, 40)} ({kept})")
        sort = self.sort_text()
        if sort:
            parts.append(sort)
        return " · ".join(parts)

    def set_cell(self, row_key: str, column_key: str, value: str) -> bool:
        """Change one cell if its value differs; True when it changed."""
        if self.get_cell(row_key, column_key) == value:
            return False
        self._narrow_refresh = True
        try:
            self.update_cell(row_key, column_key, value)
        finally:
            self._narrow_refresh = False
        coordinate = Coordinate(self.get_row_index(row_key), self.get_column_index(column_key))
        self.refresh_coordinate(coordinate)
        return True

    def row_keys(self) -> list[str]:
        """Keys in display order."""
        return [str(row.key.value) for row in self.ordered_rows]

    def sync(self, rows: Mapping[str, Sequence[str]]) -> SyncStats:
        """Make the table show ``rows`` (key -> cells), in the mapping's order.

        Unchanged cells are not touched; rows are reordered (by key, never by
        text) only when rows were added or removed or the order changed, keeping
        the cursor on its row.
        """
        columns = [str(c.value) for c in self.columns]
        current = set(self.row_keys())
        wanted = list(rows)
        added = removed = changed = 0
        with self.app.batch_update():
            cursor_key = self._cursor_key()
            at_top = self.follow_top and self.cursor_row == 0
            for key in current - rows.keys():
                self.remove_row(key)
                removed += 1
            for key, cells in rows.items():
                if key in current:
                    for column, value in zip(columns, cells, strict=True):
                        changed += self.set_cell(key, column, value)
                else:
                    self.add_row(*cells, key=key)
                    added += 1
            if self.row_keys() != wanted:
                order = {key: index for index, key in enumerate(wanted)}
                self._sort_by_key(order)
                if at_top:
                    self.move_cursor(row=0, animate=False)
                elif cursor_key is not None and cursor_key in order:
                    self.move_cursor(row=self.get_row_index(cursor_key), animate=False)
        if added or removed or changed:
            self._drop_stale_renders()
        return SyncStats(added, removed, changed)

    def _drop_stale_renders(self) -> None:
        """Forget the rendered cells, rows and lines of before this change.

        DataTable keys those caches by its update counter, which every change moves: the old
        entries can never be hit again, yet they stay until their LRU is full (10,000 cells
        per table), which grew a desk watching moving prices by MBs a minute (bench/soak.py).
        """
        for cache in (
            self._cell_render_cache,
            self._row_render_cache,
            self._row_renderable_cache,
            self._line_cache,
        ):
            cache.clear()

    def _sort_by_key(self, order: Mapping[str, int]) -> None:
        """Put the rows in ``order`` (key -> position), whatever their cells say.

        ``DataTable.sort`` hands its key function only a row's cells, and two rows
        may well show the same text (two identical events in one minute). So the
        positions are handed out in the order ``sort`` asks for them: it computes
        the key of each row once, in the order of ``self.rows``.
        """
        positions = iter([order[str(key.value)] for key in self.rows])
        self.sort(key=lambda _cells: next(positions))

    def _cursor_key(self) -> str | None:
        if not self.row_count or not self.is_valid_row_index(self.cursor_row):
            return None
        key: RowKey = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        return str(key.value)
