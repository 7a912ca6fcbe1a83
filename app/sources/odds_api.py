"""The Odds API v4: bookmaker odds for MLB, normalized to one quote per outcome.

``GET /v4/sports/{sport}/odds?apiKey=...&regions=us&markets=h2h,spreads,totals
&oddsFormat=american&dateFormat=iso``. The key is a query parameter, so the
request URL is itself a secret: see ``app.sources.http``. Every answer, errors
included, may report the account's remaining credits in ``x-requests-*``
headers; the client keeps the last ones seen in ``last_quota``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, SecretStr, TypeAdapter, field_validator

from app.core.clock import Clock
from app.core.config import OddsApiSettings
from app.core.logging import SECRETS
from app.domain.records import OddsEvent, Quote
from app.sources.http import Query, Upstream, fetch, parse_body

ODDS_API = Upstream(
    name="The Odds API",
    settings_section="odds_api",
    # Exhausted credits come back as a 401, not a 429: not an auth problem, not retryable.
    quota_error_codes=frozenset({"OUT_OF_USAGE_CREDITS"}),
)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class WireOutcome(_Wire):
    name: str
    price: int  # American odds, as asked with oddsFormat=american
    point: float | None = None  # spreads and totals only

    @field_validator("price")
    @classmethod
    def _american(cls, value: int) -> int:
        # American odds are <= -100 or >= +100; anything between is not a price.
        if -100 < value < 100:
            raise ValueError("American odds must be <= -100 or >= +100")
        return value


class WireMarket(_Wire):
    key: str
    last_update: AwareDatetime | None = None
    outcomes: list[WireOutcome]


class WireBookmaker(_Wire):
    key: str
    title: str
    last_update: AwareDatetime | None = None
    markets: list[WireMarket]


class WireEvent(_Wire):
    id: str
    commence_time: AwareDatetime
    home_team: str
    away_team: str
    bookmakers: list[WireBookmaker] = []


WIRE_EVENTS: TypeAdapter[list[WireEvent]] = TypeAdapter(list[WireEvent])


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
    model_config = ConfigDict(frozen=True)

    events: list[OddsEvent]
    quota: QuotaHeaders


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    # The service has sent fractional counts ("19532.0"); anything else unreadable is unknown.
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def normalize_event(event: WireEvent, markets: frozenset[str]) -> OddsEvent:
    """Flatten bookmakers x markets x outcomes, keeping only the markets asked for.

    A book that lists the same outcome twice in a market keeps the first: a
    quote is identified by (event, book, market, outcome name).
    """
    quotes: list[Quote] = []
    seen: set[tuple[str, str, str]] = set()
    for book in event.bookmakers:
        for market in book.markets:
            if market.key not in markets:
                continue
            updated = _utc(market.last_update or book.last_update)
            for outcome in market.outcomes:
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
                        price=outcome.price,
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


def parse_odds(body: bytes, markets: frozenset[str]) -> list[OddsEvent]:
    events = parse_body(ODDS_API, WIRE_EVENTS.validate_json, body)
    return [normalize_event(event, markets) for event in events]


class OddsClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: OddsApiSettings,
        api_key: SecretStr,
        *,
        max_bytes: int,
        clock: Clock | None = None,
    ) -> None:
        self._http = http
        self._settings = settings
        self._api_key = api_key
        self._max_bytes = max_bytes
        self._clock = clock or Clock()
        # Whatever happens to the call, the redactor must know the value.
        SECRETS.register(api_key.get_secret_value())
        self.last_quota: QuotaHeaders | None = None

    def _remember_quota(self, headers: httpx.Headers) -> None:
        quota = QuotaHeaders.from_headers(headers)
        # A 401 often comes without the headers: keep the last numbers we knew.
        if quota.present:
            self.last_quota = quota

    async def odds(self) -> OddsResult:
        settings = self._settings
        reply = await fetch(
            self._http,
            ODDS_API,
            f"{settings.base_url.rstrip('/')}/v4/sports/{settings.sport}/odds",
            Query(
                public={
                    "regions": ",".join(settings.regions),
                    "markets": ",".join(settings.markets),
                    "oddsFormat": "american",
                    "dateFormat": "iso",
                },
                secret={"apiKey": self._api_key},
            ),
            timeout_s=settings.timeout_s,
            max_bytes=self._max_bytes,
            clock=self._clock,
            on_headers=self._remember_quota,
        )
        events = parse_odds(reply.body, frozenset(settings.markets))
        return OddsResult(events=events, quota=QuotaHeaders.from_headers(reply.headers))
