"""The audit trail, newest first; every break-glass attempt, allowed or refused."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.storage.read.models import AuditEntry
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from widgets.quiet_static import QuietStatic

AUDIT_PAGE = 200
log = get_logger(__name__)


class AuditScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("m", "more", "Older entries"),
    ]

    def __init__(self, ctx: DeskContext, *, page_size: int = AUDIT_PAGE) -> None:
        super().__init__(id="audit")
        self.ctx = ctx
        self.page_size = page_size
        self._oldest_id: int | None = None
        self._complete = False

    def compose(self) -> ComposeResult:
        yield QuietStatic("Audit trail (newest first)", id="audit-title")
        yield DataTable(id="audit-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for label in ("#", "When", "Action", "Target", "Outcome", "Who", "Reason"):
            table.add_column(label, key=label.lower())
        self.action_reload()

    def action_reload(self) -> None:
        self._load(before_id=None)

    def action_more(self) -> None:
        """Append the next page of older entries (the trail can be long)."""
        if not self._complete and self._oldest_id is not None:
            self._load(before_id=self._oldest_id)

    @work(exclusive=True, group="audit", exit_on_error=False)
    async def _load(self, before_id: int | None) -> None:
        try:
            entries = await self.ctx.data.audit_page(limit=self.page_size, before_id=before_id)
        except PressboxError as exc:
            log.warning("audit load failed", error=redact(exc.one_line()))
            self.query_one("#audit-title", QuietStatic).show(f"[red]{escape(exc.one_line())}[/]")
            return
        self.show_entries(entries, append=before_id is not None)

    def show_entries(self, entries: tuple[AuditEntry, ...], *, append: bool = False) -> None:
        table = self.query_one("#audit-table", DataTable)
        if not append:
            table.clear()  # an on-demand screen, reloaded by the operator
        if entries:
            self._oldest_id = entries[-1].id
        self._complete = len(entries) < self.page_size
        for entry in entries:
            who = entry.login_user or "?"
            if entry.sudo_user:
                who += f" (sudo {entry.sudo_user})"
            if entry.ssh_client:
                who += f" from {entry.ssh_client.split()[0]}"
            table.add_row(
                str(entry.id),
                f"{entry.at[:10]} {fmt.local_hhmm(entry.at, self.ctx.tz)}",
                escape(entry.action),
                escape(entry.target or ""),
                fmt.styled(escape(entry.outcome), "green" if entry.outcome == "done" else "yellow"),
                escape(who),
                escape(entry.reason or ""),
                key=str(entry.id),
            )
        title = self.query_one("#audit-title", QuietStatic)
        if table.row_count == 0:
            title.show("Audit trail: no entries yet")
        else:
            more = "" if self._complete else " · m: older entries"
            title.show(f"Audit trail (newest first, {table.row_count} shown){more}")
        table.focus()
