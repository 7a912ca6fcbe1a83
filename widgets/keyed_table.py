"""A DataTable that is changed by key, one cell at a time, and repaints only what changed.

``DataTable.update_cell`` marks the whole table dirty, which makes the terminal
receive every visible cell again for one changed price. ``set_cell`` narrows
that repaint to the cell's own region, and ``sync`` applies a full desired state
(rows by key) as the smallest set of ``remove_row`` / ``set_cell`` / ``add_row``
calls inside one ``batch_update``. Nothing is ever cleared, so the cursor and
the scroll position stay where the operator left them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


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

    # A class default: DataTable.__init__ sets reactives that refresh before ours runs.
    _narrow_refresh = False

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, follow_top: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        # A feed (newest first) keeps showing its newest rows while the cursor sits on
        # the first row; anywhere else the cursor stays on the row the operator chose.
        self.follow_top = follow_top

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

    class Scrolled(Message):
        """The rows in view changed (for a position counter in a title)."""

        def __init__(self, table: KeyedTable) -> None:
            super().__init__()
            self.table = table

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Scrolled(self))

    def on_resize(self) -> None:
        self.post_message(self.Scrolled(self))

    def position_text(self) -> str:
        """``3–7 of 15`` when some rows are out of view, else ``15``."""
        header = self.header_height if self.show_header else 0
        visible = max(0, self.scrollable_content_region.height - header)
        count = self.row_count
        if count <= visible or visible == 0:
            return str(count)
        first = min(round(self.scroll_y), count - 1) + 1
        last = min(count, first + visible - 1)
        return f"{first}–{last} of {count}"

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
