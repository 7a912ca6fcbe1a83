"""The simulated day of baseball behind the demo: games, scores and bookmaker lines.

Everything random comes from one ``random.Random(seed)`` consumed only when
the slate is built and when it is advanced, so the same seed and the same
number of steps (on the same official date) always give the same state, and
reading the state (serving a request) never changes it.

Pacing. Prices move on every ``advance()`` step; the games themselves move on
every ``STEPS_PER_TICK``-th step (a "tick": games start, half-innings finish),
so a 15-game card lasts about ``CARD_STEPS`` steps, well over an hour at the
demo's 5 s interval, while the board keeps twitching every step.

Cards. When every game of the card is over (final or rained out) the finished
board stays up for ``_REST_TICKS`` ticks, then a new card opens on the *same*
official date: fresh gamePks and event ids, new pairings that repeat no
matchup already played that date (so the matcher never has to tell two games
of the same clubs apart by a start-time tie), the same demo cases (a split
doubleheader, a rainout, the A's under their feed alias). The pipeline buckets
games by the clock's official date, so a "next day" would never show as today;
only when the clock itself crosses into a new official date does a card open
on that date, at once, whatever state the old one was in.

Prices. Every line is quoted from the game's fair probability plus the book's
small lean (a cent or two), so books cluster around one number and almost no
price beats the consensus by the value threshold. The book's margin is added
the way the power method removes it (``add_margin_power``). Each step the market moves
on one game (a few books follow at once, the rest at their next re-quote), a
couple of single lines are re-quoted, and now and then one book hangs an
off-market price that stays stale for a while before it is pulled back: those
are the demo's value bets, a handful at a time, coming and going.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from app.domain.prices import add_margin_power
from app.domain.teams import TEAMS as MLB_TEAMS

Phase = Literal["scheduled", "pregame", "live", "final", "postponed"]
MarketKey = Literal["h2h", "spreads", "totals"]
MARKETS: tuple[MarketKey, ...] = ("h2h", "spreads", "totals")


@dataclass(frozen=True)
class SimTeam:
    id: int
    name: str  # as the MLB Stats API spells it
    odds_name: str  # as The Odds API spells it (differs for the A's)


# Since 2025 MLB calls the A's "Athletics"; bookmaker feeds often still say
# "Oakland Athletics", which the matcher must map back to id 133.
ALIASED_TEAM_ID = 133
ODDS_FEED_NAMES = {ALIASED_TEAM_ID: "Oakland Athletics"}
TEAMS: tuple[SimTeam, ...] = tuple(
    SimTeam(team.id, team.name, ODDS_FEED_NAMES.get(team.id, team.name))
    for team in sorted(MLB_TEAMS.values(), key=lambda t: t.id)
)


@dataclass(frozen=True)
class Book:
    key: str
    title: str
    margin: float  # the book's overround on a two-way market


BOOKS: tuple[Book, ...] = (
    Book("draftkings", "DraftKings", 0.045),
    Book("fanduel", "FanDuel", 0.042),
    Book("betmgm", "BetMGM", 0.050),
    Book("williamhill_us", "Caesars", 0.048),
    Book("pointsbetus", "PointsBet (US)", 0.046),
    Book("betrivers", "BetRivers", 0.052),
    Book("bovada", "Bovada", 0.055),
)

# Typical first-pitch times, Eastern.
_START_SLOTS = (
    "13:05", "13:10", "13:35", "14:10", "15:07", "16:05", "18:40", "18:45", "19:05",
    "19:07", "19:10", "19:15", "19:40", "20:10", "21:38", "21:40", "22:10",
)  # fmt: skip
_RUNS_PER_HALF = ((0, 0.72), (1, 0.15), (2, 0.08), (3, 0.035), (4, 0.015))
_PAIRINGS = 14  # 28 of the 30 clubs play; one pairing plays twice: 15 games
_DOUBLEHEADER_GAP = timedelta(hours=3, minutes=30)
STEPS_PER_TICK = 10  # advance() steps per game-state tick; prices move every step
_STEP_S = 5.0  # the demo's pace: one step per run at demo.interval_s's default
_TICKS_BETWEEN_STARTS = 4
_HALF_INNING_CHANCE = 0.5  # a live game finishes a half-inning every other tick or so
_REST_TICKS = 2  # a finished card stays on the board this long before the next opens
# Roughly: the last of 14 playable games starts 13 x 4 ticks in and lasts ~36 ticks;
# over seeds a card measures 810-1060 steps (67-88 min at the demo's 5 s).
CARD_STEPS = (13 * _TICKS_BETWEEN_STARTS + 36 + _REST_TICKS) * STEPS_PER_TICK  # 900: ~75 min
_PAIRING_ATTEMPTS = 200
# How far books sit from the fair probability (in points at even money, see _leaned):
# a normal lean, and the lean of an off-market price.
_BOOK_LEAN_SD = 0.005
_OFF_MARKET_LEAN = (0.04, 0.06)
_OFF_MARKET_CHANCE = 0.3  # per step: one book hangs an off-market price somewhere
_OFF_MARKET_STEPS = (8, 30)  # how long it stays stale before the book pulls it back
_OPENING_OFF_MARKET = 4  # off-market lines already up when a card opens
_MARKET_MOVE = (0.004, 0.012)  # one step's move of a game's fair probability
_FOLLOWERS = (2, 5)  # books re-quoting at once after a market move
_REQUOTES = (1, 3)  # single lines re-quoted each step
# Books stop quoting a blow-out's longshot at a few thousand; past this range the
# price would pass american()'s cap and the two sides would no longer carry the margin.
_QUOTABLE = (0.08, 0.92)
_TOTAL_SLOPE = 0.16  # the over's probability per run between expected total and the point
_WALK_OFF_INNING = 15  # extra innings end here at the latest, so every game finishes
# A favourite's chance to win by 2+ is roughly its win chance minus this.
_FAVOURITE_COVER_GAP = 0.17


def american(probability: float) -> int:
    """The American price of an implied probability (vig included)."""
    q = min(max(probability, 0.02), 0.98)
    if q >= 0.5:
        return -round(100 * q / (1 - q))
    return round(100 * (1 - q) / q)


def shift_american(price: int, delta: int) -> int:
    """``price + delta`` in American points, skipping the gap between -100 and +100."""
    moved = price + delta
    if -100 < moved < 100:
        moved += 200 if delta > 0 else -200
    return moved


@dataclass
class Line:
    """One book's two-way market on one game."""

    names: tuple[str, str]  # outcome names as the odds feed spells them
    prob: float  # the book's probability of names[0], before its margin
    margin: float
    point: float | None  # names[0]'s point (spreads: the home run line; totals: the total)
    prices: tuple[int, int] = (0, 0)
    priced_point: float | None = None  # the point the current prices were quoted at
    lean: float = 0.0  # the book's offset from the fair probability of names[0] (at evens)
    alt: float = 0.0  # totals: the book's number minus the market's (0 or +-0.5)
    stale_for: int = 0  # steps an off-market price stays up; 0: quoted normally
    updated_at: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    # When the feed last saw the book's line (as The Odds API's last_update: every book
    # on a board within minutes of the others); an off-market line stops being refreshed.
    checked_at: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))

    @property
    def last_update(self) -> datetime:
        return max(self.updated_at, self.checked_at)

    def reprice(self, when: datetime) -> None:
        """Quote prices from ``prob``; the timestamp moves only if the quote changed."""
        # The margin goes on the way the default devig method (power) takes it off, so
        # devigging a quote gives back the book's probability and demo value is real value.
        first, second = add_margin_power((self.prob, 1 - self.prob), 1 + self.margin)
        prices = (american(first), american(second))
        if (prices, self.point) != (self.prices, self.priced_point):
            self.prices = prices
            self.priced_point = self.point
            self.updated_at = when

    def points(self, market: str) -> tuple[float | None, float | None]:
        if market == "spreads" and self.point is not None:
            return self.point, -self.point
        return self.point, self.point


