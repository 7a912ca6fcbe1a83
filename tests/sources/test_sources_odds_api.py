"""The Odds API v4 odds parse into one quote per (event, book, market, outcome)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.errors import SchemaDriftError
from app.core.logging import MASK, SECRETS
from app.domain.records import Quote
from app.sources.odds_api import OddsClient, OddsResult, QuotaHeaders, parse_odds

MakeHttp = Callable[[Callable[[httpx.Request], httpx.Response]], httpx.AsyncClient]
QUOTA = {"x-requests-remaining": "19532", "x-requests-used": "468", "x-requests-last": "3"}
RED_SOX_YANKEES = "e3b1f5c2a7d94b6f8c0d1a2b3c4d5e6f"
DODGERS_PADRES = "4f9a2c7e1b8d4e0a9c3f5b7d2e6a8c1f"


async def fetch(
    mock_http: MakeHttp,
    settings: Settings,
    api_key: str,
    payload: Any,
    headers: dict[str, str] | None = None,
    seen: list[httpx.Request] | None = None,
) -> OddsResult:
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, content=json.dumps(payload).encode(), headers=headers)

    client = OddsClient(
        mock_http(answer),
        settings.odds_api,
        SecretStr(api_key),
        max_bytes=settings.resilience.max_response_bytes,
    )
    return await client.odds()


def quote(result: OddsResult, event: str, book: str, market: str, outcome: str) -> Quote:
    (found,) = [
        q
        for e in result.events
        if e.event_id == event
        for q in e.quotes
        if (q.book, q.market, q.outcome) == (book, market, outcome)
    ]
    return found


async def test_the_request_carries_the_documented_parameters(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    seen: list[httpx.Request] = []
    await fetch(mock_http, settings, api_key, odds_payload, QUOTA, seen)

    (request,) = seen
    assert request.method == "GET"
    assert request.url.host == "api.the-odds-api.com"
    assert request.url.path == "/v4/sports/baseball_mlb/odds"
    assert dict(request.url.params) == {
        "apiKey": api_key,
        "regions": "us",
        "markets": "h2h,spreads,totals",
        "oddsFormat": "american",
        "dateFormat": "iso",
    }
    assert request.extensions["timeout"]["read"] == settings.odds_api.timeout_s


async def test_the_recorded_odds_parse(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    result = await fetch(mock_http, settings, api_key, odds_payload, QUOTA)

    assert result.quota == QuotaHeaders(remaining=19532, used=468, last=3)
    first, second = result.events
    assert (first.event_id, first.home_team, first.away_team) == (
        RED_SOX_YANKEES,
        "Boston Red Sox",
        "New York Yankees",
    )
    assert first.commence_time == datetime(2025, 6, 14, 23, 15, tzinfo=UTC)
    assert second.commence_time == datetime(2025, 6, 15, 2, 10, tzinfo=UTC)
    # 3 books x (2 h2h + 2 spreads + 2 totals) outcomes.
    assert len(first.quotes) == len(second.quotes) == 18
    assert {q.book for q in first.quotes} == {"draftkings", "fanduel", "betmgm"}
    assert {q.book_title for q in first.quotes} == {"DraftKings", "FanDuel", "BetMGM"}

    assert quote(result, RED_SOX_YANKEES, "draftkings", "h2h", "New York Yankees") == Quote(
        event_id=RED_SOX_YANKEES,
        book="draftkings",
        book_title="DraftKings",
        market="h2h",
        outcome="New York Yankees",
        price=-135,
        point=None,
        book_updated_at=datetime(2025, 6, 14, 18, 1, 44, tzinfo=UTC),
    )
    spread = quote(result, RED_SOX_YANKEES, "fanduel", "spreads", "Boston Red Sox")
    assert (spread.price, spread.point) == (-170, 1.5)
    # BetMGM hangs 9 where the others hang 9.5: the point is kept per quote.
    totals = {q.book: q.point for q in first.quotes if q.market == "totals" and q.outcome == "Over"}
    assert totals == {"draftkings": 9.5, "fanduel": 9.5, "betmgm": 9.0}
    under = quote(result, RED_SOX_YANKEES, "betmgm", "totals", "Under")
    assert (under.price, under.point) == (100, 9.0)
    # The market's own last_update wins over the bookmaker's.
    dk_over = quote(result, RED_SOX_YANKEES, "draftkings", "totals", "Over")
    assert dk_over.book_updated_at == datetime(2025, 6, 14, 17, 58, 10, tzinfo=UTC)
    # BetMGM's stale Padres price, the deliberate outlier.
    assert quote(result, DODGERS_PADRES, "betmgm", "h2h", "San Diego Padres").price == 145


async def test_outcomes_are_matched_by_name_not_position(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    expected = await fetch(mock_http, settings, api_key, odds_payload)
    for event in odds_payload:
        for book in event["bookmakers"]:
            for market in book["markets"]:
                market["outcomes"].reverse()
    reordered = await fetch(mock_http, settings, api_key, odds_payload)

    def as_set(result: OddsResult) -> set[Quote]:
        return {q for e in result.events for q in e.quotes}

    assert as_set(reordered) == as_set(expected)


async def test_only_the_configured_markets_are_requested_and_kept(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    settings.odds_api.markets = ["h2h"]
    seen: list[httpx.Request] = []
    # The recorded answer still holds every market: the extra ones are dropped.
    result = await fetch(mock_http, settings, api_key, odds_payload, seen=seen)
    assert seen[0].url.params["markets"] == "h2h"
    assert {q.market for e in result.events for q in e.quotes} == {"h2h"}
    assert sum(len(e.quotes) for e in result.events) == 12


async def test_missing_quota_headers_are_unknown_not_zero(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    result = await fetch(mock_http, settings, api_key, odds_payload, {"x-requests-used": "oops"})
    assert result.quota == QuotaHeaders(remaining=None, used=None, last=None)
    assert not result.quota.present


async def test_an_empty_board_is_not_an_error(
    mock_http: MakeHttp, settings: Settings, api_key: str
) -> None:
    result = await fetch(mock_http, settings, api_key, [], {**QUOTA, "x-requests-last": "0"})
    assert result.events == []
    assert result.quota.last == 0


async def test_an_event_without_bookmakers_has_no_quotes(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    del odds_payload[0]["bookmakers"]
    odds_payload[1]["bookmakers"] = []
    result = await fetch(mock_http, settings, api_key, odds_payload)
    assert [len(e.quotes) for e in result.events] == [0, 0]


async def test_unknown_keys_are_ignored(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    expected = await fetch(mock_http, settings, api_key, odds_payload)
    for event in odds_payload:
        event["new_event_key"] = {"nested": True}
        for book in event["bookmakers"]:
            book["link"] = "https://book.example/event"
            for market in book["markets"]:
                market["link"] = None
                for outcome in market["outcomes"]:
                    outcome["description"] = "extra"
                    outcome["sid"] = 12
    assert await fetch(mock_http, settings, api_key, odds_payload) == expected


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ([0, "bookmakers", 1, "markets", 0, "outcomes", 0, "price"], "112",
         "[0].bookmakers[1].markets[0].outcomes[0].price"),
        ([0, "bookmakers", 1, "markets", 0, "outcomes", 0, "price"], 1.91,
         "[0].bookmakers[1].markets[0].outcomes[0].price"),
        ([1, "bookmakers", 2, "markets", 2, "outcomes", 1, "point"], "8.5",
         "[1].bookmakers[2].markets[2].outcomes[1].point"),
        ([0, "commence_time"], "2025-06-14 23:15", "[0].commence_time"),
        ([1, "id"], None, "[1].id"),
        ([0, "bookmakers"], {"draftkings": []}, "[0].bookmakers"),
        ([0, "bookmakers", 0, "markets", 0, "outcomes"], None,
         "[0].bookmakers[0].markets[0].outcomes"),
    ],
)  # fmt: skip
async def test_a_misfit_names_the_field_path(
    mock_http: MakeHttp,
    settings: Settings,
    api_key: str,
    odds_payload: Any,
    path: list[Any],
    value: Any,
    field: str,
) -> None:
    target = odds_payload
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(SchemaDriftError) as caught:
        await fetch(mock_http, settings, api_key, odds_payload)
    assert caught.value.source == "The Odds API"
    assert caught.value.field == field


async def test_a_missing_required_key_names_it(
    mock_http: MakeHttp, settings: Settings, api_key: str, odds_payload: Any
) -> None:
    del odds_payload[1]["bookmakers"][0]["markets"][1]["outcomes"][0]["name"]
    with pytest.raises(SchemaDriftError) as caught:
        await fetch(mock_http, settings, api_key, odds_payload)
    assert caught.value.field == "[1].bookmakers[0].markets[1].outcomes[0].name"


async def test_an_object_instead_of_the_event_list_is_drift(
    mock_http: MakeHttp, settings: Settings, api_key: str
) -> None:
    with pytest.raises(SchemaDriftError) as caught:
        await fetch(mock_http, settings, api_key, {"data": []})
    assert caught.value.field == "response body"
    assert "valid array" in caught.value.message


async def test_the_key_is_registered_for_redaction(
    mock_http: MakeHttp, settings: Settings, api_key: str
) -> None:
    SECRETS.clear()
    assert api_key in SECRETS.redact(f"key={api_key}")
    await fetch(mock_http, settings, api_key, [])
    assert SECRETS.redact(f"key={api_key}") == f"key={MASK}"


@pytest.mark.parametrize("bad_price", [0, 50, -99, 99])
def test_price_between_minus_and_plus_100_is_drift(bad_price: int, odds_payload: Any) -> None:
    payload = odds_payload
    payload[0]["bookmakers"][0]["markets"][0]["outcomes"][0]["price"] = bad_price
    with pytest.raises(SchemaDriftError) as info:
        parse_odds(json.dumps(payload).encode(), frozenset({"h2h", "spreads", "totals"}))
    assert "[0].bookmakers[0].markets[0].outcomes[0].price" in str(info.value)
