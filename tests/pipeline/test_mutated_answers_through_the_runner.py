"""Mutated real answers through the real runner: no run raises, untouched games land."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from typing import Any

import httpx

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.secrets import StaticSecrets
from app.pipeline.runner import PipelineRunner
from app.storage.database import Database
from tests.support.mutations import load_real, mlb_item, mutate, nodes

RUNS = 60
DAY = date(2024, 8, 13)


class Mutants(httpx.AsyncBaseTransport):
    """Answers each request with a fresh mutant of the real answer for that endpoint."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mlb = load_real("mlb/schedule_2024-08-13_linescore_offset_times.json")
        self.odds = load_real("odds/odds_2022-08-22_h2h_pregame_us_uk_eu.json")
        self.mlb_paths = list(nodes(self.mlb))
        self.odds_paths = list(nodes(self.odds))
        self.mlb_changed: list[tuple[int | str, ...]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/schedule":
            body, self.mlb_changed = mutate(self.mlb, self.rng, 2, self.mlb_paths)
        else:
            body, _ = mutate(self.odds, self.rng, 3, self.odds_paths)
        headers = {"x-requests-remaining": self.rng.choice(["inf", "1e30", "-60", "4000", "x"])}
        return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)


def _untouched_games(payload: Any, changed: list[tuple[int | str, ...]]) -> int:
    hits = [mlb_item(p) for p in changed]
    if any(len(hit) < 2 for hit in hits if hit[0] == "dates"):
        return 0
    return sum(
        1
        for d, listed in enumerate(payload["dates"])
        for g, _ in enumerate(listed["games"])
        if not any(("dates", d, "games", g)[: len(hit)] == hit for hit in hits)
    )


async def test_no_mutated_answer_crashes_a_run(db: Database, settings: Settings) -> None:
    transport = Mutants(random.Random(20240813))
    clock = FixedClock(datetime(2024, 8, 13, 16, 0, tzinfo=UTC))
    settings.quota.reserve_credits = 0
    settings.pipeline.devig_method = "proportional"  # the power solver is slow, not tested here
    runner = PipelineRunner(
        db,
        settings,
        transport=transport,
        secrets=StaticSecrets({"odds-api-key": "mutation-key-0123456789"}),
        clock=clock,
    )
    outcomes: dict[str, int] = {}
    for _ in range(RUNS):
        clock.advance(300)
        result = await runner.run("cli", DAY)
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        schedule = {s.name: s for s in result.stages}["schedule"]
        if schedule.status == "ok":
            landed = int((schedule.detail or "0").split()[0].replace("no", "0"))
            assert landed >= _untouched_games(transport.mlb, transport.mlb_changed), schedule
    assert set(outcomes) <= {"ok", "degraded", "failed"}, outcomes
    assert outcomes.get("ok", 0) > RUNS // 2, outcomes
