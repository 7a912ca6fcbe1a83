"""Domain records for tests: one game written out in full, changed field by field."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from app.domain.records import Game

SLATE_DAY = date(2025, 6, 14)


def live_game(pk: int = 777370, **changes: Any) -> Game:
    """Padres at Dodgers on the 2025-06-14 slate, top of the 6th, 3-2; ``changes`` override."""
    base = Game(
        game_pk=pk,
        official_date=SLATE_DAY,
        start_time=datetime(2025, 6, 15, 2, 10, tzinfo=UTC),
        away_team_id=135,
        away_team="San Diego Padres",
        home_team_id=119,
        home_team="Los Angeles Dodgers",
        abstract_state="Live",
        status_code="I",
        status="In Progress",
        inning=6,
        inning_half="Top",
        away_score=3,
        home_score=2,
        double_header="N",
        game_number=1,
    )
    return dataclasses.replace(base, **changes)
