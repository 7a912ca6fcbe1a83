"""PLACEHOLDER until the resilience work lands: calls straight through.

Contract: ``await guarded_call(source, fn, ctx)`` runs ``fn()`` behind the
source's circuit breaker and the retry policy, records latency and the
classified error in ``source_health``, and re-raises a ``PressboxError``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from app.core.clock import Clock
from app.core.config import Settings
from app.storage.database import Database

T = TypeVar("T")


@dataclass
class GuardContext:
    db: Database
    settings: Settings
    clock: Clock


async def guarded_call(source: str, fn: Callable[[], Awaitable[T]], ctx: GuardContext) -> T:
    return await fn()
