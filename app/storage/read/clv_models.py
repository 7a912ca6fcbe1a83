"""Read models of closing-line value (no SQL driver imported: the desk may use them).

Every figure is per unit staked (a flat one-unit stake per bet), so bets of any stake
add up: ``clv`` is the EV at the closing fair price, ``profit`` what the bet returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ClosedBet:
    event_id: str
    matchup: str
    official_date: str
    market: str
    outcome: str
    point: float
    book: str
    price: int  # the flagged price
    fair_prob: float  # fair probability when flagged
    edge: float  # EV when flagged
    stake: float
    flagged_at: str
    closed_at: str
    close_fair_prob: float | None  # None: no closing line at that point
    close_price: int | None  # the same book at first pitch
    clv: float | None  # close_fair_prob * decimal(price) - 1
    result: str | None  # won / lost / push; None until the final score is stored
    profit: float | None  # per unit staked

    @property
    def beat_close(self) -> bool | None:
        return None if self.clv is None else self.clv > 0.0

    @property
    def label(self) -> str:
        """For people: ``Houston Astros``, ``Under 8.5``, ``Texas Rangers -1.5``."""
        if self.market == "totals":
            return f"{self.outcome} {self.point:g}"
        return self.outcome if self.market == "h2h" else f"{self.outcome} {self.point:+g}"


@dataclass(frozen=True, slots=True)
class ClvSummary:
    """Bets of one group (all, a book, a market, a day) that have a closing line."""

    key: str
    bets: int
    mean_clv: float
    beat_share: float  # share of bets with clv > 0
    settled: int  # of which a result is in
    expected: float  # sum of clv over the settled bets (units)
    realised: float  # sum of profit over the settled bets (units)

    @classmethod
    def of(cls, key: str, bets: Iterable[ClosedBet]) -> ClvSummary:
        closed = [b for b in bets if b.clv is not None]
        clvs = [b.clv for b in closed if b.clv is not None]
        settled = [b for b in closed if b.profit is not None]
        return cls(
            key,
            len(closed),
            sum(clvs) / len(clvs) if clvs else 0.0,
            sum(1 for v in clvs if v > 0.0) / len(clvs) if clvs else 0.0,
            len(settled),
            sum(b.clv or 0.0 for b in settled),
            sum(b.profit or 0.0 for b in settled),
        )


@dataclass(frozen=True, slots=True)
class ClvReport:
    since: date | None
    bets: tuple[ClosedBet, ...]
    total: ClvSummary
    by_book: tuple[ClvSummary, ...]
    by_market: tuple[ClvSummary, ...]
    by_day: tuple[ClvSummary, ...]  # key: the official date, oldest first

    @classmethod
    def of(cls, since: date | None, bets: tuple[ClosedBet, ...]) -> ClvReport:
        def groups(attr: str) -> tuple[ClvSummary, ...]:
            keys = sorted({getattr(b, attr) for b in bets})
            return tuple(ClvSummary.of(k, (b for b in bets if getattr(b, attr) == k)) for k in keys)

        return cls(
            since,
            bets,
            ClvSummary.of("all", bets),
            groups("book"),
            groups("market"),
            groups("official_date"),
        )
