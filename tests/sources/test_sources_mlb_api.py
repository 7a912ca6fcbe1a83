"""The MLB Stats API schedule parses into Game by official date; misfits name their field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from app.core.errors import SchemaDriftError
from app.domain.records import Game
from app.sources.mlb_api import MlbClient

MakeHttp = Callable[[Callable[[httpx.Request], httpx.Response]], httpx.AsyncClient]
DAY = date(2025, 6, 14)


def serve(mock_http: MakeHttp, payload: Any, seen: list[httpx.Request] | None = None) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, content=json.dumps(payload).encode())

    return mock_http(answer)


async def schedule(
    mock_http: MakeHttp, settings: Settings, payload: Any, day: date = DAY
) -> list[Game]:
    client = MlbClient(
        serve(mock_http, payload),
        settings.mlb_api,
        max_bytes=settings.resilience.max_response_bytes,
    )
    return await client.schedule(day)


async def test_the_recorded_slate_parses_into_games(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    seen: list[httpx.Request] = []
    client = MlbClient(
        serve(mock_http, mlb_payload, seen),
        settings.mlb_api,
        max_bytes=settings.resilience.max_response_bytes,
    )

    games = await client.schedule(DAY)

    assert [request.url.path for request in seen] == ["/api/v1/schedule"]
    assert seen[0].url.host == "statsapi.mlb.com"
    assert dict(seen[0].url.params) == {
        "sportId": "1",
        "date": "2025-06-14",
        "hydrate": "linescore",
    }
    assert seen[0].extensions["timeout"]["read"] == settings.mlb_api.timeout_s
    final, live = games
    assert final == Game(
        game_pk=777363,
        official_date=DAY,
        start_time=datetime(2025, 6, 14, 23, 15, tzinfo=UTC),
        away_team_id=147,
        away_team="New York Yankees",
        home_team_id=111,
        home_team="Boston Red Sox",
        abstract_state="Final",
        status_code="F",
        status="Final",
        inning=9,
        inning_half="Bottom",
        away_score=6,
        home_score=4,
        double_header="N",
        game_number=1,
    )
    # In progress, top of the 6th; the bottom half has not been played (no "runs" key).
    assert (live.game_pk, live.abstract_state, live.status_code, live.status) == (
        777370,
        "Live",
        "I",
        "In Progress",
    )
    assert (live.inning, live.inning_half, live.away_score, live.home_score) == (6, "Top", 2, 3)
    assert (live.away_team_id, live.home_team_id) == (135, 119)
    # First pitch is on the 15th in UTC, but the game belongs to the 14th.
    assert live.start_time == datetime(2025, 6, 15, 2, 10, tzinfo=UTC)
    assert live.start_time.tzinfo is UTC
    assert live.official_date == DAY


async def test_games_are_bucketed_by_official_date_not_utc_date(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    # 777370 starts at 02:10 UTC on the 15th: it is still not a game of the 15th.
    assert await schedule(mock_http, settings, mlb_payload, date(2025, 6, 15)) == []


async def test_postponed_and_not_started_games_have_no_score_or_inning(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    games = mlb_payload["dates"][0]["games"]
    for game in games:
        del game["linescore"]
        for side in ("away", "home"):
            del game["teams"][side]["score"]
            del game["teams"][side]["probablePitcher"]
            game["teams"][side].pop("isWinner", None)
    games[0]["status"] = {
        "abstractGameState": "Final",
        "codedGameState": "D",
        "detailedState": "Postponed",
        "statusCode": "DR",
        "reason": "Rain",
    }
    games[1]["status"] = {
        "abstractGameState": "Preview",
        "codedGameState": "S",
        "detailedState": "Scheduled",
    }

    postponed, scheduled = await schedule(mock_http, settings, mlb_payload)

    assert (postponed.status_code, postponed.status) == ("D", "Postponed")
    assert (scheduled.abstract_state, scheduled.status_code) == ("Preview", "S")
    for game in (postponed, scheduled):
        assert (game.inning, game.inning_half, game.away_score, game.home_score) == (
            None,
            None,
            None,
            None,
        )


async def test_a_doubleheader_keeps_both_games(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    first = mlb_payload["dates"][0]["games"][0]
    second = json.loads(json.dumps(first))
    second.update({"gamePk": 777364, "gameNumber": 2, "gameDate": "2025-06-15T00:20:00Z"})
    first["doubleHeader"] = second["doubleHeader"] = "S"
    mlb_payload["dates"][0]["games"].insert(1, second)

    games = await schedule(mock_http, settings, mlb_payload)

    pair = [g for g in games if g.home_team_id == 111]
    assert [(g.game_pk, g.game_number, g.double_header) for g in pair] == [
        (777363, 1, "S"),
        (777364, 2, "S"),
    ]


async def test_scores_fall_back_to_the_linescore(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    live = mlb_payload["dates"][0]["games"][1]
    del live["teams"]["away"]["score"]
    del live["teams"]["home"]["score"]
    games = await schedule(mock_http, settings, mlb_payload)
    assert (games[1].away_score, games[1].home_score) == (2, 3)


async def test_unknown_keys_anywhere_are_ignored(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    expected = await schedule(mock_http, settings, mlb_payload)
    mlb_payload["brandNewTopLevel"] = {"x": 1}
    day = mlb_payload["dates"][0]
    day["newDayKey"] = [1, 2]
    for game in day["games"]:
        game["newGameKey"] = "?"
        game["status"]["newStatusKey"] = True
        game["teams"]["home"]["team"]["franchiseName"] = "Something"
        game["linescore"]["pitchClock"] = {"seconds": 15}
    assert await schedule(mock_http, settings, mlb_payload) == expected


async def test_an_off_season_day_is_an_empty_slate(mock_http: MakeHttp, settings: Settings) -> None:
    payload = {"copyright": "...", "totalItems": 0, "totalGames": 0, "dates": []}
    assert await schedule(mock_http, settings, payload) == []


async def test_a_game_listed_twice_is_kept_once(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    # A suspended game shows up under two dates; both listings carry one gamePk.
    mlb_payload["dates"].append(json.loads(json.dumps(mlb_payload["dates"][0])))
    games = await schedule(mock_http, settings, mlb_payload)
    assert [g.game_pk for g in games] == [777363, 777370]


def _set(path: list[Any], value: Any = None) -> Callable[[Any], None]:
    """Set a key; without a value, the key is present but null."""

    def mutate(payload: Any) -> None:
        target = payload
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _drop(path: list[Any]) -> Callable[[Any], None]:
    def mutate(payload: Any) -> None:
        target = payload
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (_drop(["dates", 0, "games", 1, "gamePk"]), "dates[0].games[1].gamePk"),
        (_set(["dates", 0, "games", 1, "gamePk"]), "dates[0].games[1].gamePk"),  # null
        (_set(["dates", 0, "games", 0, "gamePk"], "777363"), "dates[0].games[0].gamePk"),
        (_set(["dates"], {"games": []}), "dates"),
        (_drop(["dates"]), "dates"),
        (_set(["dates", 0, "games"], None), "dates[0].games"),
        (_set(["dates", 0, "games", 1, "teams", "home", "team", "id"], "119"),
         "dates[0].games[1].teams.home.team.id"),
        (_set(["dates", 0, "games", 1, "teams", "away", "score"], 2.5),
         "dates[0].games[1].teams.away.score"),
        (_drop(["dates", 0, "games", 0, "status", "codedGameState"]),
         "dates[0].games[0].status.codedGameState"),
        (_set(["dates", 0, "games", 0, "gameDate"], "2025-06-14T23:15:00"),
         "dates[0].games[0].gameDate"),
        (_set(["dates", 0, "games", 0, "officialDate"], "June 14"),
         "dates[0].games[0].officialDate"),
        (_set(["dates", 0, "games", 1, "linescore", "currentInning"], "6"),
         "dates[0].games[1].linescore.currentInning"),
    ],
)  # fmt: skip
async def test_a_misfit_names_the_field_path(
    mock_http: MakeHttp,
    settings: Settings,
    mlb_payload: Any,
    mutate: Callable[[Any], None],
    field: str,
) -> None:
    mutate(mlb_payload)
    with pytest.raises(SchemaDriftError) as caught:
        await schedule(mock_http, settings, mlb_payload)
    error = caught.value
    assert error.source == "MLB Stats API"
    assert error.field == field
    assert f"at '{field}'" in error.message
    assert error.__context__ is None


async def test_a_schema_drift_message_does_not_echo_values(
    mock_http: MakeHttp, settings: Settings, mlb_payload: Any
) -> None:
    mlb_payload["dates"][0]["games"][0]["gamePk"] = "SENTINEL-VALUE"
    with pytest.raises(SchemaDriftError) as caught:
        await schedule(mock_http, settings, mlb_payload)
    assert "SENTINEL-VALUE" not in str(caught.value)
