"""The first-run checklist (`i`, and on its own when a new installation is not set up yet).

One line per check with ✓ / ✗ (? when nothing could say yet) and, under a line that
is not ✓, the exact command that fixes it. The checks are
``app.storage.read.checklist.load_checklist``, reached through ``DeskData.checklist``;
the screen follows the database like the other live screens, so a key set in another
terminal turns its line green without a keypress.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from app.core.sanitize import markup_field
from app.storage.read.checklist_models import CheckItem, Checklist
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT
from app.tui.rewind import live_note, live_time
from app.tui.screens.live import BACK, RELOAD, LiveScreen
from widgets.quiet_static import QuietStatic

MARK_STYLE = {True: "b green", False: "b red", None: "b yellow"}
DETAIL_LIMIT = 160


def item_text(item: CheckItem, when: Callable[[str], str]) -> str:
    mark = f"[{MARK_STYLE[item.ok]}]{item.mark}[/]"
    line = f"{mark} [b]{item.label}[/]: {markup_field(item.detail, DETAIL_LIMIT)}"
    if item.at is not None:
        line += f" {when(item.at)}"
    if item.ok:
        return line
    return f"{line}\n    fix: [b]{markup_field(item.fix, DETAIL_LIMIT)}[/]"


def checklist_text(checklist: Checklist, when: Callable[[str], str]) -> str:
    lines = [item_text(item, when) for item in checklist.items]
    if checklist.all_ok:
        lines.append("\n[green]All set.[/] escape: the dashboard")
    else:
        lines.append("\nRun the fix in a shell; this list follows the database (r: check again).")
    return "\n".join(lines)


class ChecklistScreen(LiveScreen[Checklist]):
    BINDINGS = [BACK, RELOAD, *HELP_AND_QUIT]
    TITLE_ID = "checklist-title"
    HELP_TITLE = "First-run checklist"
    DEFAULT_CSS = """
    ChecklistScreen #checklist-title { padding: 0 1; background: $panel; height: auto; }
    ChecklistScreen #checklist-body { height: 1fr; padding: 1 1 0 1; }
    """

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx, id="checklist")
        self.checklist: Checklist | None = None

    def loading_title(self) -> str:
        return "First-run checklist"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="checklist-body"):
            yield QuietStatic("", id="checklist-items")

    def on_mount(self) -> None:
        self.show_title("First-run checklist")
        super().on_mount()

    async def fetch(self) -> Checklist:
        return await self.ctx.data.checklist(live_time(self.ctx.clock))

    def present(self, data: Checklist) -> None:
        self.checklist = data
        now = self.read_at = live_time(self.ctx.clock)  # live data, even on a rewound desk

        def when(at: str) -> str:
            return self.ctx.times.when(at, now, self.ctx.tz)

        self.query_one("#checklist-items", QuietStatic).show(checklist_text(data, when))
        done = sum(1 for item in data.items if item.ok)
        done_of = f"{done} of {len(data.items)} done"
        self.show_title(f"First-run checklist: {done_of}{live_note(self.ctx.clock)}")
