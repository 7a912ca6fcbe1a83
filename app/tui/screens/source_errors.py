"""One source's breaker and recent errors (enter on the health panel): when, kind, message.

`/` finds errors by kind, stage, message or ``run>N`` (``table_rows.error_filter``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from app.core.sanitize import markup_field
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.core.timefmt import zone_label
from app.storage.read.drill_models import SourceErrors
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from app.tui.keys import KeyHelp
from app.tui.screens.live import DrillScreen, add_columns
from app.tui.screens.runs import RunsScreen
from app.tui.screens.tables import Finder, table_help
from app.tui.table_rows import FIND_HELP, error_filter, source_error_row
from widgets.keyed_table import KeyedTable, TableRow
from widgets.modal_box import ModalBox, ModalDialog
from widgets.quiet_static import QuietStatic

ERRORS_SHOWN = 100


class SourceErrorsScreen(DrillScreen[SourceErrors]):
    TITLE_ID = "source-title"
    HELP_TITLE = "Source errors"
    FINDERS = {"source-errors-table": Finder(error_filter, FIND_HELP["errors"])}
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = (
        *table_help(FINDERS),
        ("enter", "The run of the highlighted error"),
    )

    def __init__(self, ctx: DeskContext, source: str) -> None:
        super().__init__(ctx, f"Source {escape(source)}", id="source-errors")
        self.source = source
        self.errors: SourceErrors | None = None

    def compose_body(self) -> ComposeResult:
        yield QuietStatic("", id="source-breaker")
        yield KeyedTable(id="source-errors-table", panel_name="Errors", classes="sub-table")

    def on_mount(self) -> None:
        table = self.query_one("#source-errors-table", KeyedTable)
        when = f"When ({zone_label(self.ctx.clock.now(), self.ctx.tz)})"
        add_columns(table, (when, "Run", "Stage", "Kind", "Message"))
        table.focus()
        super().on_mount()

    async def fetch(self) -> SourceErrors:
        return await self.ctx.data.source_errors(self.source, limit=ERRORS_SHOWN)

    def present(self, data: SourceErrors) -> None:
        self.errors = data
        now = self.read_at or self.ctx.clock.now()
        self.query_one("#source-breaker", QuietStatic).show(self._breaker_line(data))
        rows: dict[str, TableRow] = {
            f"{error.run_id}|{error.stage}": source_error_row(
                error,
                (
                    self.ctx.times.when(error.at, now, self.ctx.tz),
                    f"#{error.run_id}",
                    escape(error.stage),
                    fmt.styled(
                        markup_field(error.error_kind or error.status),
                        fmt.OUTCOME_STYLE.get(error.status, ""),
                    ),
                    markup_field(error.message or ""),
                ),
            )
            for error in data.errors
        }
        self.counted(self.show_rows("source-errors-table", rows))
        name = escape(self.source)
        self.show_title(
            f"[b]{name}[/]: {len(data.errors)} recent errors (enter: its run)"
            if data.errors
            else f"[b]{name}[/]: no errors stored"
        )

    def _breaker_line(self, data: SourceErrors) -> str:
        health = data.health
        if health is None:
            return "Breaker: [dim]this source was never called[/]"
        now = self.read_at or self.ctx.clock.now()

        def when(iso_text: str | None) -> str:
            return self.ctx.times.when(iso_text, now, self.ctx.tz)

        state = health.circuit_state.replace("_", "-")
        parts = [
            f"Breaker {fmt.styled(escape(state), 'red' if state != 'closed' else 'green')}",
            f"{health.consecutive_failures} failures in a row",
        ]
        if health.opened_at:
            parts.append(f"opened {when(health.opened_at)}")
        parts.append(f"last success {when(health.last_success_at)}")
        line = " · ".join(parts)
        if health.last_error:
            line += (
                f"\nLast error {when(health.last_error_at)}: "
                f"{fmt.error_kind(health.last_error_kind)} {markup_field(health.last_error)}"
            )
        return line

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        run_id, _, _stage = key.partition("|")
        if run_id.isdigit():
            self.app.push_screen(RunsScreen(self.ctx, run_id=int(run_id)))


class SourcePickerScreen(ModalDialog[str]):
    """Which source's errors (enter on the health panel): one line per source, as shown there."""

    def __init__(self, choices: Sequence[tuple[str, str]], *, highlighted: int = 0) -> None:
        super().__init__(id="source-picker")
        self.choices = list(choices)  # (source, its health line as markup)
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with ModalBox(id="source-picker-box"):
            yield Static("[b]Recent errors of which source?[/] (enter opens, escape cancels)")
            yield OptionList(
                *(Option(line, id=source) for source, line in self.choices), id="source-options"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.highlighted
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
