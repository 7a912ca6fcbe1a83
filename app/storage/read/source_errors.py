"""A source's recent errors: its breaker row and the failed stages that called it."""

from __future__ import annotations

from app.domain.status import Source
from app.storage.database import Database
from app.storage.read.drill_models import SourceError, SourceErrors
from app.storage.read.rewind import source_at
from app.storage.read.rows import LATER_THAN_ANY, fetch_rows, marks
from app.storage.source_health import get_source

# The stages that call each source (app/pipeline/stages.py: guarded_call's first argument).
SOURCE_STAGES: dict[str, tuple[str, ...]] = {Source.MLB: ("schedule",), Source.ODDS: ("odds",)}


async def load_source_errors(
    db: Database, source: str, *, limit: int, as_of: str | None = None
) -> SourceErrors:
    """The source's health row and the newest ``limit`` stage errors of its stages.

    ``as_of`` (rewind): the breaker row as it stood then, and the errors stored by then
    (a stage's error is stored when it finishes).
    """
    stages = SOURCE_STAGES.get(source, ())
    async with db.read() as conn:
        health = (
            await get_source(conn, source)
            if as_of is None
            else await source_at(conn, source, as_of)
        )
        rows = (
            await fetch_rows(
                conn,
                "SELECT run_id, name, status, error_kind, error_summary, "
                "COALESCE(finished_at, started_at) AS at FROM run_stages "
                f"WHERE name IN ({marks(stages)}) "
                "AND (error_kind IS NOT NULL OR error_summary IS NOT NULL) "
                "AND COALESCE(finished_at, started_at) <= ? "
                "ORDER BY at DESC, run_id DESC LIMIT ?",
                (*stages, as_of or LATER_THAN_ANY, limit),
            )
            if stages
            else []
        )
    errors = tuple(
        SourceError(
            at=r["at"],
            run_id=int(r["run_id"]),
            stage=r["name"],
            status=r["status"],
            error_kind=r["error_kind"],
            message=r["error_summary"],
        )
        for r in rows
    )
    return SourceErrors(source, health, errors)
