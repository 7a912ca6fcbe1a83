"""Command palette entries: every desk action, routed through the same guarded actions.

An entry whose action ``check_action`` refuses (read-only desk, action not
wired) is not offered at all, exactly like its key binding.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (title, help, action name on the app)
DESK_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Run the pipeline now (break-glass)", "X: one run now, admin key required", "run_now"),
    (
        "Override the system mode (break-glass)",
        "O: auto / paused / halted, admin key required",
        "override",
    ),
    ("Reset a source's circuit breaker (break-glass)", "B: admin key required", "reset_breaker"),
    ("Run history", "r: runs with stage drill-down and errors", "runs"),
    ("Audit trail", "a: every break-glass attempt", "audit"),
    ("Trends", "t: run durations, latency, retries, breakers, quota burn", "trends"),
    ("First-run checklist", "i: what is not set up yet, with the fix", "checklist"),
    ("Help", "?: keys and what the desk shows", "help"),
    ("Quit", "q: leave the desk", "quit"),
)


class DeskCommands(Provider):
    def _available(self) -> Iterator[tuple[str, str, str]]:
        for title, help_text, action in DESK_COMMANDS:
            if self.app.check_action(action, ()) is not False:
                yield title, help_text, action

    async def discover(self) -> Hits:
        for title, help_text, action in self._available():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._available():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action),
                    help=help_text,
                )
