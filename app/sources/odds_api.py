"""The Odds API v4: bookmaker odds for MLB, normalized to one quote per outcome.

``GET /v4/sports/{sport}/odds?apiKey=...&regions=us&markets=h2h,spreads,totals
&oddsFormat=american&dateFormat=iso``. The key is a query parameter, so the
request URL is itself a secret: see ``app.sources.http``. Every answer, errors
included, may report the account's remaining credits in ``x-requests-*``
headers; the client keeps the last ones seen in ``last_quota``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, field_validator

from app.core.clock import Clock
from app.core.config import OddsApiSettings
from app.core.logging import SECRETS
from app.domain.records import OddsEvent, Quote
from app.sources.client import SourceClient
from app.sources.http import Query, Reply, Upstream, parse_body
from app.sources.validation import Drops, Finite, Moment, Text, take

ODDS_API = Upstream(
    name="The Odds API",
    settings_section="odds_api",
    # Exhausted credits come back as a 401, not a 429: not an auth problem, not retryable.
    quota_error_codes=frozenset({"OUT_OF_USAGE_CREDITS"}),
)
# The list of sports: answers with the quota headers and costs no credits.
SPORTS_PATH = "/v4/sports"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


# American odds are <= -100 or >= +100; beyond a million to one is not a price either.
MAX_PRICE = 1_000_000
# No baseball spread or total comes near this many runs.
MAX_POINT = 100.0


class WireOutcome(_Wire):
    name: Text
    price: float  # American odds, as asked with oddsFormat=american (whole numbers)
    point: Finite | None = None  # spreads and totals only

    @field_validator("price")
    @classmethod
    def _american(cls, value: float) -> int:
        # An integral float (-110.0) is the same price; anything else is not one.
        if not math.isfinite(value) or not -MAX_PRICE <= value <= MAX_PRICE:
            raise ValueError(f"price {value:g} out of range")
        if value != int(value):
            raise ValueError(f"price {value:g} is not a whole number")
        if -100 < value < 100:
            raise ValueError(f"price {value:g}: American odds must be <= -100 or >= +100")
        return int(value)

    @field_validator("point")
    @classmethod
    def _runs(cls, value: float | None) -> float | None:
        if value is not None and abs(value) > MAX_POINT:
            raise ValueError(f"point {value:g} out of range")
        return value


class WireMarket(_Wire):
    key: Text
    last_update: Moment | None = None
    outcomes: list[Any]  # each one validated on its own


class WireBookmaker(_Wire):
    key: Text
    title: Text
    last_update: Moment | None = None
    markets: list[Any]


class WireEvent(_Wire):
    id: Text
    commence_time: Moment
    home_team: Text
    away_team: Text
    bookmakers: list[Any] = []


WIRE_EVENTS: TypeAdapter[list[Any]] = TypeAdapter(list[Any])


class QuotaHeaders(BaseModel):
    model_config = ConfigDict(frozen=True)

    remaining: int | None = None
    used: int | None = None
    last: int | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> QuotaHeaders:
        return cls(
            remaining=_header_int(headers, "x-requests-remaining"),
            used=_header_int(headers, "x-requests-used"),
            last=_header_int(headers, "x-requests-last"),
        )

    @property
    def present(self) -> bool:
        return self.remaining is not None or self.used is not None


class OddsResult(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    events: list[OddsEvent]
    quota: QuotaHeaders
    drops: Drops = Field(default_factory=Drops)


# No plan comes near this many credits: a larger count is garbage, not a number.
MAX_CREDITS = 1_000_000_000


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    """A credit count; fractional counts ("19532.0") are read, absurd ones are unknown.

    Negative, infinite, NaN or beyond ``MAX_CREDITS`` (``inf``, ``1e30``, ``-60``):
    unknown, never a number the guard would act on.
    """
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not 0 <= number <= MAX_CREDITS:  # also False for NaN
        return None
    return int(number)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def normalize_event(
    event: WireEvent, markets: frozenset[str], where: tuple[int | str, ...], drops: Drops
) -> OddsEvent:
    """Flatten bookmakers x markets x outcomes, keeping only the markets asked for.

    Each bookmaker, market and outcome is validated on its own: a misfit is
    dropped and counted, its siblings land. A book that lists the same outcome
    twice in a market keeps the first: a quote is identified by (event, book,
    market, outcome name).
    """
    quotes: list[Quote] = []
    seen: set[tuple[str, str, str]] = set()
    for b, raw_book in enumerate(event.bookmakers):
        at_book = (*where, "bookmakers", b)
        book = take(WireBookmaker, raw_book, "bookmaker", at_book, drops)
        if book is None:
            continue
        for m, raw_market in enumerate(book.markets):
            at_market = (*at_book, "markets", m)
            market = take(WireMarket, raw_market, "market", at_market, drops)
            if market is None or market.key not in markets:
                continue
            updated = _utc(market.last_update or book.last_update)
            for o, raw_outcome in enumerate(market.outcomes):
                at_outcome = (*at_market, "outcomes", o)
                outcome = take(WireOutcome, raw_outcome, "outcome", at_outcome, drops)
                if outcome is None:
                    continue
                key = (book.key, market.key, outcome.name)
                if key in seen:
                    continue
                seen.add(key)
                quotes.append(
                    Quote(
                        event_id=event.id,
                        book=book.key,
                        book_title=book.title,
                        market=market.key,
                        outcome=outcome.name,
                        price=int(outcome.price),
                        point=outcome.point,
                        book_updated_at=updated,
                    )
                )
    return OddsEvent(
        event_id=event.id,
        commence_time=event.commence_time.astimezone(UTC),
        home_team=event.home_team,
        away_team=event.away_team,
        quotes=tuple(quotes),
    )


@dataclass(frozen=True)
class ParsedOdds:
    events: list[OddsEvent]
    drops: Drops


def parse_odds_items(body: bytes, markets: frozenset[str]) -> ParsedOdds:
    """The events of an answer, item by item; only a body that is not a list is drift."""
    raw_events = parse_body(ODDS_API, WIRE_EVENTS.validate_json, body)
    drops = Drops()
    events: list[OddsEvent] = []
    seen: set[str] = set()
    for e, raw_event in enumerate(raw_events):
        event = take(WireEvent, raw_event, "event", (e,), drops)
        if event is None:
            continue
        if event.id in seen:
            drops.add("event", f"event id listed twice at [{e}].id")
            continue
        seen.add(event.id)
        events.append(normalize_event(event, markets, (e,), drops))
    return ParsedOdds(events, drops)


def parse_odds(body: bytes, markets: frozenset[str]) -> list[OddsEvent]:
    return parse_odds_items(body, markets).events


class OddsClient(SourceClient[OddsApiSettings]):
    upstream = ODDS_API

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: OddsApiSettings,
        api_key: SecretStr,
        *,
        max_bytes: int,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(http, settings, max_bytes=max_bytes, clock=clock)
        self._api_key = api_key
        # Whatever happens to the call, the redactor must know the value.
        SECRETS.register(api_key.get_secret_value())
        self.last_quota: QuotaHeaders | None = None

    def _remember_quota(self, headers: httpx.Headers) -> None:
        quota = QuotaHeaders.from_headers(headers)
        # A 401 often comes without the headers: keep the last numbers we knew.
        if quota.present:
            self.last_quota = quota

    async def _get_keyed(self, path: str, public: dict[str, str]) -> Reply:
        """GET ``path`` with the key; the quota headers of every answer are remembered."""
        query = Query(public=public, secret={"apiKey": self._api_key})
        return await self._get(path, query, on_headers=self._remember_quota)

    async def check_quota(self) -> QuotaHeaders:
        """Re-read the credits with ``GET /v4/sports``, which costs none (documented as free)."""
        reply = await self._get_keyed(SPORTS_PATH, {})
        return QuotaHeaders.from_headers(reply.headers)

    async def odds(self) -> OddsResult:
        settings = self._settings
        reply = await self._get_keyed(
            f"/v4/sports/{settings.sport}/odds",
            {
                "regions": ",".join(settings.regions),
                "markets": ",".join(settings.markets),
                "oddsFormat": "american",
                "dateFormat": "iso",
            },
        )
        parsed = parse_odds_items(reply.body, frozenset(settings.markets))
        return OddsResult(
            events=parsed.events, quota=QuotaHeaders.from_headers(reply.headers), drops=parsed.drops
        )
