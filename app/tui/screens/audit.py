"""The audit trail, newest first; every break-glass attempt, allowed or refused.

`/` finds entries by action, outcome, user, target or reason (``table_rows.audit_filter``);
the filter and the sort (`s`/`S`) are kept while new entries arrive, and escape clears the
filter before it leaves (``TableScreen``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from app.core.logging import get_logger
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.core.timefmt import local_iso, zone_label
from app.storage.read.models import AuditEntry
from app.tui import formatting as fmt
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT, KeyHelp
from app.tui.screens.audit_entry import AuditEntryScreen
from app.tui.screens.live import BACK, FREEZE, RELOAD, LiveScreen, add_columns
from app.tui.screens.tables import Finder, table_help
from app.tui.table_rows import FIND_HELP, audit_filter, audit_row
from widgets.keyed_table import KeyedTable, TableRow

AUDIT_PAGE = 200
log = get_logger(__name__)


class AuditScreen(LiveScreen[tuple[AuditEntry, ...]]):
    BINDINGS = [
        BACK,
        RELOAD,
        Binding("m", "more", "Older entries"),
        FREEZE,
        *HELP_AND_QUIT,
    ]
    HELP_TITLE = "Audit trail"
    FINDERS = {"audit-table": Finder(audit_filter, FIND_HELP["audit"])}
    FIND_BAR_ID = "audit-find"
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = (
        *table_help(FINDERS),
        ("enter", "The highlighted entry in full"),
    )
    TITLE_ID = "audit-title"

    def __init__(self, ctx: DeskContext, *, page_size: int = AUDIT_PAGE) -> None:
        super().__init__(ctx, id="audit")
        self.page_size = page_size
        self.pages = 1
        self._complete = False

    def loading_title(self) -> str:
        return "Audit trail (newest first)"

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(id="audit-table", panel_name="Entries", classes="sub-table")

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", KeyedTable)
        when = f"When ({zone_label(self.ctx.clock.now(), self.ctx.tz)})"
        add_columns(table, ("#", when, "Action", "Target", "Outcome", "Who", "Reason"))
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
        rows: dict[str, TableRow] = {}
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
            cells = (
                str(entry.id),
                when,
                escape(entry.action),
                escape(entry.target or ""),
                fmt.styled(escape(entry.outcome), "green" if entry.outcome == "done" else "yellow"),
                escape(who),
                escape(entry.reason or ""),
            )
            rows[str(entry.id)] = audit_row(entry, cells)
        self.counted(self.show_rows("audit-table", rows))
        self._title()

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#audit-table", KeyedTable)

    def _title(self) -> None:
        table = self.table
        if not table.rows_given:
            self.show_title("Audit trail: no entries yet")
            return
        more = "" if self._complete else " · m: older entries"
        self.show_title(f"Audit trail (newest first, {len(table.rows_given)} shown){more}")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        if key.isdigit():
            self.app.push_screen(AuditEntryScreen(self.ctx, int(key)))
