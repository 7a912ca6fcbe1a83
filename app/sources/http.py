"""One GET against an upstream API, turned into bytes or a classified error.

httpx's own exceptions and ``raise_for_status()`` messages carry the full
request URL, and The Odds API key travels in its query string (``?apiKey=``).
Nothing from an httpx exception is ever put into our messages, and our errors
are raised *outside* the ``except`` blocks so that the httpx exception is not
even attached as ``__context__`` (a traceback renderer would print it).

The request parameters travel as a ``Query`` whose ``repr`` masks the secret,
so a traceback that shows local variables does not print the key either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr, ValidationError

from app.core.clock import Clock
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

T = TypeVar("T")

# Upstream messages are shown to operators; keep them to one short line.
_MAX_UPSTREAM_MESSAGE = 200
_URL = re.compile(r"https?://[^\s'\"<>()]+", re.IGNORECASE)
_CREDENTIAL_PARAM = re.compile(r"(?i)\b(api_?key|key|token|access_token)=[^&\s'\"]+")
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Upstream:
    """What the error messages need to know about an API."""

    name: str  # shown to people: "The Odds API"
    settings_section: str  # where its URL and parameters live: "odds_api"
    # error_code values that mean "quota exhausted" (The Odds API sends them as 401).
    quota_error_codes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Query:
    """Query parameters, some of them secret; the secret ones never show in a repr."""

    public: Mapping[str, str]
    secret: Mapping[str, SecretStr] = field(default_factory=dict)

    def reveal(self) -> dict[str, str]:
        # The only place a secret parameter becomes plain text: the httpx call site.
        return {**self.public, **{k: v.get_secret_value() for k, v in self.secret.items()}}

    def __repr__(self) -> str:
        shown = [f"{k}={v}" for k, v in self.public.items()]
        shown += [f"{k}={MASK}" for k in self.secret]
        return f"Query({', '.join(shown)})"

    __str__ = __repr__


@dataclass(frozen=True)
class Reply:
    """A successful (2xx) answer, fully read and within the size limit."""

    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True)
class UpstreamDetail:
    """The ``error_code`` / ``message`` an upstream put in an error body, made safe to show."""

    error_code: str | None = None
    message: str | None = None

    def suffix(self) -> str:
        parts = [p for p in (self.error_code, self.message) if p]
        return f" {': '.join(parts)}" if parts else ""


# ---------------------------------------------------------------------------
# The exchange


async def fetch(
    http: httpx.AsyncClient,
    upstream: Upstream,
    url: str,
    query: Query,
    *,
    timeout_s: float,
    max_bytes: int,
    clock: Clock,
    on_headers: Callable[[httpx.Headers], None] | None = None,
) -> Reply:
    """GET ``url`` and return the 2xx answer, or raise a classified ``PressboxError``.

    ``on_headers`` sees the response headers of every answer, errors included
    (The Odds API reports the remaining quota on them).
    """
    outcome = await _exchange(http, upstream, url, query, timeout_s, max_bytes, on_headers)
    if isinstance(outcome, PressboxError):
        raise outcome
    if 200 <= outcome.status < 300:
        return outcome
    raise status_error(upstream, outcome.status, outcome.headers, outcome.body, clock.now())


async def _exchange(
    http: httpx.AsyncClient,
    upstream: Upstream,
    url: str,
    query: Query,
    timeout_s: float,
    max_bytes: int,
    on_headers: Callable[[httpx.Headers], None] | None,
) -> Reply | PressboxError:
    """Do the request; return the raw answer or the error to raise (never raise httpx's)."""
    try:
        async with http.stream("GET", url, params=query.reveal(), timeout=timeout_s) as response:
            if on_headers is not None:
                on_headers(response.headers)
            declared = _declared_length(response.headers)
            if declared is not None and declared > max_bytes:
                return _too_big(upstream, max_bytes)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return _too_big(upstream, max_bytes)
                chunks.append(chunk)
            return Reply(response.status_code, response.headers, b"".join(chunks))
    except httpx.TimeoutException as exc:
        return TransientError(
            f"{upstream.name} did not answer in time ({_timeout_kind(exc)})",
            hint="It is usually temporary; the next attempt retries.",
        )
    except httpx.TransportError as exc:
        return TransientError(
            f"{upstream.name} could not be reached ({_transport_kind(exc)})",
            hint="Check the network and the service's status; the next attempt retries.",
        )
    except httpx.DecodingError:
        return SchemaDriftError(upstream.name, "response body", "the content encoding is invalid")
    except httpx.TooManyRedirects:
        return PermanentError(
            f"{upstream.name} redirected too many times",
            hint=f"Check {upstream.settings_section}.base_url.",
        )
    except httpx.InvalidURL:
        return ConfigurationError(
            f"{upstream.name} base URL is not a valid URL",
            hint=f"Fix {upstream.settings_section}.base_url.",
        )


def _declared_length(headers: httpx.Headers) -> int | None:
    try:
        return int(headers.get("content-length", ""))
    except ValueError:
        return None


def _too_big(upstream: Upstream, max_bytes: int) -> PermanentError:
    return PermanentError(
        f"{upstream.name} sent a response larger than the {max_bytes}-byte limit; it was refused",
        hint="Raise resilience.max_response_bytes if the upstream legitimately grew.",
    )


def _timeout_kind(exc: httpx.TimeoutException) -> str:
    return {
        httpx.ConnectTimeout: "connect timeout",
        httpx.ReadTimeout: "read timeout",
        httpx.WriteTimeout: "write timeout",
        httpx.PoolTimeout: "connection pool timeout",
    }.get(type(exc), "timeout")


def _transport_kind(exc: httpx.TransportError) -> str:
    # The class name only: str(exc) may name the host, the proxy or the URL.
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol error"
    if isinstance(exc, httpx.ProxyError):
        return "proxy error"
    return type(exc).__name__


# ---------------------------------------------------------------------------
# Status classification


def status_error(
    upstream: Upstream, status: int, headers: httpx.Headers, body: bytes, now: datetime
) -> PressboxError:
    """The classified error for a non-2xx answer."""
    detail = upstream_detail(body)
    said = f"(HTTP {status}{detail.suffix()})"
    name = upstream.name
    if status == 429:
        pause = parse_retry_after(headers.get("retry-after"), now)
        return TransientError(
            f"{name} is rate limiting requests {said}",
            hint="The call is retried after the pause the server asked for."
            if pause is not None
            else "The server named no pause (no Retry-After); the call is retried with backoff.",
            retry_after_s=pause,
        )
    if status >= 500:
        return TransientError(f"{name} had a server error {said}")
    if status in (401, 403):
        if detail.error_code in upstream.quota_error_codes:
            return QuotaError(f"{name} says the usage quota is exhausted {said}")
        return AuthError(
            f"{name} refused the credentials {said}",
            hint="Check the key with `pressbox secrets status`; it is not retried.",
        )
    hint = f"Check the {upstream.settings_section} settings; retrying will not help."
    if status == 404:
        return PermanentError(f"{name} does not know the requested resource {said}", hint=hint)
    if 400 <= status < 500:
        return PermanentError(f"{name} rejected the request {said}", hint=hint)
    return PermanentError(f"{name} answered with an unexpected status {said}", hint=hint)


def upstream_detail(body: bytes) -> UpstreamDetail:
    """``error_code`` and ``message`` from a JSON error body, scrubbed of URLs and secrets."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return UpstreamDetail()
    if not isinstance(data, dict):
        return UpstreamDetail()
    code = data.get("error_code")
    message = data.get("message")
    return UpstreamDetail(
        error_code=code if isinstance(code, str) and _ERROR_CODE.match(code) else None,
        message=safe_text(message) if isinstance(message, str) and message.strip() else None,
    )


def safe_text(text: str) -> str:
    """Upstream text made fit for a message: URLs cut to their origin, secrets masked, one line."""
    # Known secrets first: the parameter rule stops at "&", and a key holding one
    # would leave its tail behind once its head was masked.
    text = SECRETS.redact(text)
    text = _URL.sub(_origin, text)
    text = _CREDENTIAL_PARAM.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = " ".join(text.split())
    if len(text) > _MAX_UPSTREAM_MESSAGE:
        text = text[: _MAX_UPSTREAM_MESSAGE - 1] + "…"
    return text


def _origin(match: re.Match[str]) -> str:
    # Path and query go (an echoed request URL holds the key); the host is useful to people.
    try:
        parts = urlsplit(match.group(0))
        host = parts.hostname
    except ValueError:
        return "<url>"
    return f"{parts.scheme}://{host}" if host else "<url>"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a pause
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # RFC 9110: an HTTP-date is always GMT
    return max((when - now).total_seconds(), 0.0)


# ---------------------------------------------------------------------------
# Parsing


def parse_body(upstream: Upstream, validate: Callable[[bytes], T], body: bytes) -> T:
    """Run a pydantic validator on the body; a misfit becomes a ``SchemaDriftError``."""
    outcome = _validate(upstream, validate, body)
    if isinstance(outcome, SchemaDriftError):
        raise outcome
    return outcome.value


@dataclass(frozen=True)
class _Parsed:
    value: Any


def _validate(
    upstream: Upstream, validate: Callable[[bytes], Any], body: bytes
) -> _Parsed | SchemaDriftError:
    try:
        return _Parsed(validate(body))
    except ValidationError as exc:
        return drift_from_validation(upstream, exc)


def drift_from_validation(upstream: Upstream, exc: ValidationError) -> SchemaDriftError:
    """Name the first misfitting field as a path such as ``dates[0].games[3].gamePk``.

    ``str(exc)`` would echo the input values; only locations and messages are used.
    """
    errors = exc.errors(include_input=False, include_url=False, include_context=False)
    if not errors:
        return SchemaDriftError(upstream.name, "response body", "it does not fit the schema")
    first = errors[0]
    if first["type"] == "json_invalid":
        return SchemaDriftError(upstream.name, "response body", "it is not valid JSON")
    more = len(errors) - 1
    problem = first["msg"] + (f" (and {more} more problems)" if more else "")
    return SchemaDriftError(upstream.name, field_path(first["loc"]), problem)


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "response body"
