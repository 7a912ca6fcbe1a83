"""No upstream value crashes a parse, and a mutation costs only the item it touched.

2,000 seeded mutations of the real recorded answers (tests/fixtures/real):
random key deletions, type swaps, huge numbers, odd dates, empty strings,
unicode. A parse either returns or raises the one classified error for an
answer that is not a list/schedule at all; every item the mutations did not
touch lands exactly as it does from the intact answer.
"""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest

from app.core.errors import SchemaDriftError
from app.domain.records import Game, Quote
from app.sources.mlb_api import parse_slate
from app.sources.odds_api import parse_odds_items
from tests.support.mutations import load_real, mlb_item, mutate, nodes, odds_item, touched

MARKETS = frozenset({"h2h", "spreads", "totals", "h2h_lay"})
MLB_FILES = (
    "mlb/schedule_2022-04-07_two_postponed.json",
    "mlb/schedule_2024-05-20_live_split_doubleheader.json",
    "mlb/schedule_2024-07-01_short.json",
    "mlb/schedule_2024-08-13_linescore_offset_times.json",
)
ODDS_FILE = "odds/odds_2022-08-22_h2h_pregame_us_uk_eu.json"
ODDS_MUTANTS = 700
MLB_MUTANTS_PER_FILE = 325


def _encode(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def _odds_by_item(payload: Any) -> dict[tuple[int | str, ...], Quote]:
    """Each quote of the intact answer under the path of its outcome."""
    parsed = parse_odds_items(_encode(payload), MARKETS)
    assert parsed.drops.total == 0, parsed.drops.summary()
    by_key = {(q.event_id, q.book, q.market, q.outcome): q for e in parsed.events for q in e.quotes}
    found: dict[tuple[int | str, ...], Quote] = {}
    placed: set[Quote] = set()
    for e, event in enumerate(payload):
        for b, book in enumerate(event.get("bookmakers", [])):
            for m, market in enumerate(book["markets"]):
                for o, outcome in enumerate(market["outcomes"]):
                    key = (event["id"], book["key"], market["key"], outcome["name"])
                    if key in by_key and by_key[key] not in placed:
                        placed.add(by_key[key])
                        found[(e, "bookmakers", b, "markets", m, "outcomes", o)] = by_key[key]
    return found


def test_mutated_odds_answers_cost_only_the_touched_items() -> None:
    payload = load_real(ODDS_FILE)
    intact = _odds_by_item(payload)
    assert len(intact) > 300, "the real answer has hundreds of quotes"
    rng = random.Random(20240822)
    paths = list(nodes(payload))
    lost = 0
    for _ in range(ODDS_MUTANTS):
        mutated, changed = mutate(payload, rng, rng.randint(1, 4), paths)
        hits = [odds_item(p) for p in changed]
        # The answer stays a list: no mutation of an item may reject the whole answer.
        parsed = parse_odds_items(_encode(mutated), MARKETS)
        landed = {q for e in parsed.events for q in e.quotes}
        for path, quote in intact.items():
            if any(path[: len(hit)] == hit for hit in hits):
                lost += quote not in landed
                continue
            assert quote in landed, f"an untouched quote was lost after changes at {changed}"
    assert lost > 0, "the mutations did reach quotes"


def _mlb_games(payload: Any, day: date) -> dict[int, Game]:
    return {g.game_pk: g for g in parse_slate(_encode(payload), day).games}


def _listings(payload: Any) -> dict[int, list[tuple[int | str, ...]]]:
    where: dict[int, list[tuple[int | str, ...]]] = {}
    for d, listed in enumerate(payload["dates"]):
        for g, game in enumerate(listed["games"]):
            where.setdefault(game["gamePk"], []).append(("dates", d, "games", g))
    return where


@pytest.mark.parametrize("name", MLB_FILES)
def test_mutated_schedules_cost_only_the_touched_games(name: str) -> None:
    payload = load_real(name)
    day = date.fromisoformat(payload["dates"][0]["date"])
    intact = _mlb_games(payload, day)
    assert intact, name
    listings = _listings(payload)
    rng = random.Random(name)
    paths = list(nodes(payload))
    for _ in range(MLB_MUTANTS_PER_FILE):
        mutated, changed = mutate(payload, rng, rng.randint(1, 3), paths)
        try:
            games = _mlb_games(mutated, day)
        except SchemaDriftError:
            assert any(mlb_item(p) == ("dates",) or p == ("dates",) for p in changed), changed
            continue
        for pk, game in intact.items():
            if any(touched(path, changed, mlb_item) for path in listings[pk]):
                continue
            assert games.get(pk) == game, f"game {pk} lost after changes at {changed}"
