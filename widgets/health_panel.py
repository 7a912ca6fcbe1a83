"""Pipeline health: the verdict's reasons, last run, stages, next run, security, sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message

from widgets.quiet_static import QuietStatic


@dataclass(frozen=True)
class HealthLines:
    verdict: Sequence[str]
    run: str
    stages: str
    next_run: str
    security: str
    sources: Sequence[str]


class HealthPanel(Vertical):
    DEFAULT_CSS = """
    HealthPanel { height: auto; }
    HealthPanel > QuietStatic { height: auto; }
    HealthPanel > QuietStatic.-empty { display: none; }
    """

    _PARTS = ("verdict", "run", "stages", "next", "security", "sources")

    # Focusable so that enter can drill into a source (its recent errors).
    can_focus = True
    BINDINGS = [Binding("enter", "choose_source", "Source errors", show=False)]

    class SourceWanted(Message):
        """Enter on the panel: the operator wants a source's recent errors."""

    def action_choose_source(self) -> None:
        self.post_message(self.SourceWanted())

    def compose(self) -> ComposeResult:
        for part in self._PARTS:
            yield QuietStatic(id=f"health-{part}", classes="-empty")

    def show(self, lines: HealthLines) -> int:
        """Update the lines that differ; returns how many changed."""
        sources = (
            "\n".join(lines.sources) if lines.sources else "Sources: [dim]no calls recorded yet[/]"
        )
        texts = (
            "\n".join(lines.verdict),
            lines.run,
            lines.stages,
            lines.next_run,
            lines.security,
            sources,
        )
        changed = 0
        for part, text in zip(self._PARTS, texts, strict=True):
            line = self.query_one(f"#health-{part}", QuietStatic)
            line.set_class(not text, "-empty")
            changed += line.show(text)
        return changed
