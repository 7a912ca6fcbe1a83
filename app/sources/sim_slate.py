"""The simulated day of baseball behind the demo: games, scores and bookmaker lines.

Everything random comes from one ``random.Random(seed)`` consumed only when
the slate is built and when it is advanced, so the same seed and the same
number of steps always give the same state, and reading the state (serving a
request) never changes it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from app.sources.teams import TEAMS as MLB_TEAMS

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
_STEPS_BETWEEN_STARTS = 6
_HALF_INNING_CHANCE = 0.5  # a live game finishes a half-inning every other step or so
_WALK_OFF_INNING = 15
# A favourite's chance to win by 2+ is roughly its win chance minus this.
_FAVOURITE_COVER_GAP = 0.17  # extra innings end here at the latest, so every game finishes


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
    updated_at: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))

    def reprice(self, when: datetime) -> None:
        """Quote prices from ``prob``; the timestamp moves only if the quote changed."""
        prices = (
            american(self.prob * (1 + self.margin)),
            american((1 - self.prob) * (1 + self.margin)),
        )
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
    start_step: int
    event_id: str
    home_prob: float  # pre-game probability that the home team wins
    base_total: float
    away_record: tuple[int, int]
    home_record: tuple[int, int]
    phase: Phase = "scheduled"
    innings: list[Inning] = field(default_factory=list)
    top: bool = True  # the half in progress, while live
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)  # (book, market)

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

    def live_total(self) -> float:
        if self.phase != "live" or self.inning is None:
            return self.base_total
        remaining = max(9 - (self.inning - 1) - (0.0 if self.top else 0.5), 0.5) / 9.0
        expected = self.away_score + self.home_score + self.base_total * remaining
        return math.floor(expected) + 0.5


@dataclass
class Slate:
    """The whole simulated day and the rules that move it."""

    official_date: date
    games: list[SimGame]
    rng: random.Random
    step: int = 0

    # -- building -------------------------------------------------------------

    @classmethod
    def build(cls, seed: int, official_date: date, now: datetime, tz_name: str) -> Slate:
        rng = random.Random(seed)
        tz = ZoneInfo(tz_name)
        teams = list(TEAMS)
        rng.shuffle(teams)
        athletics = next(i for i, t in enumerate(teams) if t.id == ALIASED_TEAM_ID)
        if athletics >= 2 * _PAIRINGS:  # the A's must play: their alias is a demo case
            teams[athletics], teams[0] = teams[0], teams[athletics]
        pairs = [(teams[2 * i], teams[2 * i + 1]) for i in range(_PAIRINGS)]
        aliased = next(i for i, p in enumerate(pairs) if ALIASED_TEAM_ID in (p[0].id, p[1].id))
        # Pair 0 plays a doubleheader, pair 1 is rained out; the aliased team plays neither,
        # so its odds event (with the alias) is always on the board.
        if aliased in (0, 1):
            pairs[aliased], pairs[2] = pairs[2], pairs[aliased]
        slots = rng.sample(_START_SLOTS, len(pairs))
        records = {team.id: _record(rng) for pair in pairs for team in pair}
        game_pk = 800_000 + rng.randrange(1000) * 100
        games: list[SimGame] = []
        for index, (away, home) in enumerate(pairs):
            clock_time = time.fromisoformat(slots[index])
            if index == 0:
                clock_time = min(clock_time, time(13, 5))  # room for game 2 the same day
            start = datetime.combine(official_date, clock_time, tzinfo=tz).astimezone(UTC)
            starts = [start, start + _DOUBLEHEADER_GAP] if index == 0 else [start]
            for number, game_start in enumerate(starts, start=1):
                game_pk += rng.randrange(1, 40)
                games.append(
                    SimGame(
                        game_pk=game_pk,
                        guid=_uuid(rng),
                        official_date=official_date,
                        start=game_start,
                        away=away,
                        home=home,
                        double_header="S" if index == 0 else "N",
                        game_number=number,
                        start_step=0,
                        event_id=f"{rng.getrandbits(128):032x}",
                        home_prob=min(max(rng.gauss(0.54, 0.07), 0.30), 0.72),
                        base_total=rng.choice((7.5, 8.0, 8.5, 8.5, 9.0, 9.5)),
                        away_record=records[away.id],
                        home_record=records[home.id],
                        phase="postponed" if index == 1 else "scheduled",
                    )
                )
        games.sort(key=lambda g: (g.start, g.game_pk))
        slate = cls(official_date=official_date, games=games, rng=rng)
        slate._schedule_starts()
        for game in games:
            slate._open_lines(game, now)
        slate._warm_up(now)
        return slate

    def _schedule_starts(self) -> None:
        # Start order follows first-pitch order; the first game is under way already.
        playable = [g for g in self.games if g.phase != "postponed"]
        for rank, game in enumerate(playable):
            game.start_step = (rank - 1) * _STEPS_BETWEEN_STARTS

    def _open_lines(self, game: SimGame, now: datetime) -> None:
        rng = self.rng
        home, away = game.home.odds_name, game.away.odds_name
        for book in BOOKS:
            noise = rng.gauss(0, 0.012)
            prob = min(max(game.home_prob + noise, 0.05), 0.95)
            opened = now - timedelta(seconds=rng.randrange(60, 3600))
            lines = {
                "h2h": Line((home, away), prob, book.margin, None),
                "spreads": _run_line(home, away, prob, book.margin),
                "totals": _total_line(game.base_total, book, rng),
            }
            for market, line in lines.items():
                line.reprice(opened)
                game.lines[(book.key, market)] = line

    def _warm_up(self, now: datetime) -> None:
        """Put the first game a few innings in, so the board is not all 'Scheduled'."""
        for game in self.games:
            if game.start_step < 0:
                self._start(game)
                for _ in range(-game.start_step * 2):
                    self._play_half(game, now)
            elif game.start_step == 0 and game.phase == "scheduled":
                self._start(game)

    # -- moving -----------------------------------------------------------------

    def advance(self, now: datetime) -> None:
        """One step: games start, half-innings finish, a few prices move."""
        self.step += 1
        rng = self.rng
        for game in self.games:
            if game.phase == "scheduled" and game.start_step - 1 <= self.step:
                game.phase = "pregame"
            if game.phase == "pregame" and game.start_step <= self.step:
                if not self._waiting_for_game_one(game):
                    self._start(game)
            elif game.phase == "live" and rng.random() < _HALF_INNING_CHANCE:
                self._play_half(game, now)
        self._drift_prices(now)

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
        if runs:
            self._react_to_score(game, now)

    def _react_to_score(self, game: SimGame, now: datetime) -> None:
        # In play every book re-prices after a run, each with its own noise.
        for book in BOOKS:
            self._reprice_live(game, book, now)

    def _reprice_live(self, game: SimGame, book: Book, now: datetime) -> None:
        rng = self.rng
        prob = min(max(game.live_home_prob() + rng.gauss(0, 0.01), 0.03), 0.97)
        h2h = game.lines[(book.key, "h2h")]
        h2h.prob = prob
        h2h.reprice(now)
        spread = _run_line(game.home.odds_name, game.away.odds_name, prob, book.margin)
        line = game.lines[(book.key, "spreads")]
        line.prob, line.point = spread.prob, spread.point
        line.reprice(now)
        total = game.lines[(book.key, "totals")]
        total.point = game.live_total()
        total.prob = 0.5 + rng.gauss(0, 0.02)
        total.reprice(now)

    def _drift_prices(self, now: datetime) -> None:
        """A handful of lines move each step; most stay where they are."""
        rng = self.rng
        open_games = [g for g in self.games if g.has_odds]
        if not open_games:
            return
        for _ in range(rng.randint(2, 5)):
            game = rng.choice(open_games)
            book = rng.choice(BOOKS)
            market = rng.choice(MARKETS)
            line = game.lines[(book.key, market)]
            line.prob = min(
                max(line.prob + rng.choice((-1, 1)) * rng.uniform(0.006, 0.02), 0.05), 0.95
            )
            if market == "totals" and rng.random() < 0.15:
                line.point = (line.point or game.base_total) + rng.choice((-0.5, 0.5))
            line.reprice(now)

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


def _run_line(home: str, away: str, home_prob: float, margin: float) -> Line:
    """The -1.5/+1.5 market: a favourite covers 1.5 runs well under half the time."""
    if home_prob >= 0.5:
        return Line((home, away), home_prob - _FAVOURITE_COVER_GAP, margin, -1.5)
    return Line((home, away), 1 - ((1 - home_prob) - _FAVOURITE_COVER_GAP), margin, 1.5)


def _total_line(base_total: float, book: Book, rng: random.Random) -> Line:
    point = base_total
    prob = 0.5 + rng.gauss(0, 0.025)
    if rng.random() < 0.2:
        # Now and then a book hangs a different number: compare only like points.
        shift = rng.choice((-0.5, 0.5))
        point += shift
        prob -= shift * 0.08
    return Line(("Over", "Under"), prob, book.margin, point)


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
