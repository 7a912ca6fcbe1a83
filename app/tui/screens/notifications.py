"""The session's notification history (`n`): every toast and run result, newest first.

`/` finds by severity, kind, title or text (``table_rows.notice_filter``); `s`/`S` sort.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult

from app.core.timefmt import local_time
from app.tui import formatting as fmt
from app.tui.clipboard import COPY
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT, KeyHelp
from app.tui.notification_log import Notice, NotificationLog
from app.tui.poller import ChangePoller
from app.tui.screens.live import BACK, FREEZE, LiveScreen, add_columns
from app.tui.screens.tables import Finder, table_help
from app.tui.table_rows import FIND_HELP, notice_filter, notice_row
from widgets.keyed_table import KeyedTable, TableRow

SEVERITY_STYLE = {"information": "", "warning": "yellow", "error": "red"}
SEVERITY_WORD = {"information": "info", "warning": "warning", "error": "error"}


class NotificationsScreen(LiveScreen[tuple[Notice, ...]]):
    BINDINGS = [BACK, COPY, FREEZE, *HELP_AND_QUIT]
    TITLE_ID = "notices-title"
    HELP_TITLE = "Notification history"
    FINDERS = {"notices-table": Finder(notice_filter, FIND_HELP["notices"])}
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = table_help(FINDERS)

    def __init__(self, ctx: DeskContext, notices: NotificationLog) -> None:
        super().__init__(ctx, id="notifications")
        self.notices = notices
        # Follows the session's notices (in memory), not the database.
        self.poller = ChangePoller(self._version, self.fetch)

    async def _version(self) -> int:
        return self.notices.version

    def loading_title(self) -> str:
        return "Notifications of this session"

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(id="notices-table", panel_name="Notices", classes="sub-table")

    def on_mount(self) -> None:
        table = self.query_one("#notices-table", KeyedTable)
        # Each time carries its own zone label: a session can span a DST change.
        add_columns(table, ("When", "Severity", "Kind", "Title", "Text"))
        table.focus()
        super().on_mount()

    async def fetch(self) -> tuple[Notice, ...]:
        return self.notices.newest_first()

    def present(self, data: tuple[Notice, ...]) -> None:
        # Notices were sanitized (and escaped, if markup) when they were recorded.
        # Keyed by the notice's number in the session: the newest is ``version``.
        rows: dict[str, TableRow] = {
            str(self.notices.version - index): notice_row(
                self.notices.version - index,
                notice,
                (
                    local_time(notice.at, self.ctx.tz, seconds=True),
                    fmt.styled(
                        SEVERITY_WORD.get(notice.severity, notice.severity),
                        SEVERITY_STYLE.get(notice.severity, ""),
                    ),
                    notice.kind,
                    notice.title,
                    notice.text,
                ),
            )
            for index, notice in enumerate(data)
        }
        self.counted(self.show_rows("notices-table", rows))
        self.show_title(
            f"Notifications of this session, newest first ({len(data)})"
            if data
            else "Notifications of this session: none yet"
        )
