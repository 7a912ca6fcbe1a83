"""The desk's status bar: one header line that answers "is it OK?", and a notices line.

The header is four cells of fixed width (verdict, mode, clock, data age), so a
ticking clock or data age repaints only its own few cells and never reflows
the line; the notices line says every notice whole and takes no room when empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from widgets.quiet_static import QuietStatic

MODE_WIDTH = 8  # " HALTED "
CLOCK_WIDTH = 10  # "14:05 EDT "
AGE_WIDTH = 18  # " data 15:58:00 EDT" (absolute times), "data 59 min old"


@dataclass(frozen=True)
class HeaderText:
    verdict: str  # badge and first reason (markup)
    mode: str
    clock: str
    age: str


class StatusBar(Vertical):
    DEFAULT_CSS = f"""
    StatusBar {{ height: auto; }}
    StatusBar > Horizontal {{ height: 1; }}
    StatusBar QuietStatic {{ height: 1; text-wrap: nowrap; }}
    StatusBar #header-verdict {{ width: 1fr; text-overflow: ellipsis; }}
    StatusBar #header-mode {{ width: {MODE_WIDTH}; }}
    StatusBar #header-clock {{ width: {CLOCK_WIDTH}; text-align: right; }}
    StatusBar #header-age {{ width: {AGE_WIDTH}; text-align: right; }}
    StatusBar #notices {{ height: auto; text-wrap: wrap; }}
    StatusBar #notices.-empty {{ display: none; }}
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield QuietStatic("pressbox: loading…", id="header-verdict")
            yield QuietStatic(id="header-mode")
            yield QuietStatic(id="header-clock")
            yield QuietStatic(id="header-age")
        yield QuietStatic(id="notices", classes="-empty")

    def show_header(self, text: HeaderText) -> int:
        """Update the header cells that differ; returns how many changed."""
        changed = int(self.query_one("#header-verdict", QuietStatic).show(text.verdict))
        changed += self.query_one("#header-mode", QuietStatic).show(text.mode)
        return changed + self.show_time(text.clock, text.age)

    def show_time(self, clock: str, age: str) -> int:
        """The ticking cells only (the clock and the data age).

        Padded to their width here rather than aligned by CSS: a cell that is one run of
        one style costs a tick ~15 bytes less than text plus a separately styled pad.
        """
        changed = int(self.query_one("#header-clock", QuietStatic).show(clock.rjust(CLOCK_WIDTH)))
        return changed + self.query_one("#header-age", QuietStatic).show(age.rjust(AGE_WIDTH))

    def show_notices(self, notices: list[str]) -> bool:
        line = self.query_one("#notices", QuietStatic)
        line.set_class(not notices, "-empty")
        return line.show("  ".join(notices))

    @property
    def shown(self) -> str:
        """Everything the bar says (markup), header first."""
        parts = [
            self.query_one(f"#{part}", QuietStatic).shown
            for part in ("header-verdict", "header-mode", "header-clock", "header-age", "notices")
        ]
        return "  ".join(part for part in parts if part)
