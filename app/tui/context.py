"""What every screen of the desk needs: its data, the settings and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.core.clock import Clock, zone
from app.core.config import Settings
from app.tui.data import DeskData


@dataclass(frozen=True)
class DeskContext:
    settings: Settings
    data: DeskData
    clock: Clock

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.settings.pipeline.timezone)
