"""Drill-through (enter): which screen a dashboard line opens.

A run in the events feed opens the run history on that run's stages, an audit
entry its full entry, a source of the health panel its recent errors. A line that
opens nothing (an alert) gets a sentence instead, said as a notice.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.screen import Screen

from app.storage.read.models import SourceHealthRow
from app.tui.context import DeskContext

__all__ = ["event_screen", "worst_source"]


def event_screen(ctx: DeskContext, key: str) -> Screen[None] | str:
    """The screen of an event (``run:41``, ``audit:7``), or why there is none."""
    kind, _, ident = key.partition(":")
    if not ident.isdigit():
        return f"event {key} opens nothing"
    # The screens load when a line is first opened: the dashboard's first frame needs neither.
    if kind == "run":
        from app.tui.screens.runs import RunsScreen

        return RunsScreen(ctx, run_id=int(ident))
    if kind == "audit":
        from app.tui.screens.audit_entry import AuditEntryScreen

        return AuditEntryScreen(ctx, int(ident))
    return f"{kind} #{ident} has no screen of its own (an alert's email holds its body)"


def worst_source(sources: Sequence[SourceHealthRow]) -> int:
    """The index to highlight first: an open breaker, else a recent error, else the first."""
    for index, source in enumerate(sources):
        if source.circuit_state != "closed":
            return index
    return next((i for i, source in enumerate(sources) if source.last_error), 0)