@dataclass
class HalfInning:
    runs: int
    hits: int
    left_on_base: int


@dataclass
class Inning:
    away: HalfInning | None = None  # None: not started
    home: HalfInning | None = None


@dataclass
class SimGame:
    game_pk: int
    guid: str
    official_date: date
    start: datetime  # aware UTC
    away: SimTeam
    home: SimTeam
    double_header: str  # N / S
    game_number: int
    start_tick: int
    event_id: str
    home_prob: float  # fair pre-game probability that the home team wins (the market moves it)
    base_total: float
    away_record: tuple[int, int]
    home_record: tuple[int, int]
    phase: Phase = "scheduled"
    innings: list[Inning] = field(default_factory=list)
    top: bool = True  # the half in progress, while live
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)  # (book, market)
    over_lean: float = 0.0  # the market's fair lean to the over, moved by the market

    @property
    def inning(self) -> int | None:
        return len(self.innings) if self.innings else None

    @property
    def away_score(self) -> int:
        return sum(i.away.runs for i in self.innings if i.away is not None)

    @property
    def home_score(self) -> int:
        return sum(i.home.runs for i in self.innings if i.home is not None)

    @property
    def has_odds(self) -> bool:
        # The Odds API never lists completed games; a postponed game has no market.
        return self.phase in ("scheduled", "pregame", "live")

    def live_home_prob(self) -> float:
        """Home win probability given the score and how much of the game is left."""
        if self.phase != "live" or self.inning is None:
            return self.home_prob
        played = min((self.inning - 1) + (0.0 if self.top else 0.5), 9.0) / 9.0
        logit = math.log(self.home_prob / (1 - self.home_prob))
        logit += (self.home_score - self.away_score) * 0.45 / max(1.0 - played, 0.12)
        return 1 / (1 + math.exp(-logit))

    def expected_total(self) -> float:
        if self.phase != "live" or self.inning is None:
            return self.base_total
        remaining = max(9 - (self.inning - 1) - (0.0 if self.top else 0.5), 0.5) / 9.0
        return self.away_score + self.home_score + self.base_total * remaining

    def live_total(self) -> float:
        """The market's number: the base total before the game, then the next half-run."""
        if self.phase != "live" or self.inning is None:
            return self.base_total
        return math.floor(self.expected_total()) + 0.5

    def fair_over(self, point: float) -> float:
        """Fair probability of the over at ``point``."""
        prob = 0.5 + self.over_lean + (self.expected_total() - point) * _TOTAL_SLOPE
        return min(max(prob, 0.05), 0.95)


