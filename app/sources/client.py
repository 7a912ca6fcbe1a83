"""What every upstream client holds, and its one way to GET a path of its API.

A client is the HTTP client, its settings section (``base_url``, ``timeout_s``), the
answer size cap and the clock; each source adds only its paths, parameters and parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, Protocol, TypeVar

import httpx

from app.core.clock import Clock
from app.sources.http import Query, Reply, Upstream, fetch


class SectionSettings(Protocol):
    """The part of an API's settings section (``mlb_api``, ``odds_api``) every call uses."""

    @property
    def base_url(self) -> str: ...

    @property
    def timeout_s(self) -> float: ...


S = TypeVar("S", bound=SectionSettings)


class SourceClient(Generic[S]):
    upstream: ClassVar[Upstream]

    def __init__(
        self, http: httpx.AsyncClient, settings: S, *, max_bytes: int, clock: Clock | None = None
    ) -> None:
        self._http = http
        self._settings = settings
        self._max_bytes = max_bytes
        self._clock = clock or Clock()

    async def _get(
        self, path: str, query: Query, on_headers: Callable[[httpx.Headers], None] | None = None
    ) -> Reply:
        """GET ``path`` below the section's ``base_url``, within its timeout and the size cap."""
        return await fetch(
            self._http,
            self.upstream,
            self._settings.base_url.rstrip("/") + path,
            query,
            timeout_s=self._settings.timeout_s,
            max_bytes=self._max_bytes,
            clock=self._clock,
            on_headers=on_headers,
        )
