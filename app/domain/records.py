"""The normalized records that cross layers, one frozen type each.

Sources produce them (``Game``, ``OddsEvent``, ``Quote``), storage writes take them,
the pipeline passes them along and computes the priced ones (``FairPrice``,
``BestPrice``, ``PriceEdge``, ``ValueBet``), and the runner reports a run with
``RunResult`` made of ``StageResult``\\ s. The wire models of each upstream stay in
``app.sources``; read models for screens stay with their loaders.

Times are aware UTC datetimes. Prices are American odds; ``point`` is the line's
point (``None`` for h2h in a quote, 0.0 for h2h once priced, so that a priced line
has one key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.status import RunOutcome, StageStatus, Trigger


@dataclass(frozen=True, slots=True)
class Game:
    """One MLB game (MLB Stats API schedule, or a ``games`` row)."""

    game_pk: int
    official_date: date
    start_time: datetime
    away_team_id: int
    away_team: str
    home_team_id: int
    home_team: str
    abstract_state: str  # Preview / Live / Final
    status_code: str  # codedGameState
    status: str  # detailedState
    inning: int | None
    inning_half: str | None
    away_score: int | None
    home_score: int | None
    double_header: str  # N / Y / S
    game_number: int
    # app.domain.game_status.GameStatus value, and MLB's reason ("Rain").
    status_category: str = ""
    status_reason: str | None = None
    reschedule_date: date | None = None  # make-up date of a postponed or suspended game
    start_tbd: bool = False  # start time not set yet (a doubleheader's game 2)
    # The dates[] entry MLB listed it under, when that is not its official date (a
    # postponed game stays on its original day; a resumed game shows on the resumption day).
    also_on: date | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """One book's current price for one outcome of one market of one event."""

    event_id: str
    book: str  # bookmaker key: draftkings
    market: str  # h2h / spreads / totals
    outcome: str  # team name, Over, Under (matched by name, never by position)
    price: int  # American odds
    point: float | None = None  # spreads and totals only
    book_title: str = ""  # for people: DraftKings ("" where nobody shows it)
    book_updated_at: datetime | None = None  # the market's update time, else the book's


@dataclass(frozen=True, slots=True)
class OddsEvent:
    """One Odds API event (a game as the bookmakers list it), with its quotes."""

    event_id: str
    commence_time: datetime  # in the past means in play
    home_team: str
    away_team: str
    quotes: tuple[Quote, ...] = ()


class Verdict(StrEnum):
    """What the analytics stage made of one book's price (``price_edges.verdict``)."""

    JUDGED = "judged"  # an edge against the fair price, below the value threshold
    VALUE = "value"  # an edge at or above the threshold (the bet may be at another book)
    OUTLIER = "outlier"  # a suspicious line: margin, deviation or edge past its limit
    STALE = "stale"  # last_update too old: not used, not judged
    IN_PLAY = "in_play"  # the game has started: stored, never priced (analytics.include_live)
    TOO_FEW_BOOKS = "too_few_books"  # not enough other books for a consensus


# Verdicts whose price carries no fair probability or edge.
UNJUDGED = frozenset({Verdict.STALE, Verdict.IN_PLAY, Verdict.TOO_FEW_BOOKS})


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """One outcome of one line of one event: what every priced record is about."""

    event_id: str
    market: str
    outcome: str
    point: float  # 0.0 for h2h


@dataclass(frozen=True, slots=True)
class FairPrice(LineOutcome):
    """Consensus fair price of one outcome of one line, across ``books`` books."""

    fair_prob: float
    fair_american: int
    books: int
    method: str


@dataclass(frozen=True, slots=True)
class BestPrice(LineOutcome):
    """The best price for one outcome at one line, and the books offering it."""

    price: int
    books: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BookPrice(LineOutcome):
    """One book's price for an outcome, judged against the consensus of the other books."""

    book: str
    price: int
    fair_prob: float  # the other books' consensus
    edge: float  # expected profit per unit staked: fair_prob * decimal - 1


@dataclass(frozen=True, slots=True)
class PriceEdge(BookPrice):
    """Every book's price gets one; ``is_value`` when the edge reaches the threshold."""

    is_value: bool
    verdict: Verdict = Verdict.JUDGED
    note: str | None = None  # why an outlier is one


@dataclass(frozen=True, slots=True)
class PriceMark(LineOutcome):
    """A book's price that was not judged (stale, in play, too few books), and why."""

    book: str
    price: int
    verdict: Verdict
    note: str


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another book offering value on the same outcome and line as a value bet."""

    book: str
    price: int
    edge: float


@dataclass(frozen=True, slots=True)
class ValueBet(BookPrice):
    """The best eligible price of one outcome at one line, with its capped Kelly stake."""

    stake: float  # bankroll units
    alternatives: tuple[Alternative, ...] = ()  # other books with value there, best first


@dataclass(frozen=True, slots=True)
class Outlier(LineOutcome):
    """A suspicious price: recorded and shown apart, never a value bet, staked or e-mailed."""

    book: str
    price: int
    reason: str  # for people: "margin 49.0% above 10.0%"


@dataclass(frozen=True, slots=True)
class StageResult:
    """How one stage of a run ended (a ``run_stages`` row)."""

    name: str
    status: StageStatus
    duration_ms: float
    error_kind: str | None  # ErrorKind of a failed stage
    error_summary: str | None  # its one-line message
    detail: str | None  # what the stage did, for people


@dataclass(frozen=True, slots=True)
class RunResult:
    """How one run attempt ended (a ``runs`` row), with what it wrote."""

    run_id: int | None
    outcome: RunOutcome
    reason: str | None
    credits_used: int
    stages: tuple[StageResult, ...]
    trigger: str = Trigger.CLI
    slate_date: date | None = None
    games: int = 0
    moves: int = 0
    value_bets: int = 0

    def summary(self) -> str:
        """One line for a terminal: outcome, run id, counts, reason."""
        text = (
            f"run {self.run_id if self.run_id is not None else '-'} {self.outcome}: "
            f"{self.games} games, {self.moves} moves, {self.value_bets} value bets"
        )
        return f"{text} ({self.reason})" if self.reason else text
