"""MLB Stats API: the day's schedule with live linescores, normalized to ``Game``.

``GET /api/v1/schedule?sportId=1&date=YYYY-MM-DD&hydrate=linescore`` (no key).
The wire models accept only what we read and ignore every other key; they are
strict about types so that a changed upstream shows up as a ``SchemaDriftError``
naming the field, instead of as quietly wrong data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.core.config import MlbApiSettings
from app.domain.game_status import PRE_GAME, GameStatus, classify
from app.domain.records import Game
from app.sources.client import SourceClient
from app.sources.http import Query, Upstream, parse_body
from app.sources.validation import Day, Drops, Id, Moment, SmallCount, Text, take

MLB_API = Upstream(name="MLB Stats API", settings_section="mlb_api")
SCHEDULE_PATH = "/api/v1/schedule"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, alias_generator=to_camel)


class WireTeam(_Wire):
    id: Id
    name: Text


class WireSide(_Wire):
    team: WireTeam
    score: SmallCount | None = None  # absent until the game starts, and for postponed games


class WireTeams(_Wire):
    away: WireSide
    home: WireSide


class WireStatus(_Wire):
    abstract_game_state: Text
    coded_game_state: Text
    detailed_state: Text
    reason: Text | None = None  # "Rain"
    start_time_tbd: bool = False  # gameDate is a placeholder (…T07:33:00Z)


class WireLinescoreSide(_Wire):
    runs: SmallCount | None = None


class WireLinescoreTeams(_Wire):
    away: WireLinescoreSide | None = None
    home: WireLinescoreSide | None = None


class WireLinescore(_Wire):
    current_inning: SmallCount | None = None
    inning_half: Text | None = None
    inning_state: Text | None = None
    teams: WireLinescoreTeams | None = None


class WireGame(_Wire):
    game_pk: Id
    game_date: Moment
    official_date: Day
    status: WireStatus
    teams: WireTeams
    linescore: WireLinescore | None = None
    double_header: Text = "N"
    game_number: Annotated[int, Field(ge=1, le=9)] = 1
    reschedule_game_date: Day | None = None  # a postponed game's make-up date
    resume_game_date: Day | None = None  # a suspended game's resumption date


class WireDate(_Wire):
    date: Day | None = None  # the listing date
    games: list[Any]  # each game validated on its own


class WireSchedule(_Wire):
    dates: list[Any]


def normalize_game(game: WireGame, listed_on: date | None = None) -> Game:
    """The game as pressbox sees it; ``listed_on`` is the dates[] entry it came from."""
    line = game.linescore
    line_teams = line.teams if line is not None else None
    status = game.status
    classified = classify(
        status.coded_game_state, status.detailed_state, status.abstract_game_state, status.reason
    )
    # MLB sends "score": 0 before first pitch; a game not started has no score yet.
    started = classified.status not in PRE_GAME and classified.status not in (
        GameStatus.POSTPONED,
        GameStatus.CANCELLED,
    )
    return Game(
        game_pk=game.game_pk,
        official_date=game.official_date,
        start_time=game.game_date.astimezone(UTC),
        away_team_id=game.teams.away.team.id,
        away_team=game.teams.away.team.name,
        home_team_id=game.teams.home.team.id,
        home_team=game.teams.home.team.name,
        abstract_state=game.status.abstract_game_state,
        status_code=game.status.coded_game_state,
        status=game.status.detailed_state,
        inning=line.current_inning if line is not None else None,
        inning_half=(line.inning_half or line.inning_state) if line is not None else None,
        away_score=_score(game.teams.away, line_teams.away if line_teams else None)
        if started
        else None,
        home_score=_score(game.teams.home, line_teams.home if line_teams else None)
        if started
        else None,
        double_header=game.double_header,
        game_number=game.game_number,
        status_category=classified.status.value,
        status_reason=classified.reason,
        reschedule_date=game.reschedule_game_date or game.resume_game_date,
        start_tbd=status.start_time_tbd,
        also_on=listed_on if listed_on is not None and listed_on != game.official_date else None,
    )


def _score(side: WireSide, line_side: WireLinescoreSide | None) -> int | None:
    if side.score is not None:
        return side.score
    return line_side.runs if line_side is not None else None


@dataclass(frozen=True)
class Slate:
    games: list[Game]
    drops: Drops


def parse_slate(body: bytes, day: date) -> Slate:
    """The slate of ``day``, in start order, game by game.

    The slate is every game MLB lists under ``day``'s dates[] entry or whose
    ``officialDate`` is ``day``: a postponed game stays on its original day
    (listed there, with ``officialDate`` the make-up date) and appears again on
    the make-up day. A night game on the West Coast starts after midnight UTC
    but belongs to the previous official date, so the UTC date of ``gameDate``
    is never used. A game listed twice keeps its last listing (and the other
    day it is listed on). A game that does not fit is dropped and counted.
    """
    schedule = parse_body(MLB_API, WireSchedule.model_validate_json, body)
    drops = Drops()
    by_pk: dict[int, Game] = {}
    for d, raw_date in enumerate(schedule.dates):
        listed = take(WireDate, raw_date, "date", ("dates", d), drops)
        if listed is None:
            continue
        for g, raw_game in enumerate(listed.games):
            game = take(WireGame, raw_game, "game", ("dates", d, "games", g), drops)
            if game is None or day not in (game.official_date, listed.date):
                continue
            found = normalize_game(game, listed.date)
            earlier = by_pk.get(game.game_pk)
            if found.also_on is None and earlier is not None and earlier.also_on is not None:
                found = replace(found, also_on=earlier.also_on)
            by_pk[game.game_pk] = found
    return Slate(sorted(by_pk.values(), key=lambda g: (g.start_time, g.game_pk)), drops)


def parse_schedule(body: bytes, day: date) -> list[Game]:
    return parse_slate(body, day).games


class MlbClient(SourceClient[MlbApiSettings]):
    upstream = MLB_API

    async def schedule(self, day: date) -> list[Game]:
        """The slate for ``day``; an off-season day is an empty list, not an error."""
        return (await self.slate(day)).games

    async def slate(self, day: date) -> Slate:
        """The slate for ``day`` with the games that were dropped as misfits."""
        reply = await self._get(
            SCHEDULE_PATH,
            Query(
                {
                    "sportId": str(self._settings.sport_id),
                    "date": day.isoformat(),
                    "hydrate": "linescore",
                }
            ),
        )
        return parse_slate(reply.body, day)
