"""Upstream answers become classified errors that never carry the key, the URL or its query."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import (
    AuthError,
    ConfigurationError,
    PermanentError,
    PressboxError,
    QuotaError,
    SchemaDriftError,
    TransientError,
)
from app.core.logging import MASK, SECRETS
from app.sources.http import Query, Upstream, field_path, parse_retry_after, safe_text, status_error
from app.sources.mlb_api import MlbClient
from app.sources.odds_api import ODDS_API, OddsClient, QuotaHeaders

MakeHttp = Callable[[Callable[[httpx.Request], httpx.Response]], httpx.AsyncClient]
DAY = date(2025, 6, 14)
QUOTA = {"x-requests-remaining": "19532", "x-requests-used": "468", "x-requests-last": "3"}


def odds_client(http: httpx.AsyncClient, settings: Settings, key: str, **kw: Any) -> OddsClient:
    return OddsClient(
        http,
        settings.odds_api,
        SecretStr(key),
        max_bytes=kw.pop("max_bytes", settings.resilience.max_response_bytes),
        **kw,
    )


def mlb_client(http: httpx.AsyncClient, settings: Settings, **kw: Any) -> MlbClient:
    return MlbClient(
        http,
        settings.mlb_api,
        max_bytes=kw.pop("max_bytes", settings.resilience.max_response_bytes),
        **kw,
    )


def assert_no_leak(exc: PressboxError, key: str) -> None:
    """Nothing a person or a log could see names the key, the request URL or its query."""
    rendered = [
        str(exc),
        repr(exc),
        exc.one_line(),
        exc.message,
        exc.hint,
        *(str(arg) for arg in exc.args),
        "".join(traceback.format_exception(exc)),
    ]
    for text in rendered:
        assert key not in text
        assert "apiKey=" not in text.replace(f"apiKey={MASK}", "")
        for fragment in ("regions=", "oddsFormat", "/v4/sports", "sportId", "?"):
            assert fragment not in text, f"{fragment!r} leaked into {text!r}"
    assert "\n" not in exc.one_line()
    # The httpx exception (whose str is the URL) is neither the cause nor the context.
    assert exc.__cause__ is None
    assert exc.__context__ is None


# -- The Odds API's documented errors -----------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "status", "error_type", "code"),
    [
        ("401_invalid_key", 401, AuthError, "INVALID_KEY"),
        ("401_out_of_usage_credits", 401, QuotaError, "OUT_OF_USAGE_CREDITS"),
        ("422_missing_region", 422, PermanentError, "MISSING_REGION"),
        ("429_exceeded_freq_limit", 429, TransientError, "EXCEEDED_FREQ_LIMIT"),
    ],
)
async def test_odds_api_error_fixtures_are_classified(
    mock_http: MakeHttp,
    settings: Settings,
    api_key: str,
    error_payloads: dict[str, Any],
    fixture: str,
    status: int,
    error_type: type[PressboxError],
    code: str,
) -> None:
    body = error_payloads[fixture]
    headers = {"retry-after": "2"} if status == 429 else {}
    http = mock_http(lambda request: httpx.Response(status, json=body, headers=headers))

    with pytest.raises(error_type) as caught:
        await odds_client(http, settings, api_key).odds()

    error = caught.value
    assert type(error) is error_type
    assert error.retryable is (status == 429)
    assert error.message.startswith("The Odds API")
    assert f"HTTP {status} {code}" in error.message
    assert body["message"].split(".")[0] in error.message  # the upstream's own words
    assert_no_leak(error, api_key)
    if status == 429:
        assert isinstance(error, TransientError)
        assert error.retry_after_s == 2.0


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (500, TransientError),
        (502, TransientError),
        (503, TransientError),
        (504, TransientError),
        (401, AuthError),
        (403, AuthError),
        (400, PermanentError),
        (404, PermanentError),
        (410, PermanentError),
        (422, PermanentError),
        (302, PermanentError),
    ],
)
async def test_every_status_maps_to_a_kind(
    mock_http: MakeHttp, settings: Settings, status: int, error_type: type[PressboxError]
) -> None:
    http = mock_http(lambda request: httpx.Response(status, json={"message": "nope"}))

    with pytest.raises(PressboxError) as caught:
        await mlb_client(http, settings).schedule(DAY)

    assert type(caught.value) is error_type
    assert caught.value.message.startswith("MLB Stats API")
    assert f"HTTP {status}" in caught.value.message
    assert_no_leak(caught.value, "statsapi")


async def test_a_401_without_out_of_credits_code_is_auth_even_for_the_odds_api(
    mock_http: MakeHttp, settings: Settings, api_key: str
) -> None:
    http = mock_http(lambda request: httpx.Response(401, text="Unauthorized"))
    with pytest.raises(AuthError) as caught:
        await odds_client(http, settings, api_key).odds()
    assert caught.value.message == "The Odds API refused the credentials (HTTP 401)"


# -- transport failures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "words"),
    [
        (httpx.ReadTimeout, "did not answer in time (read timeout)"),
        (httpx.ConnectTimeout, "did not answer in time (connect timeout)"),
        (httpx.PoolTimeout, "did not answer in time (connection pool timeout)"),
        (httpx.ConnectError, "could not be reached (connection failed)"),
        (httpx.RemoteProtocolError, "could not be reached (protocol error)"),
        (httpx.ReadError, "could not be reached (ReadError)"),
    ],
)
async def test_transport_errors_are_transient_and_do_not_chain_httpx(
    mock_http: MakeHttp,
    settings: Settings,
    api_key: str,
    raised: type[httpx.TransportError],
    words: str,
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        # httpx's messages name the URL; make sure ours cannot inherit it.
        raise raised(f"failed for {request.url}", request=request)

    http = mock_http(fail)
    with pytest.raises(TransientError) as caught:
        await odds_client(http, settings, api_key).odds()

    assert caught.value.message == f"The Odds API {words}"
    assert caught.value.retry_after_s is None
    assert_no_leak(caught.value, api_key)


async def test_a_malformed_base_url_is_a_configuration_error(
    mock_http: MakeHttp, settings: Settings
) -> None:
    http = mock_http(lambda request: httpx.Response(200, json={"dates": []}))
    bad = replace(settings.mlb_api, base_url="http://[::1")
    client = MlbClient(http, bad, max_bytes=1000)
    with pytest.raises(ConfigurationError) as caught:
        await client.schedule(DAY)
    assert "mlb_api.base_url" in caught.value.one_line()


# -- no leak, even when the upstream echoes the request ----------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 429, 500, 503])
async def test_an_echoed_request_url_is_scrubbed_from_the_message(
    mock_http: MakeHttp, settings: Settings, api_key: str, status: int
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apiKey"] == api_key  # the key really was sent
        return httpx.Response(
            status,
            json={
                "message": f"Bad request GET {request.url} (key {api_key}) see apiKey={api_key}",
                "error_code": "BAD_THING",
            },
        )

    http = mock_http(echo)
    with pytest.raises(PressboxError) as caught:
        await odds_client(http, settings, api_key).odds()

    assert_no_leak(caught.value, api_key)
    # The useful part survives: who, what status, what code, and the host.
    assert "https://api.the-odds-api.com" in caught.value.message
    assert f"HTTP {status} BAD_THING" in caught.value.message


def test_safe_text_scrubs_an_unregistered_key_and_keeps_one_short_line() -> None:
    SECRETS.clear()
    text = safe_text(
        "Failed:\n GET https://user:pw@api.example.com:8443/v4/odds?apiKey=abc123xyz&regions=us"
        " then retried with apiKey=abc123xyz and token=t0k3n " + "x" * 400
    )
    assert "abc123xyz" not in text
    assert "t0k3n" not in text
    assert "user:pw" not in text
    assert "https://api.example.com " in text
    assert f"apiKey={MASK}" in text
    assert "\n" not in text
    assert len(text) <= 200


def test_status_error_ignores_a_non_json_or_odd_error_body() -> None:
    upstream = Upstream("The Odds API", "odds_api", frozenset({"OUT_OF_USAGE_CREDITS"}))
    now = datetime(2025, 6, 14, tzinfo=UTC)
    html = status_error(upstream, 502, httpx.Headers(), b"<html>Bad gateway</html>", now)
    assert html.message == "The Odds API had a server error (HTTP 502)"
    weird = status_error(
        upstream, 401, httpx.Headers(), b'{"error_code": "not a code!", "message": 5}', now
    )
    assert type(weird) is AuthError
    assert weird.message == "The Odds API refused the credentials (HTTP 401)"


def test_query_repr_masks_the_secret_and_reveal_gives_it_to_httpx() -> None:
    query = Query({"regions": "us"}, {"apiKey": SecretStr("s3cr3t-value")})
    assert "s3cr3t-value" not in repr(query)
    assert "s3cr3t-value" not in str(query)
    assert repr(query) == f"Query(regions=us, apiKey={MASK})"
    assert query.reveal() == {"regions": "us", "apiKey": "s3cr3t-value"}


# -- Retry-After -------------------------------------------------------------------------

NOW = datetime(2025, 6, 14, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("Sat, 14 Jun 2025 20:00:30 GMT", 30.0),
        ("Sat, 14 Jun 2025 19:59:00 GMT", 0.0),  # already past: go now
        ("Sunday, 15-Jun-25 20:00:00 GMT", 86_400.0),  # the obsolete RFC 850 form
        ("soon", None),
        ("", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_parsing(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


async def test_a_429_carries_retry_after_from_an_http_date(
    mock_http: MakeHttp, settings: Settings
) -> None:
    headers = {"retry-after": "Sat, 14 Jun 2025 20:00:45 GMT"}
    http = mock_http(lambda request: httpx.Response(429, headers=headers))
    client = mlb_client(http, settings, clock=FixedClock(NOW))
    with pytest.raises(TransientError) as caught:
        await client.schedule(DAY)
    assert caught.value.retry_after_s == 45.0


# -- size limit and bodies ---------------------------------------------------------------


async def test_a_declared_oversized_body_is_refused_before_reading(
    mock_http: MakeHttp, settings: Settings
) -> None:
    http = mock_http(lambda request: httpx.Response(200, content=b"[" + b" " * 2000 + b"]"))
    with pytest.raises(PermanentError) as caught:
        await mlb_client(http, settings, max_bytes=1000).schedule(DAY)
    assert "larger than the 1000-byte limit" in caught.value.message
    assert "resilience.max_response_bytes" in caught.value.hint


async def test_an_undeclared_oversized_stream_is_cut_off_early(
    mock_http: MakeHttp, settings: Settings
) -> None:
    produced: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for index in range(1000):
            produced.append(index)
            yield b"x" * 100

    # No content-length: the limit must be enforced while streaming.
    http = mock_http(lambda request: httpx.Response(200, content=endless()))
    with pytest.raises(PermanentError) as caught:
        await mlb_client(http, settings, max_bytes=1000).schedule(DAY)
    assert "1000-byte limit" in caught.value.message
    assert len(produced) < 20  # stopped reading, did not buffer 100 kB


async def test_a_body_at_the_limit_is_accepted(mock_http: MakeHttp, settings: Settings) -> None:
    body = b'{"dates": []}'
    http = mock_http(lambda request: httpx.Response(200, content=body))
    games = await mlb_client(http, settings, max_bytes=len(body)).schedule(DAY)
    assert games == []


async def test_invalid_json_is_schema_drift(mock_http: MakeHttp, settings: Settings) -> None:
    http = mock_http(lambda request: httpx.Response(200, content=b"<html>maintenance</html>"))
    with pytest.raises(SchemaDriftError) as caught:
        await mlb_client(http, settings).schedule(DAY)
    assert caught.value.field == "response body"
    assert caught.value.message == (
        "MLB Stats API answered with an unexpected shape at 'response body': it is not valid JSON"
    )
    assert caught.value.__context__ is None


def test_field_path_renders_indexes_and_names() -> None:
    assert field_path(("dates", 0, "games", 3, "gamePk")) == "dates[0].games[3].gamePk"
    assert field_path((0, "bookmakers", 2, "key")) == "[0].bookmakers[2].key"
    assert field_path(()) == "response body"


# -- quota headers on errors -------------------------------------------------------------


async def test_quota_headers_are_kept_from_error_answers(
    mock_http: MakeHttp, settings: Settings, api_key: str
) -> None:
    answers = iter(
        [
            httpx.Response(429, headers={**QUOTA, "x-requests-last": "0"}),
            httpx.Response(401, json={"error_code": "INVALID_KEY", "message": "bad"}),
        ]
    )
    http = mock_http(lambda request: next(answers))
    client = odds_client(http, settings, api_key)
    assert client.last_quota is None

    with pytest.raises(TransientError):
        await client.odds()
    assert client.last_quota == QuotaHeaders(remaining=19532, used=468, last=0)

    # A 401 often comes without the headers: the last known numbers stay.
    with pytest.raises(AuthError):
        await client.odds()
    assert client.last_quota == QuotaHeaders(remaining=19532, used=468, last=0)


def test_a_429_without_retry_after_does_not_claim_a_server_pause() -> None:
    now = datetime(2025, 6, 14, tzinfo=UTC)
    body = b'{"message": "slow down", "error_code": "EXCEEDED_FREQ_LIMIT"}'
    asked = status_error(ODDS_API, 429, httpx.Headers({"retry-after": "3"}), body, now)
    silent = status_error(ODDS_API, 429, httpx.Headers(), body, now)
    assert isinstance(asked, TransientError) and isinstance(silent, TransientError)
    assert asked.retry_after_s == 3.0 and "the pause the server asked for" in asked.one_line()
    assert silent.retry_after_s is None
    assert "the pause the server asked for" not in silent.one_line()
    assert "no Retry-After" in silent.one_line()
