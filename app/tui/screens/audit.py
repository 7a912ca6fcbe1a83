"""The audit trail, newest first; every break-glass attempt, allowed or refused."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from app.core.logging import get_logger
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.core.timefmt import local_iso, zone_label
from app.storage.read.models import AuditEntry
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT, KeyHelp
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.live import FREEZE, RELOAD, LiveScreen, Row, sync_rows
from widgets.quiet_static import QuietStatic

AUDIT_PAGE = 200
log = get_logger(__name__)


class AuditScreen(LiveScreen[tuple[AuditEntry, ...]]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        RELOAD,
        Binding("m", "more", "Older entries"),
        FREEZE,
        *HELP_AND_QUIT,
    ]
    HELP_TITLE = "Audit trail"
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = (("enter", "The highlighted entry in full"),)
    TITLE_ID = "audit-title"

    def __init__(self, ctx: DeskContext, *, page_size: int = AUDIT_PAGE) -> None:
        super().__init__(ctx, id="audit")
        self.page_size = page_size
        self.pages = 1
        self._complete = False

    def compose(self) -> ComposeResult:
        yield QuietStatic("Audit trail (newest first)", id="audit-title")
        yield DataTable(id="audit-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        when = f"When ({zone_label(self.ctx.clock.now(), self.ctx.tz)})"
        for label in ("#", when, "Action", "Target", "Outcome", "Who", "Reason"):
            table.add_column(label, key=label.split()[0].lower())
        table.focus()
        super().on_mount()

    @property
    def limit(self) -> int:
        return self.page_size * self.pages

    def action_more(self) -> None:
        """Show the next page of older entries too (the trail can be long)."""
        if not self._complete:
            self.pages += 1
            self.action_reload()

    async def fetch(self) -> tuple[AuditEntry, ...]:
        # The newest pages, read afresh: a new entry arrives on top, older pages stay below.
        return await self.ctx.data.audit_page(limit=self.limit)

    def present(self, data: tuple[AuditEntry, ...]) -> None:
        self.show_entries(data)

    def show_entries(self, entries: tuple[AuditEntry, ...]) -> None:
        self._complete = len(entries) < self.limit
        now = self.read_at or self.ctx.clock.now()
        rows: list[Row] = []
        for entry in entries:
            who = entry.login_user or "?"
            if entry.sudo_user:
                who += f" (sudo {entry.sudo_user})"
            if entry.ssh_client:
                who += f" from {entry.ssh_client.split()[0]}"
            when = (
                self.ctx.times.when(entry.at, now, self.ctx.tz)
                if not self.ctx.times.absolute
                else local_iso(entry.at, self.ctx.tz, seconds=True, day=True)
            )
            rows.append(
                (
                    str(entry.id),
                    (
                        str(entry.id),
                        when,
                        escape(entry.action),
                        escape(entry.target or ""),
                        fmt.styled(
                            escape(entry.outcome), "green" if entry.outcome == "done" else "yellow"
                        ),
                        escape(who),
                        escape(entry.reason or ""),
                    ),
                )
            )
        table = self.query_one("#audit-table", DataTable)
        self.counted(sync_rows(table, rows))
        if table.row_count == 0:
            self.show_title("Audit trail: no entries yet")
        else:
            more = "" if self._complete else " · m: older entries"
            self.show_title(f"Audit trail (newest first, {table.row_count} shown){more}")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        if key.isdigit():
            self.app.push_screen(AuditEntryScreen(self.ctx, int(key)))
