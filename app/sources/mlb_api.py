"""MLB Stats API: the day's schedule with live linescores, normalized to ``Game``.

``GET /api/v1/schedule?sportId=1&date=YYYY-MM-DD&hydrate=linescore`` (no key).
The wire models accept only what we read and ignore every other key; they are
strict about types so that a changed upstream shows up as a ``SchemaDriftError``
naming the field, instead of as quietly wrong data.
"""

from __future__ import annotations

from datetime import UTC, date

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from app.core.clock import Clock
from app.core.config import MlbApiSettings
from app.domain.records import Game
from app.sources.http import Query, Upstream, fetch, parse_body

MLB_API = Upstream(name="MLB Stats API", settings_section="mlb_api")
SCHEDULE_PATH = "/api/v1/schedule"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, alias_generator=to_camel)


class WireTeam(_Wire):
    id: int
    name: str


class WireSide(_Wire):
    team: WireTeam
    score: int | None = None  # absent until the game starts, and for postponed games


class WireTeams(_Wire):
    away: WireSide
    home: WireSide


class WireStatus(_Wire):
    abstract_game_state: str
    coded_game_state: str
    detailed_state: str


class WireLinescoreSide(_Wire):
    runs: int | None = None


class WireLinescoreTeams(_Wire):
    away: WireLinescoreSide | None = None
    home: WireLinescoreSide | None = None


class WireLinescore(_Wire):
    current_inning: int | None = None
    inning_half: str | None = None
    inning_state: str | None = None
    teams: WireLinescoreTeams | None = None


class WireGame(_Wire):
    game_pk: int
    game_date: AwareDatetime
    official_date: date
    status: WireStatus
    teams: WireTeams
    linescore: WireLinescore | None = None
    double_header: str = "N"
    game_number: int = 1


class WireDate(_Wire):
    games: list[WireGame]


class WireSchedule(_Wire):
    dates: list[WireDate]


def normalize_game(game: WireGame) -> Game:
    line = game.linescore
    line_teams = line.teams if line is not None else None
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
        away_score=_score(game.teams.away, line_teams.away if line_teams else None),
        home_score=_score(game.teams.home, line_teams.home if line_teams else None),
        double_header=game.double_header,
        game_number=game.game_number,
    )


def _score(side: WireSide, line_side: WireLinescoreSide | None) -> int | None:
    if side.score is not None:
        return side.score
    return line_side.runs if line_side is not None else None


def parse_schedule(body: bytes, day: date) -> list[Game]:
    """The games whose *official* date is ``day``, in start order.

    A night game on the West Coast starts after midnight UTC but belongs to the
    previous official date, so the UTC date of ``gameDate`` is never used. A
    game listed twice (a suspended game resumed later) keeps its last listing.
    """
    schedule = parse_body(MLB_API, WireSchedule.model_validate_json, body)
    by_pk: dict[int, Game] = {}
    for listed in schedule.dates:
        for game in listed.games:
            if game.official_date == day:
                by_pk[game.game_pk] = normalize_game(game)
    return sorted(by_pk.values(), key=lambda g: (g.start_time, g.game_pk))


class MlbClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: MlbApiSettings,
        *,
        max_bytes: int,
        clock: Clock | None = None,
    ) -> None:
        self._http = http
        self._settings = settings
        self._max_bytes = max_bytes
        self._clock = clock or Clock()

    async def schedule(self, day: date) -> list[Game]:
        """The slate for ``day``; an off-season day is an empty list, not an error."""
        reply = await fetch(
            self._http,
            MLB_API,
            self._settings.base_url.rstrip("/") + SCHEDULE_PATH,
            Query(
                {
                    "sportId": str(self._settings.sport_id),
                    "date": day.isoformat(),
                    "hydrate": "linescore",
                }
            ),
            timeout_s=self._settings.timeout_s,
            max_bytes=self._max_bytes,
            clock=self._clock,
        )
        return parse_schedule(reply.body, day)
