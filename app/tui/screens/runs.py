"""Run history: runs on top, the highlighted run's stages below, the stage's error in full.

Both tables sort (`s`, `S`) and the runs find (`/`, ``table_rows.run_filter``): by
outcome, trigger, slate or reason, ``took>N`` seconds, ``credits>N``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.core.timefmt import zone_label
from app.storage.read.models import Run
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT, KeyHelp
from app.tui.screens.live import FREEZE, RELOAD, LiveScreen, add_columns
from app.tui.screens.tables import Finder, table_help
from app.tui.table_rows import FIND_HELP, run_filter, run_row, stage_row
from widgets.keyed_table import KeyedTable, TableRow
from widgets.quiet_static import QuietStatic

RUNS_SHOWN = 200


class RunsScreen(LiveScreen[tuple[Run, ...]]):
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back (from the stages: to the runs)"),
        RELOAD,
        FREEZE,
        *HELP_AND_QUIT,
    ]
    TITLE_ID = "runs-title"
    HELP_TITLE = "Run history"
    FINDERS = {"runs-table": Finder(run_filter, FIND_HELP["runs"])}
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = (
        *table_help(FINDERS),
        ("enter", "Stages of the highlighted run"),
    )

    def __init__(self, ctx: DeskContext, *, run_id: int | None = None) -> None:
        super().__init__(ctx, id="runs")
        self.runs: dict[str, Run] = {}
        self._shown_run: Run | None = None
        # Opened on one run (drill-through): its stages are shown once it is loaded.
        self.open_run = run_id

    def loading_title(self) -> str:
        return "Run history (enter: stages)"

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(id="runs-table", panel_name="Runs", classes="sub-table")
        yield KeyedTable(id="stages-table", panel_name="Stages", classes="sub-table")
        yield QuietStatic("", id="stage-detail")

    def on_mount(self) -> None:
        runs = self.query_one("#runs-table", KeyedTable)
        started = f"Started ({zone_label(self.ctx.clock.now(), self.ctx.tz)})"
        add_columns(
            runs, ("Run", "Trigger", "Outcome", "Slate", started, "Took", "Credits", "Reason")
        )
        stages = self.query_one("#stages-table", KeyedTable)
        add_columns(stages, ("#", "Stage", "Status", "Took", "Error"))
        self.show_title("Run history (enter: stages)")
        runs.focus()
        super().on_mount()

    async def fetch(self) -> tuple[Run, ...]:
        return await self.ctx.data.runs(limit=RUNS_SHOWN)

    def present(self, data: tuple[Run, ...]) -> None:
        self.show_runs(data)

    def action_back(self) -> None:
        """Escape: close find or clear a filter, then from the stages to the runs, then back."""
        if self.escape_tables():
            return
        if self.focused is not None and self.focused.id == "stages-table":
            self.query_one("#runs-table").focus()
        else:
            self.app.pop_screen()

    def show_runs(self, runs: tuple[Run, ...]) -> None:
        self.runs = {str(run.id): run for run in runs}
        now = self.read_at or self.ctx.clock.now()
        rows: dict[str, TableRow] = {
            str(run.id): run_row(
                run,
                (
                    f"#{run.id}",
                    run.trigger,
                    fmt.styled(run.outcome, fmt.OUTCOME_STYLE.get(run.outcome, "")),
                    run.slate_date,
                    self.ctx.times.when(run.started_at, now, self.ctx.tz),
                    fmt.duration(run.duration_s),
                    str(run.credits_used),
                    escape(run.reason or ""),
                ),
            )
            for run in runs
        }
        self.counted(self.show_rows("runs-table", rows))
        self.show_title("Run history (enter: stages)" if runs else "Run history: no runs yet")
        if self.open_run is not None:
            self._open_stages_of(self.open_run)
        selected = self._selected_run()
        if selected != self._shown_run:
            self._show_stages(selected)

    def _open_stages_of(self, run_id: int) -> None:
        self.open_run = None
        keys = list(self.runs)
        if str(run_id) not in self.runs:
            self.show_title(f"Run history: run #{run_id} is not among the {len(keys)} shown")
            return
        table = self.query_one("#runs-table", KeyedTable)
        if str(run_id) not in table.row_keys():  # hidden by the operator's filter
            table.set_filter(None)
            self.view_changed(table)
        table.move_cursor(row=table.get_row_index(str(run_id)))
        self.query_one("#stages-table").focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "runs-table" and event.row_key.value is not None:
            self._show_stages(self.runs.get(str(event.row_key.value)))
        elif event.data_table.id == "stages-table" and event.row_key.value is not None:
            self._show_stage_detail(str(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "runs-table":
            self.query_one("#stages-table").focus()

    def _selected_run(self) -> Run | None:
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.runs.get(str(key))

    def _show_stages(self, run: Run | None) -> None:
        # Another run, not the same run with one more stage done (a refresh keeps the cursor).
        before = self._shown_run
        another = run is None or before is None or run.id != before.id
        self._shown_run = run
        stages = run.stages if run is not None else ()
        rows = {
            stage.name: stage_row(
                stage,
                (
                    str(stage.position),
                    stage.name,
                    fmt.styled(stage.status, fmt.OUTCOME_STYLE.get(stage.status, "")),
                    f"{stage.duration_ms / 1000:.2f}s" if stage.duration_ms is not None else "…",
                    escape(stage.error_kind or ""),
                ),
            )
            for stage in stages
        }
        table = self.query_one("#stages-table", KeyedTable)
        self.show_rows("stages-table", rows)
        if another and table.row_count:
            table.move_cursor(row=0, animate=False)  # another run: from its first stage shown
        # The stage on top of the table's sort, which is not always the first stage.
        keys = table.row_keys()
        self._show_stage_detail(keys[min(table.cursor_row, len(keys) - 1)] if keys else None)

    def _show_stage_detail(self, name: str | None) -> None:
        run = self._selected_run()
        detail = self.query_one("#stage-detail", QuietStatic)
        stage = next((s for s in run.stages if s.name == name), None) if run else None
        if run is None or stage is None:
            detail.show("")
            return
        lines = [f"[b]run #{run.id} · {stage.name}[/] {stage.status}"]
        if stage.error_summary:
            lines.append(
                f"[red]{escape(stage.error_kind or 'error')}[/]: {escape(stage.error_summary)}"
            )
        if stage.detail:
            lines.append(escape(stage.detail))
        detail.show("\n".join(lines))
