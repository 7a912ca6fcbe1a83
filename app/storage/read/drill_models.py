"""Read models of the desk's drill-through screens (no SQL driver imported, like ``models``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.read.models import SourceHealthRow


@dataclass(frozen=True)
class SourceError:
    """One failed or degraded call of a source, as the stage that made it stored it."""

    at: str  # when the stage finished (or started, if it never finished)
    run_id: int
    stage: str
    status: str
    error_kind: str | None
    message: str | None


@dataclass(frozen=True)
class SourceErrors:
    """A source's breaker and its most recent errors, newest first."""

    source: str
    health: SourceHealthRow | None  # None before the source was first called
    errors: tuple[SourceError, ...]