@dataclass
class Slate:
    """The simulated day: the card on the board and the rules that move it."""

    official_date: date
    tz: ZoneInfo
    rng: random.Random
    games: list[SimGame] = field(default_factory=list)
    step: int = 0  # advance() calls so far
    tick: int = 0  # game-state ticks so far
    card: int = 0  # cards opened on this official date before the current one
    rest: int = 0  # ticks since every game of the card was over
    played: set[frozenset[int]] = field(default_factory=set)  # matchups of this date
    last_pk: int = 0

    # -- building -------------------------------------------------------------

    @classmethod
    def build(cls, seed: int, official_date: date, now: datetime, tz_name: str) -> Slate:
        rng = random.Random(seed)
        slate = cls(official_date=official_date, tz=ZoneInfo(tz_name), rng=rng)
        slate.last_pk = 800_000 + rng.randrange(1000) * 100
        slate._open_card(official_date, now)
        return slate

    def _open_card(self, official_date: date, now: datetime) -> None:
        """Deal a new card of games on ``official_date`` and open its markets."""
        if official_date != self.official_date or not self.games:
            self.card = 0
            self.played.clear()
        else:
            self.card += 1
        self.official_date = official_date
        self.rest = 0
        pairs = self._pairings()
        self.played.update(frozenset((away.id, home.id)) for away, home in pairs)
        self.games = self._deal(pairs)
        self._schedule_starts()
        self._align_starts(now)
        for game in self.games:
            self._open_lines(game, now)
        self._open_off_market(now)
        self._warm_up(now)

    def _pairings(self) -> list[tuple[SimTeam, SimTeam]]:
        """Fourteen (away, home) pairings, none already played on this date."""
        rng = self.rng
        pairs: list[tuple[SimTeam, SimTeam]] = []
        for _ in range(_PAIRING_ATTEMPTS):
            teams = list(TEAMS)
            rng.shuffle(teams)
            # The A's go first so they always play: their alias is a demo case.
            teams.sort(key=lambda t: t.id != ALIASED_TEAM_ID)
            pairs = []
            while len(pairs) < _PAIRINGS and teams:
                first, *rest = teams
                partner = next(
                    (t for t in rest if frozenset((first.id, t.id)) not in self.played), None
                )
                if partner is not None:
                    rest.remove(partner)
                    pairs.append((first, partner) if rng.random() < 0.5 else (partner, first))
                teams = rest  # without a fresh partner, ``first`` sits this card out
            if len(pairs) == _PAIRINGS:
                break
        else:  # so many cards on one date that every club met most others: allow repeats
            self.played.clear()
            return self._pairings()
        rng.shuffle(pairs)
        aliased = next(i for i, p in enumerate(pairs) if ALIASED_TEAM_ID in (p[0].id, p[1].id))
        # Pair 0 plays a doubleheader, pair 1 is rained out; the aliased team plays neither,
        # so its odds event (with the alias) is always on the board.
        if aliased in (0, 1):
            pairs[aliased], pairs[2] = pairs[2], pairs[aliased]
        return pairs

    def _deal(self, pairs: list[tuple[SimTeam, SimTeam]]) -> list[SimGame]:
        rng = self.rng
        slots = rng.sample(_START_SLOTS, len(pairs))
        records = {team.id: _record(rng) for pair in pairs for team in pair}
        games: list[SimGame] = []
        for index, (away, home) in enumerate(pairs):
            clock_time = time.fromisoformat(slots[index])
            if index == 0:
                clock_time = min(clock_time, time(13, 5))  # room for game 2 the same day
            start = datetime.combine(self.official_date, clock_time, tzinfo=self.tz)
            start = start.astimezone(UTC)
            starts = [start, start + _DOUBLEHEADER_GAP] if index == 0 else [start]
            for number, game_start in enumerate(starts, start=1):
                self.last_pk += rng.randrange(1, 40)
                games.append(
                    SimGame(
                        game_pk=self.last_pk,
                        guid=_uuid(rng),
                        official_date=self.official_date,
                        start=game_start,
                        away=away,
                        home=home,
                        double_header="S" if index == 0 else "N",
                        game_number=number,
                        start_tick=0,
                        event_id=f"{rng.getrandbits(128):032x}",
                        home_prob=min(max(rng.gauss(0.54, 0.07), 0.30), 0.72),
                        base_total=rng.choice((7.5, 8.0, 8.5, 8.5, 9.0, 9.5)),
                        away_record=records[away.id],
                        home_record=records[home.id],
                        phase="postponed" if index == 1 else "scheduled",
                    )
                )
        games.sort(key=lambda g: (g.start, g.game_pk))
        return games

    def _schedule_starts(self) -> None:
        # Start order follows first-pitch order; the first game is under way already.
        playable = [g for g in self.games if g.phase != "postponed"]
        for rank, game in enumerate(playable):
            game.start_tick = self.tick + (rank - 1) * _TICKS_BETWEEN_STARTS

    def _align_starts(self, now: datetime) -> None:
        """First-pitch times that agree with the games' states on a card opened late.

        The pipeline prices a game only before its commence time: a game the card has
        not started yet must not be listed as begun (its slot already past), nor one
        under way as starting later. Such a game's time moves to when its start tick
        comes at the demo's pace (``_STEP_S`` per step), but never past the official
        day's last second: an event's date is its local commence date, so a start past
        midnight would take its odds to the next day's slate and leave the game unpriced
        (a card opened late at night). At midnight a new card opens anyway.
        """
        last_second = datetime.combine(
            self.official_date + timedelta(days=1), time(0), tzinfo=self.tz
        ).astimezone(UTC) - timedelta(seconds=1)
        for game in self.games:
            if game.phase == "postponed":
                continue
            due = now + timedelta(seconds=(game.start_tick - self.tick) * STEPS_PER_TICK * _STEP_S)
            if (game.start_tick > self.tick) == (game.start > now):
                continue
            game.start = (
                min(max(due, now + timedelta(minutes=1)), last_second)
                if game.start_tick > self.tick
                else due
            )
        self.games.sort(key=lambda g: (g.start, g.game_pk))

    def _open_lines(self, game: SimGame, now: datetime) -> None:
        rng = self.rng
        home, away = game.home.odds_name, game.away.odds_name
        for book in BOOKS:
            opened = now - timedelta(seconds=rng.randrange(60, 3600))
            game.lines[(book.key, "h2h")] = Line((home, away), 0.5, book.margin, None)
            game.lines[(book.key, "spreads")] = Line((home, away), 0.5, book.margin, None)
            totals = Line(("Over", "Under"), 0.5, book.margin, None)
            if rng.random() < 0.2:
                # Now and then a book hangs a different number: compare only like points.
                totals.alt = rng.choice((-0.5, 0.5))
            game.lines[(book.key, "totals")] = totals
            for market in MARKETS:
                self._quote(game, book.key, market, opened, rng.gauss(0, _BOOK_LEAN_SD))
                game.lines[(book.key, market)].checked_at = now

    def _open_off_market(self, now: datetime) -> None:
        for _ in range(_OPENING_OFF_MARKET):
            self._go_off_market(now)

    def _warm_up(self, now: datetime) -> None:
        """Put the first game a few innings in, so the board is not all 'Scheduled'."""
        for game in self.games:
            if game.phase == "postponed":
                continue
            if game.start_tick < self.tick:
                self._start(game)
                for _ in range((self.tick - game.start_tick) * 2):
                    self._play_half(game, now)
            elif game.start_tick == self.tick and game.phase == "scheduled":
                self._start(game)

    # -- quoting ----------------------------------------------------------------

    def _quote(self, game: SimGame, book: str, market: str, now: datetime, lean: float) -> None:
        """Re-quote one book's line: the fair probability plus the book's ``lean``."""
        line = game.lines[(book, market)]
        line.lean = lean
        low, high = _QUOTABLE
        home_prob = min(max(_leaned(game.live_home_prob(), lean), low), high)
        if market == "h2h":
            line.prob = home_prob
        elif market == "spreads":
            spread = _run_line(line.names[0], line.names[1], home_prob, line.margin)
            line.prob, line.point = spread.prob, spread.point
        else:
            line.point = game.live_total() + line.alt
            line.prob = min(max(_leaned(game.fair_over(line.point), lean), low), high)
        line.reprice(now)

    def _requote(self, game: SimGame, book: str, market: str, now: datetime) -> None:
        """A normal re-quote: a fresh small lean, any off-market price pulled back."""
        game.lines[(book, market)].stale_for = 0
        self._quote(game, book, market, now, self.rng.gauss(0, _BOOK_LEAN_SD))

    def _go_off_market(self, now: datetime) -> None:
        """One book hangs a price well off the market and leaves it up for a while."""
        rng = self.rng
        open_games = [g for g in self.games if g.has_odds]
        if not open_games:
            return
        game = rng.choice(open_games)
        book = rng.choice(BOOKS).key
        market = rng.choice(MARKETS)
        line = game.lines[(book, market)]
        if line.stale_for or line.alt:
            # A number only one other book hangs makes each the other's whole consensus:
            # an off-market price there would count twice, once each way.
            return
        lean = rng.choice((-1, 1)) * rng.uniform(*_OFF_MARKET_LEAN)
        self._quote(game, book, market, now, lean)
        line.stale_for = rng.randint(*_OFF_MARKET_STEPS)

    # -- moving -----------------------------------------------------------------

    def advance(self, now: datetime, today: date) -> None:
        """One step: prices move; every ``STEPS_PER_TICK`` steps the games move too.

        ``today`` is the clock's official date: when it changes, a card opens on it.
        """
        self.step += 1
        if today != self.official_date:
            self._open_card(today, now)
        elif self.step % STEPS_PER_TICK == 0:
            self._tick(now)
        self._drift_prices(now)

    def _tick(self, now: datetime) -> None:
        """Games start and half-innings finish; a finished card makes way for the next."""
        self.tick += 1
        if all(g.phase in ("final", "postponed") for g in self.games):
            self.rest += 1
            if self.rest >= _REST_TICKS:
                self._open_card(self.official_date, now)
            return
        rng = self.rng
        for game in self.games:
            if game.phase == "scheduled" and game.start_tick - 1 <= self.tick:
                game.phase = "pregame"
            if game.phase == "pregame" and game.start_tick <= self.tick:
                if not self._waiting_for_game_one(game):
                    self._start(game)
            elif game.phase == "live" and rng.random() < _HALF_INNING_CHANCE:
                self._play_half(game, now)

    def _waiting_for_game_one(self, game: SimGame) -> bool:
        # The second game of a doubleheader cannot start while the same teams still play.
        return any(
            other.game_number < game.game_number
            and (other.away.id, other.home.id) == (game.away.id, game.home.id)
            and other.phase == "live"
            for other in self.games
        )

    def _start(self, game: SimGame) -> None:
        game.phase = "live"
        game.innings = [Inning(away=HalfInning(0, 0, 0))]
        game.top = True

    def _play_half(self, game: SimGame, now: datetime) -> None:
        """Finish the half-inning in progress and start the next one (or end the game)."""
        rng = self.rng
        current = game.innings[-1]
        runs = _weighted(rng, _RUNS_PER_HALF)
        half = HalfInning(runs, runs + rng.randint(0, 2), rng.randint(0, 2))
        inning = len(game.innings)
        if game.top:
            current.away = half
            if inning >= 9 and game.home_score > game.away_score:
                game.phase = "final"  # the home team does not bat in the bottom half
                return
            current.home = HalfInning(0, 0, 0)
            game.top = False
        else:
            current.home = half
            if inning >= _WALK_OFF_INNING and game.home_score == game.away_score:
                current.home.runs += 1
            if inning >= 9 and game.home_score != game.away_score:
                game.phase = "final"
                return
            game.innings.append(Inning(away=HalfInning(0, 0, 0)))
            game.top = True
        self._react_to_play(game, now)

    def _react_to_play(self, game: SimGame, now: datetime) -> None:
        # In play every book re-prices after each half-inning (the clock runs down even
        # when nobody scores), each with a fresh lean of its own; a book that is off the
        # market re-prices too but keeps its lean until it pulls the price back.
        for book in BOOKS:
            for market in MARKETS:
                line = game.lines[(book.key, market)]
                if line.stale_for:
                    self._quote(game, book.key, market, now, line.lean)
                else:
                    self._requote(game, book.key, market, now)

    def _drift_prices(self, now: datetime) -> None:
        """A handful of lines move each step; most stay where they are."""
        rng = self.rng
        open_games = [g for g in self.games if g.has_odds]
        if not open_games:
            return
        for game in open_games:
            for (book, market), line in game.lines.items():
                if line.stale_for:
                    line.stale_for -= 1
                    if not line.stale_for:
                        self._requote(game, book, market, now)
                if not line.stale_for:
                    line.checked_at = now
        self._market_move(rng.choice(open_games), now)
        for _ in range(rng.randint(*_REQUOTES)):
            game = rng.choice(open_games)
            self._requote(game, rng.choice(BOOKS).key, rng.choice(MARKETS), now)
        if rng.random() < _OFF_MARKET_CHANCE:
            self._go_off_market(now)

    def _market_move(self, game: SimGame, now: datetime) -> None:
        """The fair price of one game moves; a few books follow at once."""
        rng = self.rng
        shift = rng.choice((-1, 1)) * rng.uniform(*_MARKET_MOVE)
        if rng.random() < 0.6:
            game.home_prob = min(max(game.home_prob + shift, 0.25), 0.75)
            markets: tuple[str, ...] = ("h2h", "spreads")
        else:
            game.over_lean = min(max(game.over_lean + shift, -0.06), 0.06)
            markets = ("totals",)
        for book in rng.sample(BOOKS, rng.randint(*_FOLLOWERS)):
            for market in markets:
                if not game.lines[(book.key, market)].stale_for:
                    self._requote(game, book.key, market, now)

    def move_price(
        self, game: SimGame, book: str, market: str, outcome: str, delta: int, now: datetime
    ) -> int:
        """Move one quoted price by ``delta`` American points; returns the new price."""
        line = game.lines.get((book, market))
        if line is None:
            raise KeyError(f"no {market} line from {book} on game {game.game_pk}")
        if outcome not in line.names:
            raise KeyError(f"{outcome!r} is not an outcome of {market} (has {line.names})")
        side = line.names.index(outcome)
        prices = list(line.prices)
        prices[side] = shift_american(prices[side], delta)
        line.prices = (prices[0], prices[1])
        line.updated_at = now
        return prices[side]


def _leaned(prob: float, lean: float) -> float:
    """``prob`` moved by ``lean``: that many points at even money, fewer near the ends.

    Working in log-odds keeps a lean on a 90/10 game as modest as on a coin flip.
    """
    prob = min(max(prob, 0.001), 0.999)  # a blow-out late on rounds to certainty
    logit = math.log(prob / (1 - prob)) + 4 * lean
    return 1 / (1 + math.exp(-logit))


def _run_line(home: str, away: str, home_prob: float, margin: float) -> Line:
    """The -1.5/+1.5 market: a favourite covers 1.5 runs well under half the time."""
    if home_prob >= 0.5:
        return Line((home, away), home_prob - _FAVOURITE_COVER_GAP, margin, -1.5)
    return Line((home, away), 1 - ((1 - home_prob) - _FAVOURITE_COVER_GAP), margin, 1.5)


def _weighted(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    roll = rng.random()
    for value, weight in table:
        roll -= weight
        if roll < 0:
            return value
    return table[-1][0]


def _record(rng: random.Random) -> tuple[int, int]:
    played = rng.randint(60, 75)
    wins = rng.randint(played * 2 // 5, played * 3 // 5)
    return wins, played - wins


def _uuid(rng: random.Random) -> str:
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
