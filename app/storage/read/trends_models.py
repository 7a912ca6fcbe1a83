"""The trends screen's read models (no SQL driver imported: the desk may hold them)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from app.domain.quota_forecast import QuotaForecast


@dataclass(frozen=True)
class Series:
    """Values oldest first, with their unit; the numbers shown beside a sparkline."""

    label: str
    unit: str
    values: tuple[float, ...]

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None


@dataclass(frozen=True)
class SourceTrend:
    source: str
    latency: Series  # ms per call (or per stage, before the history: ``latency_measured``)
    retries: Series  # retries per call (attempts after the first)
    latency_measured: str  # "calls" (source_health_history) or "stages" (run_stages)
    openings: int  # breaker openings in the window
    last_opened_at: str | None
    circuit_state: str
    consecutive_failures: int


@dataclass(frozen=True)
class TrendsReport:
    since: str
    window_h: float
    run_durations: Series  # s, finished runs
    sources: tuple[SourceTrend, ...]
    credits: Series  # credits each run spent
    quota_left: Series  # credits left after each run
    forecast: QuotaForecast | None  # None: no quota numbers stored yet

    @property
    def runs(self) -> int:
        return len(self.credits.values)
