"""A KeyedTable that keeps changing keeps only the renders of what it shows now (the soak's
desk RSS slope: DataTable's render caches are keyed by its update counter)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.keyed_table import KeyedTable

ROWS, COLUMNS = 12, 4


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(KeyedTable)
        for column in range(COLUMNS):
            table.add_column(f"c{column}", key=f"c{column}", width=8)


def state(step: int) -> dict[str, list[str]]:
    """Every row the same but one price, which moves at every step."""
    return {
        f"r{row}": [
            f"{row}-{col}" if (row, col) != (3, 2) else f"+{100 + step}" for col in range(4)
        ]
        for row in range(ROWS)
    }


async def test_renders_of_before_a_change_are_not_kept() -> None:
    app = OneTable()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(KeyedTable)
        shown = (ROWS + 1) * COLUMNS  # every cell in view, the header's too
        for step in range(40):
            stats = table.sync(state(step))
            assert stats.changed
            await pilot.pause()
            assert table.get_cell("r3", "c2") == f"+{100 + step}"
        # One render's worth (the cells drawn since the last change), not 40 of them.
        assert len(table._cell_render_cache) <= shown
        assert len(table._row_render_cache) <= ROWS + 1
        assert len(table._line_cache) <= ROWS + 1
        # An unchanged state changes nothing and keeps what is drawn.
        before = len(table._cell_render_cache)
        assert not table.sync(state(39)).changed
        assert len(table._cell_render_cache) == before
