"""KeyedTable's view: sort by typed values (missing ones last, ties in natural order), filter."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.keyed_table import KeyedTable, TableRow
from widgets.table_filter import parse_filter

ROWS = {
    "a": TableRow(("a", "3"), ("a", 3), {"name": "alpha"}),
    "b": TableRow(("b", "—"), ("b", None), {"name": "beta"}),
    "c": TableRow(("c", "10"), ("c", 10), {"name": "gamma"}),
    "d": TableRow(("d", "3"), ("d", 3), {"name": "delta"}),
}


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(KeyedTable)
        table.add_column("Name", key="name")
        table.add_column("Value", key="value")
        table.show(ROWS)


async def test_sort_by_typed_value_with_missing_values_last_both_ways() -> None:
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        assert table.row_keys() == ["a", "b", "c", "d"] and table.sort_text() == ""
        table.cycle_sort()
        table.cycle_sort()  # by Value
        assert table.row_keys() == ["a", "d", "c", "b"]  # 10 after 3; ties keep their order
        assert table.sort_text() == "sort Value ▲"
        table.flip_sort()
        assert table.row_keys() == ["c", "a", "d", "b"]  # the row without a value stays last
        table.cycle_sort()  # past the last column: the natural order, reversed
        assert table.row_keys() == ["d", "c", "b", "a"] and table.sort_text() == "order ▼"
        await pilot.pause()


async def test_filter_hides_rows_by_key_and_a_refresh_keeps_it() -> None:
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        stats = table.set_filter(parse_filter("name:ta", ("name",)))
        assert stats.removed == 2 and stats.added == 0  # beta and delta stay, by key
        assert table.row_keys() == ["b", "d"]
        assert table.title_tail() == "\\[1/2] · /name:ta (2 of 4)"
        table.show({**ROWS, "e": TableRow(("e", "1"), ("e", 1), {"name": "epsilon"})})
        assert table.row_keys() == ["b", "d"]  # the new row does not match: hidden
        assert table.set_filter(parse_filter("name:ta", ("name",))).changed is False
        table.set_filter(parse_filter("   ", ("name",)))  # no words: no filter
        assert table.row_filter is None and len(table.row_keys()) == 5
        await pilot.pause()
