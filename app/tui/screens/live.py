"""Sub-screens that follow the database like the dashboard: change-only, freezable, "as of".

A live screen polls the same cheap change counter as the dashboard (one-shot timer
re-armed after each poll, nothing while another screen covers it) and reloads only
when the counter moved. Its table is synced row by row and cell by cell
(``sync_rows``): one changed price costs one cell, not a repaint. `f` freezes the
screen (nothing is read or painted until `f` again), `r` reloads now, and the title
says when the data shown was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.tui.context import DeskContext
from app.tui.keys import KeyHelp
from app.tui.poller import ChangePoller
from app.tui.timefmt import as_of
from widgets.quiet_static import QuietStatic

T = TypeVar("T")
Row = tuple[str, tuple[str, ...]]

BACK = Binding("escape", "app.pop_screen", "Back")
FREEZE = Binding("f", "freeze", "Freeze", tooltip="Freeze / follow")
RELOAD = Binding("r", "reload", "Reload")
log = get_logger(__name__)


def sync_rows(table: DataTable[str], rows: Sequence[Row]) -> int | None:
    """Make ``table`` show ``rows`` (key, cells); the number of cells updated, None if rebuilt.

    The same keys in the same order: only the cells whose text changed are updated.
    Otherwise (a row came or went) the table is rebuilt and the cursor stays on its row.
    """
    keys = [key for key, _ in rows]
    if keys == [row_key.value for row_key in table.rows]:
        columns = list(table.columns)
        changed = 0
        for key, cells in rows:
            for column, new, old in zip(columns, cells, table.get_row(key), strict=False):
                if new != old:
                    table.update_cell(key, column, new)
                    changed += 1
        return changed
    cursor_key = None
    if table.row_count:
        cursor_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if cursor_key in keys:
        table.move_cursor(row=keys.index(cursor_key))
    return None


def add_columns(table: DataTable[str], labels: Sequence[str]) -> None:
    """Each label a column keyed by its first word, lower case ("When (EDT)" is ``when``)."""
    for label in labels:
        table.add_column(label, key=label.split()[0].lower())


class LiveScreen(Screen[None], Generic[T]):
    """Subclasses say what to read (``fetch``), how to show it (``present``), and where.

    Where: ``loading_title`` and ``compose_body``; every live screen's frame is its
    title (``TITLE_ID``) on top, its body, and the footer.
    """

    TITLE_ID: ClassVar[str] = ""
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = ()

    def __init__(self, ctx: DeskContext, *, id: str) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.frozen = False
        self.read_at: datetime | None = None
        self.title_text = ""
        self.poller: ChangePoller[T] = ChangePoller(ctx.data.data_version, self.fetch)
        self.cells_updated = 0
        self.rebuilds = 0
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield QuietStatic(self.loading_title(), id=self.TITLE_ID)
        yield from self.compose_body()
        yield Footer()

    def loading_title(self) -> str:
        """What the title says until the first read is shown."""
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    async def fetch(self) -> T:
        raise NotImplementedError

    def present(self, data: T) -> None:
        raise NotImplementedError

    # -- the poll ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.poll_now()

    def poll_now(self) -> None:
        self._timer = None
        self._poll_once()

    @work(name="live", group="live", exclusive=True, exit_on_error=False)
    async def _poll_once(self) -> None:
        try:
            if self.frozen or not self.is_current:
                return  # frozen, or covered by help or a modal: no query, no paint
            data = await self.poller.poll()
            if data is not None:
                self.read_at = self.ctx.clock.now()
                self.present(data)
                self.show_title()
        except PressboxError as exc:
            self.poller.invalidate()
            log.warning("screen refresh failed", screen=self.id, error=redact(exc.one_line()))
            self.title_widget.show(f"[red]{escape(exc.one_line())}[/]")
        finally:
            self._arm()

    def _arm(self) -> None:
        if self._timer is None and self.is_attached and self.app.is_running:
            interval = self.ctx.settings.dashboard.poll_interval_s
            self._timer = self.set_timer(interval, self.poll_now)

    def counted(self, result: int | None) -> None:
        if result is None:
            self.rebuilds += 1
        else:
            self.cells_updated += result

    # -- keys ----------------------------------------------------------------------

    def action_reload(self) -> None:
        self.poller.invalidate()
        if self._timer is not None:
            self._timer.stop()
        self.poll_now()

    def action_freeze(self) -> None:
        self.frozen = not self.frozen
        self.show_title()
        if not self.frozen:
            self.action_reload()

    # -- the title -------------------------------------------------------------------

    @property
    def title_widget(self) -> QuietStatic:
        return self.query_one(f"#{self.TITLE_ID}", QuietStatic)

    def show_title(self, text: str | None = None) -> None:
        if text is not None:
            self.title_text = text
        parts = [self.title_text]
        if self.read_at is not None:
            parts.append(as_of(self.read_at, self.ctx.tz))
        if self.frozen:
            parts.append("[b yellow]FROZEN[/] (f follows)")
        self.title_widget.show(" · ".join(p for p in parts if p))
