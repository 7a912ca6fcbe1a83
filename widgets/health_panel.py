"""Pipeline health: last run, its stages, the next run, and one line per source."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical

from widgets.quiet_static import QuietStatic


class HealthPanel(Vertical):
    DEFAULT_CSS = """
    HealthPanel { height: auto; }
    HealthPanel > QuietStatic { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="health-run")
        yield QuietStatic(id="health-stages")
        yield QuietStatic(id="health-next")
        yield QuietStatic(id="health-sources")

    def show(self, run: str, stages: str, next_run: str, sources: Sequence[str]) -> int:
        """Update the lines that differ; returns how many changed."""
        changed = 0
        changed += self.query_one("#health-run", QuietStatic).show(run)
        changed += self.query_one("#health-stages", QuietStatic).show(stages)
        changed += self.query_one("#health-next", QuietStatic).show(next_run)
        text = "\n".join(sources) if sources else "Sources: [dim]no calls recorded yet[/]"
        changed += self.query_one("#health-sources", QuietStatic).show(text)
        return changed
