"""Simulated MLB Stats API and The Odds API, served to real httpx clients.

``SimulatedUpstream`` is an ``httpx.AsyncBaseTransport``: give it to an
``httpx.AsyncClient`` and the real clients, parsers, retries and breakers run
against it with no network. It routes by path, whatever the host:

* ``/api/v1/schedule`` — the demo slate on the clock's official date;
* ``/v4/sports/baseball_mlb/odds`` — odds for every game not yet final, with
  ``x-requests-*`` quota headers and The Odds API's error shapes.

State changes only in ``advance()`` (and the explicit test hooks), so two
requests without an ``advance()`` in between get identical payloads and a
pipeline run stores no new line moves. Prices move on every step, the games on
every ``STEPS_PER_TICK``-th; a finished card is followed by a fresh one on the
same official date (``sim_slate`` explains the pacing, the cards and the
prices), so a demo left running never runs dry. Faults come from ``fault_every`` (a
fixed rotation: a 429 burst, a 500, a read timeout; the retries absorb these), from
``inject()``, and with ``scripted_faults`` from ``FAULT_SCRIPT``: the demo's first
minutes bring a 429 burst, a timeout streak that opens the odds breaker (and its
recovery after the cooldown) and a quota dip, each one visible on the desk.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal, get_args

import httpx

from app.core.clock import Clock
from app.domain.records import Game
from app.sources import sim_payloads as payloads
from app.sources.mlb_api import WireGame, normalize_game
from app.sources.sim_slate import MARKETS, SimGame, Slate

Api = Literal["mlb", "odds"]
FaultKind = Literal[
    "rate_limit",  # one 429 with Retry-After: 1
    "rate_limit_burst",  # two 429s in a row
    "server_error",  # 500
    "timeout",  # httpx.ReadTimeout raised by the transport
    "connect_error",  # httpx.ConnectError raised by the transport
    "invalid_key",  # The Odds API: 401 INVALID_KEY
    "out_of_credits",  # The Odds API: 401 OUT_OF_USAGE_CREDITS
    "malformed",  # 200 with a body that is not JSON
    "drift",  # 200 with JSON of the wrong shape
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
# What fault_every cycles through: what an operator should see the desk survive.
FAULT_ROTATION: tuple[FaultKind, ...] = ("rate_limit_burst", "server_error", "timeout")
_ODDS_ONLY: frozenset[str] = frozenset({"invalid_key", "out_of_credits"})

# The demo's first minutes (one step per run, 5 s apart by default), so that an operator
# sees on the desk and in `health` what the resilience layer does, not only in the log.
# Each entry: the step it starts at, the fault, how many odds calls it hits. Four calls
# outlast the default retry (4 attempts): the run is degraded and the breaker counts it;
# three such runs in a row open it (threshold 3); after its cooldown (300 s) the next
# call goes through and closes it again.
SCRIPT_RETRIES = 4
FAULT_SCRIPT: tuple[tuple[int, FaultKind, int], ...] = (
    (6, "rate_limit", SCRIPT_RETRIES),  # a 429 burst: one degraded run
    (9, "timeout", SCRIPT_RETRIES),  # a timeout streak: three degraded runs ...
    (10, "timeout", SCRIPT_RETRIES),
    (11, "timeout", SCRIPT_RETRIES),  # ... and the odds breaker opens
)
# The quota dips just under the low-credits warning (1000; two answers report it), then
# the plan is topped up. Not deeper nor longer: the quota guard paces what is left over
# the days left in the month, and a held-back call brings no new quota headers, so a
# dip that trips the guard would never see the top-up.
QUOTA_DIP_STEP = 2
QUOTA_DIP_REMAINING = 990
QUOTA_TOP_UP_STEP = 4

SCHEDULE_PATH = "/api/v1/schedule"
_ODDS_PATH = re.compile(r"^/v4/sports/(?P<sport>[^/]+)/odds/?$")
SIM_SPORT = "baseball_mlb"
SIM_REGIONS = frozenset({"us", "us2", "uk", "eu", "au"})
_BOOK_REGION = "us"  # every simulated book is a US book
RETRY_AFTER_S = 1
STARTING_CREDITS = 20_000
STARTING_USED = 468


# Keyword-only: the view's own fields follow Game's defaulted ones.
@dataclass(frozen=True, slots=True, kw_only=True)
class SimGameView(Game):
    """One simulated game as the schedule reports it, plus what only the simulation knows."""

    event_id: str
    odds_away_team: str  # the names /odds uses, which may differ from MLB's
    odds_home_team: str
    phase: str  # scheduled / pregame / live / final / postponed
    has_odds: bool


def _view(game: SimGame) -> SimGameView:
    # The game fields go through the real parser, so a view never disagrees with the answer.
    wire = WireGame.model_validate_json(json.dumps(payloads.mlb_game(game)))
    scheduled = normalize_game(wire)
    return SimGameView(
        **{f.name: getattr(scheduled, f.name) for f in fields(Game)},
        event_id=game.event_id,
        odds_away_team=game.away.odds_name,
        odds_home_team=game.home.odds_name,
        phase=game.phase,
        has_odds=game.has_odds,
    )


class SimulatedUpstream(httpx.AsyncBaseTransport):
    def __init__(
        self,
        seed: int,
        clock: Clock,
        *,
        fault_every: int = 0,
        timezone: str = "America/New_York",
        scripted_faults: bool = False,
    ) -> None:
        if fault_every < 0:
            raise ValueError("fault_every must be 0 (off) or positive")
        self._clock = clock
        self._timezone = timezone
        self._slate = Slate.build(seed, clock.official_date(timezone), clock.now(), timezone)
        self.fault_every = fault_every
        self.requests_served = 0
        self.quota_used = STARTING_USED
        self.quota_remaining = STARTING_CREDITS - STARTING_USED
        self._rotation = 0
        self._due: deque[tuple[FaultKind, Api | None]] = deque()
        self.scripted_faults = scripted_faults

    # -- the simulation -------------------------------------------------------

    @property
    def official_date(self) -> date:
        return self._slate.official_date

    @property
    def step(self) -> int:
        return self._slate.step

    @property
    def card(self) -> int:
        """How many cards opened on this official date before the one on the board."""
        return self._slate.card

    def advance(self, steps: int = 1) -> None:
        """Move the day on: a few prices move every step, the games every few steps."""
        for _ in range(steps):
            now = self._clock.now()
            self._slate.advance(now, self._clock.official_date(self._timezone))
        if self.scripted_faults:
            # Only the step reached: a process that replays many steps at once
            # (`pressbox run --demo`) meets the script's fault of its own step only.
            self._play_script(self._slate.step)

    def _play_script(self, step: int) -> None:
        for start, kind, calls in FAULT_SCRIPT:
            if start == step:
                self._due.extend([(kind, "odds")] * calls)
        if step == QUOTA_DIP_STEP:
            self.quota_used += self.quota_remaining - QUOTA_DIP_REMAINING
            self.quota_remaining = QUOTA_DIP_REMAINING
        elif step == QUOTA_TOP_UP_STEP:
            self.quota_used = STARTING_USED
            self.quota_remaining = STARTING_CREDITS - STARTING_USED

    def games(self) -> list[SimGameView]:
        """Every game of the card on the board, in start order (postponed and final included)."""
        return [_view(g) for g in self._slate.games]

    def events(self) -> list[SimGameView]:
        """The games ``/odds`` lists right now, in the order it lists them."""
        return [_view(g) for g in self._slate.games if g.has_odds]

    def price(self, event_id: str, book: str, market: str, outcome: str) -> int:
        game = self._game_by_event(event_id)
        line = game.lines[(book, market)]
        return line.prices[line.names.index(outcome)]

    def move_price(self, event: int | str, book: str, market: str, outcome: str, delta: int) -> int:
        """Move one quoted price; ``event`` is an index into ``events()`` or an event id.

        Returns the new American price. Exactly one quote changes.
        """
        game_id = self.events()[event].event_id if isinstance(event, int) else event
        return self._slate.move_price(
            self._game_by_event(game_id), book, market, outcome, delta, self._clock.now()
        )

    def _game_by_event(self, event_id: str) -> SimGame:
        for game in self._slate.games:
            if game.event_id == event_id:
                return game
        raise KeyError(f"no simulated event {event_id}")

    # -- faults -----------------------------------------------------------------

    def inject(self, kind: FaultKind, *, api: Api | None = None) -> None:
        """Make the next request (to ``api``, or to either) fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        target: Api | None = "odds" if kind in _ODDS_ONLY else api
        if kind == "rate_limit_burst":
            self._due.extend([("rate_limit", target), ("rate_limit", target)])
        else:
            self._due.append((kind, target))

    def _next_fault(self, api: Api | None) -> FaultKind | None:
        for index, (kind, target) in enumerate(self._due):
            if target is None or target == api:
                del self._due[index]
                return kind
        if self.fault_every and self.requests_served % self.fault_every == 0:
            kind = FAULT_ROTATION[self._rotation % len(FAULT_ROTATION)]
            self._rotation += 1
            if kind == "rate_limit_burst":
                # The burst's second 429 meets the retry of this very call.
                self._due.append(("rate_limit", api))
                return "rate_limit"
            return kind
        return None

    # -- HTTP -------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests_served += 1
        path = request.url.path
        odds_match = _ODDS_PATH.match(path)
        api: Api | None = "mlb" if path == SCHEDULE_PATH else "odds" if odds_match else None
        fault = self._next_fault(api)
        if fault is not None:
            return self._fault(fault, api, request)
        if api == "mlb":
            return self._schedule(request)
        if odds_match is not None:
            return self._odds(request, odds_match.group("sport"))
        return _json(404, {"message": "Not Found"}, request)

    def _schedule(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        day_text = params.get("date")
        day: date | None
        try:
            # Without a date the real service answers for today.
            day = date.fromisoformat(day_text) if day_text else self._slate.official_date
        except ValueError:
            return _json(400, {"messageNumber": 1, "message": "Invalid date"}, request)
        if params.get("sportId", "1") != "1":
            day = None  # only MLB (sportId 1) is simulated
        return _json(200, payloads.mlb_schedule(self._slate, day), request)

    def _odds(self, request: httpx.Request, sport: str) -> httpx.Response:
        params = request.url.params
        if not params.get("apiKey"):
            return _json(
                401,
                payloads.odds_error(
                    "MISSING_KEY", "API key is missing. Get an API key at https://the-odds-api.com"
                ),
                request,
            )
        if sport != SIM_SPORT:
            body = payloads.odds_error("UNKNOWN_SPORT", "Unknown sport. Check the sport key")
            return _json(404, body, request, self._quota(0))
        regions = _csv(params.get("regions", ""))
        if not regions:
            body = payloads.odds_error("MISSING_REGION", "Missing regions or bookmakers key")
            return _json(422, body, request, self._quota(0))
        markets = _csv(params.get("markets", "h2h"))
        bad_region = next((r for r in regions if r not in SIM_REGIONS), None)
        if bad_region is not None:
            body = payloads.odds_error("INVALID_REGION", f"Invalid region: {bad_region}")
            return _json(422, body, request, self._quota(0))
        bad_market = next((m for m in markets if m not in MARKETS), None)
        if bad_market is not None:
            body = payloads.odds_error("INVALID_MARKET", f"Invalid market: {bad_market}")
            return _json(422, body, request, self._quota(0))
        if params.get("oddsFormat", "decimal") != "american":
            body = payloads.odds_error(
                "INVALID_ODDS_FORMAT", "The simulator quotes American odds only"
            )
            return _json(422, body, request, self._quota(0))
        events = payloads.odds_events(self._slate, markets, _BOOK_REGION in regions)
        # An empty answer costs nothing; otherwise markets x regions.
        cost = len(markets) * len(regions) if events else 0
        if cost > self.quota_remaining:
            body = payloads.odds_error(
                "OUT_OF_USAGE_CREDITS",
                "Usage quota has been reached. See usage plans at https://the-odds-api.com",
            )
            return _json(401, body, request, self._quota(0))
        self.quota_remaining -= cost
        self.quota_used += cost
        return _json(200, events, request, self._quota(cost))

    def _quota(self, last: int) -> dict[str, str]:
        return {
            "x-requests-remaining": str(self.quota_remaining),
            "x-requests-used": str(self.quota_used),
            "x-requests-last": str(last),
        }

    def _fault(self, kind: FaultKind, api: Api | None, request: httpx.Request) -> httpx.Response:
        quota = self._quota(0) if api == "odds" else {}
        if kind == "timeout":
            raise httpx.ReadTimeout("simulated read timeout", request=request)
        if kind == "connect_error":
            raise httpx.ConnectError("simulated connection refused", request=request)
        if kind in ("rate_limit", "rate_limit_burst"):
            body: Any = (
                payloads.odds_error(
                    "EXCEEDED_FREQ_LIMIT",
                    "Requests are being sent too frequently. Retry after a few seconds.",
                )
                if api == "odds"
                else {"messageNumber": 429, "message": "Too Many Requests"}
            )
            headers = {**quota, "retry-after": str(RETRY_AFTER_S)}
            return _json(429, body, request, headers)
        if kind == "server_error":
            return _json(500, {"message": "Internal Server Error"}, request, quota)
        if kind == "invalid_key":
            body = payloads.odds_error(
                "INVALID_KEY", "API key is not valid. Get an API key at https://the-odds-api.com"
            )
            return _json(401, body, request)
        if kind == "out_of_credits":
            body = payloads.odds_error(
                "OUT_OF_USAGE_CREDITS",
                "Usage quota has been reached. See usage plans at https://the-odds-api.com",
            )
            return _json(401, body, request, quota)
        if kind == "malformed":
            return httpx.Response(
                200,
                headers={"content-type": "application/json", **quota},
                content=b'{"dates": [{"games": [',
                request=request,
            )
        # drift: valid JSON in a shape neither parser accepts
        drifted: Any = {"dates": {"games": []}} if api == "mlb" else {"data": []}
        return _json(200, drifted, request, quota)


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _json(
    status: int,
    body: Any,
    request: httpx.Request,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.Response(
        status,
        headers={"content-type": "application/json", **(headers or {})},
        content=json.dumps(body, separators=(",", ":")).encode(),
        request=request,
    )
