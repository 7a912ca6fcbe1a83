"""Item by item: an upstream item that does not fit is dropped and counted, the rest lands.

An answer is a tree of items (events > bookmakers > markets > outcomes, or
dates > games). ``take`` validates one item with its pydantic wire model; a
misfit is recorded in ``Drops`` by level with a reason that names the field
path (and the number, for a number out of range; never an upstream string),
and the caller moves on to the next item. ``Drops.summary()`` is the line the
run's stage detail carries: ``3 outcomes dropped: price 1e+30 out of range at
[0].bookmakers[2].markets[0].outcomes[1].price``.

The bounded field types here turn the values that would crash later code
(a year-9999 date that overflows on a time-zone change, an integer too large
for SQLite, an empty name) into a misfit of that one item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
)

from app.sources.http import field_path

M = TypeVar("M", bound=BaseModel)

# Upstream dates outside these years are garbage (and year 9999 overflows on astimezone).
FIRST_YEAR = 1900
LAST_YEAR = 2200
MAX_TEXT = 200
MAX_ID = 2**31 - 1


def _sane_moment(value: AwareDatetime) -> AwareDatetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} out of range")
    return value


def _text_only(value: Any) -> Any:
    # Lax date parsing would read a number as a Unix timestamp: dates come as text only.
    if not isinstance(value, str):
        raise ValueError("a date must be ISO 8601 text")
    return value


def _sane_day(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} out of range")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


# Dates arrive as ISO text; lax mode reads them, the bounds refuse the absurd ones.
Moment = Annotated[
    AwareDatetime, Field(strict=False), BeforeValidator(_text_only), AfterValidator(_sane_moment)
]
Day = Annotated[date, Field(strict=False), BeforeValidator(_text_only), AfterValidator(_sane_day)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
SmallCount = Annotated[int, Field(ge=0, le=999)]
Finite = Annotated[float, AfterValidator(_finite)]


def reason_of(exc: ValidationError, where: tuple[int | str, ...]) -> str:
    """The first problem, with its full path; inputs are never echoed (they may be anything)."""
    errors = exc.errors(include_input=False, include_url=False, include_context=False)
    if not errors:  # pragma: no cover - pydantic always lists at least one
        return f"it does not fit the schema at {field_path(where)}"
    first = errors[0]
    message = first["msg"].removeprefix("Value error, ")
    return f"{message} at {field_path((*where, *first['loc']))}"


@dataclass
class Drops:
    """Items dropped from one answer, by level, with the first reason of each level."""

    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def add(self, level: str, reason: str) -> None:
        self.counts[level] = self.counts.get(level, 0) + 1
        self.reasons.setdefault(level, reason)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """``3 outcomes dropped: <first reason>; 1 event dropped: <first reason>``."""
        parts = []
        for level, n in self.counts.items():
            noun = level if n == 1 else f"{level}s"
            parts.append(f"{n} {noun} dropped: {self.reasons[level]}")
        return "; ".join(parts)


def take(
    model: type[M], raw: Any, level: str, where: tuple[int | str, ...], drops: Drops
) -> M | None:
    """``raw`` validated as ``model``, or None with the misfit counted in ``drops``."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        drops.add(level, reason_of(exc, where))
        return None
