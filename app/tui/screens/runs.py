"""Run history: runs on top, the highlighted run's stages below, the stage's error in full."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.storage.read.models import Run
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from widgets.quiet_static import QuietStatic

RUNS_SHOWN = 200
log = get_logger(__name__)


class RunsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(id="runs")
        self.ctx = ctx
        self.runs: dict[str, Run] = {}

    def compose(self) -> ComposeResult:
        yield QuietStatic("Run history (enter: stages)", id="runs-title")
        yield DataTable(id="runs-table", cursor_type="row")
        yield DataTable(id="stages-table", cursor_type="row")
        yield QuietStatic("", id="stage-detail")
        yield Footer()

    def on_mount(self) -> None:
        runs = self.query_one("#runs-table", DataTable)
        for label in ("Run", "Trigger", "Outcome", "Slate", "Started", "Took", "Credits", "Reason"):
            runs.add_column(label, key=label.lower())
        stages = self.query_one("#stages-table", DataTable)
        for label in ("#", "Stage", "Status", "Took", "Error"):
            stages.add_column(label, key=label.lower())
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id == "stages-table":
            self.query_one("#runs-table").focus()
        else:
            self.app.pop_screen()

    @work(exclusive=True, group="runs", exit_on_error=False)
    async def _load(self) -> None:
        try:
            runs = await self.ctx.data.runs(limit=RUNS_SHOWN)
        except PressboxError as exc:
            log.warning("runs load failed", error=redact(exc.one_line()))
            self.query_one("#runs-title", QuietStatic).show(f"[red]{escape(exc.one_line())}[/]")
            return
        self.show_runs(runs)

    def show_runs(self, runs: tuple[Run, ...]) -> None:
        self.runs = {str(run.id): run for run in runs}
        table = self.query_one("#runs-table", DataTable)
        table.clear()  # an on-demand screen, reloaded by the operator
        for run in runs:
            table.add_row(
                f"#{run.id}",
                run.trigger,
                fmt.styled(run.outcome, fmt.OUTCOME_STYLE.get(run.outcome, "")),
                run.slate_date,
                fmt.local_hhmm(run.started_at, self.ctx.tz),
                fmt.duration(run.duration_s),
                str(run.credits_used),
                escape(run.reason or ""),
                key=str(run.id),
            )
        if not runs:
            self.query_one("#runs-title", QuietStatic).show("Run history: no runs yet")
        table.focus()

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
        stages = self.query_one("#stages-table", DataTable)
        stages.clear()
        if run is None:
            return
        for stage in run.stages:
            stages.add_row(
                str(stage.position),
                stage.name,
                fmt.styled(stage.status, fmt.OUTCOME_STYLE.get(stage.status, "")),
                f"{stage.duration_ms / 1000:.2f}s" if stage.duration_ms is not None else "…",
                escape(stage.error_kind or ""),
                key=stage.name,
            )
        self._show_stage_detail(run.stages[0].name if run.stages else None)

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
