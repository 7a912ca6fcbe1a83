"""Sub-screens that follow the database like the dashboard: change-only, freezable, "as of".

A live screen polls the same cheap change counter as the dashboard (one-shot timer
re-armed after each poll, nothing while another screen covers it) and reloads only
when the counter moved. Its tables are ``KeyedTable``s given their rows by key
(``TableScreen.show_rows``): one changed price costs one cell, not a repaint, and the
operator's sort and filter (`s`, `S`, `/`) stay across every refresh. `f` freezes the
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
from textual.timer import Timer
from textual.widgets import DataTable, Footer

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.tui.clipboard import COPY
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT, KeyHelp
from app.tui.poller import ChangePoller
from app.tui.screens.tables import TableScreen
from app.tui.timefmt import as_of
from widgets.filter_bar import FilterBar
from widgets.keyed_table import SyncStats
from widgets.quiet_static import QuietStatic

T = TypeVar("T")

# Escape closes the find bar or clears a filter first (``TableScreen.escape_tables``).
BACK = Binding("escape", "back", "Back")
FREEZE = Binding("f", "freeze", "Freeze", tooltip="Freeze / follow")
RELOAD = Binding("r", "reload", "Reload")
log = get_logger(__name__)


def add_columns(table: DataTable[str], labels: Sequence[str]) -> None:
    """Each label a column keyed by its first word, lower case ("When (EDT)" is ``when``)."""
    for label in labels:
        table.add_column(label, key=label.split()[0].lower())


class LiveScreen(TableScreen, Generic[T]):
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
        if self.FINDERS:
            yield FilterBar(id=self.FIND_BAR_ID)
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

    def counted(self, stats: SyncStats) -> None:
        """Rows that came or went count as a rebuild; else the cells changed."""
        if stats.added or stats.removed:
            self.rebuilds += 1
        else:
            self.cells_updated += stats.cells_changed

    # -- keys ----------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape: close find (clearing it), then clear the filter, then back."""
        if not self.escape_tables():
            self.app.pop_screen()

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


class DrillScreen(LiveScreen[T]):
    """A live screen about one thing drilled into: a game, a source, an audit entry."""

    BINDINGS = [BACK, COPY, RELOAD, FREEZE, *HELP_AND_QUIT]

    def __init__(self, ctx: DeskContext, subject: str, *, id: str) -> None:
        super().__init__(ctx, id=id)
        self.subject = subject  # markup: the title's name for it until the first read

    def loading_title(self) -> str:
        return f"{self.subject}: loading…"
