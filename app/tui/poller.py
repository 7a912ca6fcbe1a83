"""Change-only polling: check a cheap counter, load only when it moved.

The poller itself never schedules anything: the app runs one ``poll()`` in a
worker and arms the next one with a one-shot timer after it finished, so a slow
database can never make polls overlap or pile up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ChangePoller(Generic[T]):
    def __init__(
        self, version: Callable[[], Awaitable[int]], load: Callable[[], Awaitable[T]]
    ) -> None:
        self._version = version
        self._load = load
        self._seen: int | None = None
        self.checks = 0
        self.loads = 0

    async def poll(self) -> T | None:
        """The new state when the counter moved since the last load, else None."""
        self.checks += 1
        version = await self._version()
        if version == self._seen:
            return None
        # Read the counter first: a commit landing during the load moves it
        # again, so the next poll loads once more instead of missing it.
        state = await self._load()
        self._seen = version
        self.loads += 1
        return state

    def invalidate(self) -> None:
        """Force the next poll to load (e.g. after the clock's day rolled over)."""
        self._seen = None
