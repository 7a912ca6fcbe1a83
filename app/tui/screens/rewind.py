"""`w`: ask for the moment to rewind the desk to (a small modal with one input)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from app.core.clock import Clock
from app.core.errors import ConfigurationError
from app.core.moment import EXAMPLE, parse_moment
from app.core.sanitize import markup_text as escape  # typed text: cleaned, then escaped
from widgets.modal_box import ModalBox, ModalDialog


class RewindPrompt(ModalDialog[datetime]):
    """Dismissed with the moment typed, or None (escape)."""

    def __init__(self, tz: ZoneInfo, clock: Clock) -> None:
        super().__init__(id="rewind-prompt")
        self.tz = tz
        self.clock = clock

    def compose(self) -> ComposeResult:
        zone = self.clock.now().astimezone(self.tz).strftime("%Z")
        with ModalBox(id="rewind-box"):
            yield Static(
                "[b]Rewind the desk[/]\n"
                f"The desk as it stood then: dashboard, runs, audit, CLV, trends (read-only). "
                f"Time in {escape(zone)}, or with an offset (Z, -04:00).",
                id="rewind-explain",
            )
            yield Input(placeholder=EXAMPLE, id="rewind-at")
            yield Static("", id="rewind-problem")

    @on(Input.Submitted, "#rewind-at")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            moment = parse_moment(event.value, self.tz, now=self.clock.now())
        except ConfigurationError as exc:
            self.query_one("#rewind-problem", Static).update(f"[red]{escape(exc.one_line())}[/]")
            return
        self.dismiss(moment)
