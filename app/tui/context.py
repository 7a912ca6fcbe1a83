"""What every screen of the desk needs: its data, the settings and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from app.core.clock import Clock, zone
from app.core.config import Settings
from app.tui.data import DeskData
from app.tui.timefmt import TimeView


@dataclass(frozen=True)
class DeskContext:
    settings: Settings
    data: DeskData
    clock: Clock
    # Relative or absolute times, switched for every screen at once (`T`).
    times: TimeView = field(default_factory=TimeView)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.settings.pipeline.timezone)
