"""Render the simulated slate in the exact wire shapes of the two real APIs.

Keys and nesting follow the recorded fixtures in ``tests/fixtures`` (and carry
the usual extra keys the real services send), so the real parsers run on them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.sources.sim_slate import BOOKS, HalfInning, SimGame, SimTeam, Slate

MLB_COPYRIGHT = (
    "Copyright 2025 MLB Advanced Media, L.P.  Use of any content on this page acknowledges "
    "agreement to the terms posted here http://gdx.mlb.com/components/copyright.txt"
)

_STATUS: dict[str, dict[str, Any]] = {
    "scheduled": {
        "abstractGameState": "Preview",
        "codedGameState": "S",
        "detailedState": "Scheduled",
        "statusCode": "S",
        "startTimeTBD": False,
        "abstractGameCode": "P",
    },
    "pregame": {
        "abstractGameState": "Preview",
        "codedGameState": "P",
        "detailedState": "Pre-Game",
        "statusCode": "P",
        "startTimeTBD": False,
        "abstractGameCode": "P",
    },
    "live": {
        "abstractGameState": "Live",
        "codedGameState": "I",
        "detailedState": "In Progress",
        "statusCode": "I",
        "startTimeTBD": False,
        "abstractGameCode": "L",
    },
    "final": {
        "abstractGameState": "Final",
        "codedGameState": "F",
        "detailedState": "Final",
        "statusCode": "F",
        "startTimeTBD": False,
        "abstractGameCode": "F",
    },
    # MLB reports a rainout as abstract "Final" with coded state D.
    "postponed": {
        "abstractGameState": "Final",
        "codedGameState": "D",
        "detailedState": "Postponed",
        "statusCode": "DR",
        "startTimeTBD": False,
        "reason": "Rain",
        "abstractGameCode": "F",
    },
}

_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def wire_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


def _team_ref(team: SimTeam) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "link": f"/api/v1/teams/{team.id}"}


def _half(half: HalfInning | None) -> dict[str, Any]:
    if half is None:
        return {"hits": 0, "errors": 0, "leftOnBase": 0}  # not played: no "runs" key
    return {"runs": half.runs, "hits": half.hits, "errors": 0, "leftOnBase": half.left_on_base}


def _side(game: SimGame, home: bool) -> dict[str, Any]:
    team = game.home if home else game.away
    wins, losses = game.home_record if home else game.away_record
    side: dict[str, Any] = {
        "leagueRecord": {
            "wins": wins,
            "losses": losses,
            "pct": f"{wins / (wins + losses):.3f}"[1:],
        },
    }
    if game.phase in ("live", "final"):
        side["score"] = game.home_score if home else game.away_score
    side["team"] = _team_ref(team)
    if game.phase == "final":
        mine, theirs = (
            (game.home_score, game.away_score) if home else (game.away_score, game.home_score)
        )
        side["isWinner"] = mine > theirs
    side["splitSquad"] = False
    side["seriesNumber"] = 24
    return side


def _linescore(game: SimGame) -> dict[str, Any]:
    inning = game.inning or 1
    half = "Top" if game.top else "Bottom"
    innings = [
        {"num": n, "ordinalNum": _ordinal(n), "home": _half(i.home), "away": _half(i.away)}
        for n, i in enumerate(game.innings, start=1)
    ]

    def totals(home: bool) -> dict[str, Any]:
        halves = [i.home if home else i.away for i in game.innings]
        played = [h for h in halves if h is not None]
        entry: dict[str, Any] = {
            "runs": sum(h.runs for h in played),
            "hits": sum(h.hits for h in played),
            "errors": 0,
            "leftOnBase": sum(h.left_on_base for h in played),
        }
        if game.phase == "final":
            entry["isWinner"] = (game.home_score > game.away_score) == home
        return entry

    return {
        "currentInning": inning,
        "currentInningOrdinal": _ordinal(inning),
        "inningState": half,
        "inningHalf": half,
        "isTopInning": game.top,
        "scheduledInnings": 9,
        "innings": innings,
        "teams": {"home": totals(home=True), "away": totals(home=False)},
        "balls": 0,
        "strikes": 0,
        "outs": 3 if game.phase == "final" else 0,
    }


def mlb_game(game: SimGame) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "gamePk": game.game_pk,
        "gameGuid": game.guid,
        "link": f"/api/v1.1/game/{game.game_pk}/feed/live",
        "gameType": "R",
        "season": str(game.official_date.year),
        "gameDate": wire_time(game.start),
        "officialDate": game.official_date.isoformat(),
        "status": dict(_STATUS[game.phase]),
        "teams": {"away": _side(game, home=False), "home": _side(game, home=True)},
    }
    if game.phase in ("live", "final"):
        payload["linescore"] = _linescore(game)
    payload.update(
        {
            "venue": {
                "id": 1000 + game.home.id,
                "name": f"{game.home.name} Park",
                "link": f"/api/v1/venues/{1000 + game.home.id}",
            },
            "content": {"link": f"/api/v1/game/{game.game_pk}/content"},
            "gameNumber": game.game_number,
            "publicFacing": True,
            "doubleHeader": game.double_header,
            "gamedayType": "P",
            "tiebreaker": "N",
            "calendarEventID": f"14-{game.game_pk}-{game.official_date.isoformat()}",
            "seasonDisplay": str(game.official_date.year),
            "dayNight": "day" if game.start.astimezone(UTC).hour < 21 else "night",
            "scheduledInnings": 9,
            "reverseHomeAwayStatus": False,
            "inningBreakLength": 120,
            "gamesInSeries": 3,
            "seriesGameNumber": game.game_number,
            "seriesDescription": "Regular Season",
            "recordSource": "S",
            "ifNecessary": "N",
            "ifNecessaryDescription": "Normal Game",
        }
    )
    return payload


def mlb_schedule(slate: Slate, day: date | None) -> dict[str, Any]:
    """The schedule answer: the slate on its official date, an empty ``dates`` otherwise."""
    games = [mlb_game(g) for g in slate.games] if day == slate.official_date else []
    live = sum(1 for g in slate.games if g.phase == "live") if games else 0
    counts = {
        "totalItems": len(games),
        "totalEvents": 0,
        "totalGames": len(games),
        "totalGamesInProgress": live,
    }
    dates = (
        [{"date": slate.official_date.isoformat(), **counts, "games": games, "events": []}]
        if games
        else []
    )
    return {"copyright": MLB_COPYRIGHT, **counts, "dates": dates}


def odds_event(game: SimGame, markets: list[str], with_books: bool) -> dict[str, Any]:
    bookmakers = []
    for book in BOOKS if with_books else ():
        book_markets = []
        for market in markets:
            line = game.lines[(book.key, market)]
            points = line.points(market)
            outcomes = []
            for name, price, point in zip(line.names, line.prices, points, strict=True):
                outcome: dict[str, Any] = {"name": name, "price": price}
                if point is not None:
                    outcome["point"] = point
                outcomes.append(outcome)
            book_markets.append(
                {"key": market, "last_update": wire_time(line.last_update), "outcomes": outcomes}
            )
        if book_markets:
            latest = max(game.lines[(book.key, m)].last_update for m in markets)
            bookmakers.append(
                {
                    "key": book.key,
                    "title": book.title,
                    "last_update": wire_time(latest),
                    "markets": book_markets,
                }
            )
    return {
        "id": game.event_id,
        "sport_key": "baseball_mlb",
        "sport_title": "MLB",
        "commence_time": wire_time(game.start),
        "home_team": game.home.odds_name,
        "away_team": game.away.odds_name,
        "bookmakers": bookmakers,
    }


def odds_events(slate: Slate, markets: list[str], with_books: bool) -> list[dict[str, Any]]:
    return [odds_event(g, markets, with_books) for g in slate.games if g.has_odds]


def odds_error(code: str, message: str) -> dict[str, str]:
    anchor = code.lower().replace("_", "-")
    return {
        "message": message,
        "error_code": code,
        "details_url": f"https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#{anchor}",
    }
