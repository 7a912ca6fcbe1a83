"""Pair MLB games (MLB Stats API) with The Odds API events. Pure; no I/O.

The two sources share no key: an event names its teams and a commence time, a game
has team ids and a start time. A pair needs the same home and away clubs (names go
through ``app.domain.teams``) and start times at most ``window_s`` apart.

Doubleheaders put the same two clubs on the slate twice, so team ids alone are not
enough. Within one matchup the games and the events are each sorted by time and
aligned in order (crossing pairs never make the total start-time gap smaller, nor
fit the window better), choosing the alignment with the most pairs and then the
smallest total gap. So each event gets the game whose start is closest, no event or
game is used twice, and when game 1 is already over (The Odds API drops completed
games) the lone remaining event still finds game 2.

Postponed, cancelled and suspended games are not played on this slate and are never
paired. A finished game is never paired while another game of the same clubs is still
to be played (a doubleheader: the remaining events are game 2's). A doubleheader's
game 2 without a start time (``start_tbd``: MLB sends a placeholder such as
``T07:33:00Z``) is placed ``TBD_AFTER_S`` after game 1's start, and games are ordered
by game number, so game 2's event goes to game 2 whether the events are listed
together or one at a time. A game left without an event is
normal (finished games leave the odds feed); the reasons say which case.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from app.domain.game_status import FINISHED, PAIRABLE, GameStatus, classify
from app.domain.records import Game, OddsEvent
from app.domain.teams import TEAMS, team_id_for_name

# Where a game 2 without a start time is expected: game 1's start plus a game and a break.
TBD_AFTER_S = 3.5 * 3600


def status_of(game: Game) -> GameStatus:
    """The stored category, or the one MLB's codes give (records written before it existed)."""
    if game.status_category:
        try:
            return GameStatus(game.status_category)
        except ValueError:
            pass
    return classify(game.status_code, game.status, game.abstract_state).status


class UnmatchedReason(StrEnum):
    UNKNOWN_TEAM = "unknown_team"  # event: a team name is not an MLB club
    NO_GAME = "no_game"  # event: no game between these clubs on the slate
    NOT_PLAYED = "not_played"  # event: its only games are postponed or cancelled
    OUTSIDE_WINDOW = "outside_window"  # event or game: the other side starts too far away
    TAKEN = "taken"  # event or game: every candidate went to a closer pairing
    NO_EVENT = "no_event"  # game: no event between these clubs (normal once final)
    POSTPONED = "postponed"  # game: status D
    CANCELLED = "cancelled"  # game: status C
    SUSPENDED = "suspended"  # game: suspended (T, U): neither live nor final, not priced
    FINISHED = "finished"  # game: over; never paired with an event


class MatchPair(NamedTuple):
    game_pk: int
    event_id: str


@dataclass(frozen=True, slots=True)
class UnmatchedGame:
    game_pk: int
    reason: UnmatchedReason
    detail: str


@dataclass(frozen=True, slots=True)
class UnmatchedEvent:
    event_id: str
    reason: UnmatchedReason
    detail: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Pairs sorted by game_pk; unmatched games by game_pk, events by event_id."""

    pairs: tuple[MatchPair, ...]
    unmatched_games: tuple[UnmatchedGame, ...]
    unmatched_events: tuple[UnmatchedEvent, ...]


def _gap_s(game: Game, event: OddsEvent) -> float:
    return abs((game.start_time - event.commence_time).total_seconds())


def _check_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} is a naive datetime; matching needs aware times")


def _align(
    games: Sequence[Game], events: Sequence[OddsEvent], window_s: float
) -> list[tuple[Game, OddsEvent]]:
    """Order-preserving alignment with the most pairs, then the smallest total gap."""
    # best[i][j]: (pairs, -total gap) using the first i games and first j events.
    n, m = len(games), len(events)
    best = [[(0, 0.0)] * (m + 1) for _ in range(n + 1)]
    move: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options: list[tuple[tuple[int, float], str]] = []
            if i > 0:
                options.append((best[i - 1][j], "skip_game"))
            if j > 0:
                options.append((best[i][j - 1], "skip_event"))
            if i > 0 and j > 0:
                gap = _gap_s(games[i - 1], events[j - 1])
                if gap <= window_s:
                    count, neg_gap = best[i - 1][j - 1]
                    options.append(((count + 1, neg_gap - gap), "pair"))
            # max over (pairs, -gap); ties resolved by the fixed option order above.
            best[i][j], move[i][j] = max(options, key=lambda option: option[0])
    pairs: list[tuple[Game, OddsEvent]] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "pair":
            pairs.append((games[i - 1], events[j - 1]))
            i, j = i - 1, j - 1
        elif step == "skip_game":
            i -= 1
        else:
            j -= 1
    return pairs


def match_games(
    games: Iterable[Game], events: Iterable[OddsEvent], *, window_s: float
) -> MatchResult:
    """Pair games with events one-to-one (see the module docstring for the rules).

    ``window_s`` is ``pipeline.match_window_s``: the largest start-time gap, in seconds,
    between a game and its event. Duplicate game_pks or event_ids, naive datetimes and a
    non-positive window are programming errors (``ValueError``).
    """
    if not (math.isfinite(window_s) and window_s > 0):
        raise ValueError(f"window_s {window_s!r} is invalid: it must be a positive number")
    game_list = list(games)
    event_list = list(events)
    if len({game.game_pk for game in game_list}) != len(game_list):
        raise ValueError("match_games got the same game_pk twice")
    if len({event.event_id for event in event_list}) != len(event_list):
        raise ValueError("match_games got the same event_id twice")

    unmatched_games: list[UnmatchedGame] = []
    unmatched_events: list[UnmatchedEvent] = []
    playable: dict[tuple[int, int], list[Game]] = defaultdict(list)
    not_played: dict[tuple[int, int], list[Game]] = defaultdict(list)
    finished: dict[tuple[int, int], list[Game]] = defaultdict(list)
    for game in game_list:
        _check_aware(game.start_time, f"start_time of game {game.game_pk}")
        matchup = (game.home_team_id, game.away_team_id)
        status = status_of(game)
        if status in PAIRABLE:
            playable[matchup].append(game)
            continue
        if status in FINISHED:
            finished[matchup].append(game)
            continue
        not_played[matchup].append(game)
        unmatched_games.append(
            UnmatchedGame(game.game_pk, UnmatchedReason(status.value), f"game is {status.value}")
        )

    for matchup, over in finished.items():
        if matchup not in playable:
            # A lone finished game keeps its event (the feed may list it a little longer).
            playable[matchup].extend(over)
            continue
        # Another game of these clubs is still to be played: the events are its, never
        # the finished game's (a doubleheader's game 1).
        unmatched_games.extend(
            UnmatchedGame(g.game_pk, UnmatchedReason.FINISHED, "game is over") for g in over
        )

    events_by_matchup: dict[tuple[int, int], list[OddsEvent]] = defaultdict(list)
    for event in event_list:
        _check_aware(event.commence_time, f"commence_time of event {event.event_id}")
        home_id = team_id_for_name(event.home_team)
        away_id = team_id_for_name(event.away_team)
        unknown = [
            name
            for name, team in ((event.home_team, home_id), (event.away_team, away_id))
            if team is None
        ]
        if home_id is None or away_id is None:
            unmatched_events.append(
                UnmatchedEvent(
                    event.event_id,
                    UnmatchedReason.UNKNOWN_TEAM,
                    "not an MLB club: " + ", ".join(repr(name) for name in unknown),
                )
            )
            continue
        events_by_matchup[(home_id, away_id)].append(event)

    pairs: list[MatchPair] = []
    for matchup in sorted(set(playable) | set(events_by_matchup)):
        matchup_games = _in_play_order(playable.get(matchup, []), game_list)
        matchup_events = sorted(
            events_by_matchup.get(matchup, []), key=lambda e: (e.commence_time, e.event_id)
        )
        aligned = _align(matchup_games, matchup_events, window_s)
        pairs.extend(MatchPair(game.game_pk, event.event_id) for game, event in aligned)
        paired_games = {id(game) for game, _ in aligned}
        paired_events = {id(event) for _, event in aligned}
        label = f"{_club(matchup[1])} at {_club(matchup[0])}"
        for game in matchup_games:
            if id(game) not in paired_games:
                unmatched_games.append(_why_game(game, matchup_events, window_s, label))
        for event in matchup_events:
            if id(event) not in paired_events:
                unmatched_events.append(
                    _why_event(event, matchup_games, not_played.get(matchup, []), window_s, label)
                )

    return MatchResult(
        tuple(sorted(pairs)),
        tuple(sorted(unmatched_games, key=lambda g: g.game_pk)),
        tuple(sorted(unmatched_events, key=lambda e: e.event_id)),
    )


def _in_play_order(games: Sequence[Game], slate: Sequence[Game]) -> list[Game]:
    """A matchup's games by game number, a TBD start placed after the game before it."""
    ordered = sorted(games, key=lambda g: (g.game_number, g.start_time, g.game_pk))
    placed: list[Game] = []
    for game in ordered:
        if game.start_tbd:
            before = [
                g
                for g in slate
                if (g.home_team_id, g.away_team_id) == (game.home_team_id, game.away_team_id)
                and g.game_number < game.game_number
                and not g.start_tbd
            ]
            if before:
                start = max(g.start_time for g in before) + timedelta(seconds=TBD_AFTER_S)
                game = replace(game, start_time=start)
        placed.append(game)
    return placed


def _club(team_id: int) -> str:
    # Not every MLB schedule id is a club (the All-Star teams are 159 and 160).
    team = TEAMS.get(team_id)
    return team.name if team is not None else f"team {team_id}"


def _unpaired(
    gaps: Sequence[float], window_s: float, candidates: str, rival: str
) -> tuple[UnmatchedReason, str]:
    """Why none of the ``candidates`` (``gaps`` seconds away) paired: too far, or all taken."""
    if min(gaps) > window_s:
        return (
            UnmatchedReason.OUTSIDE_WINDOW,
            f"nearest {candidates} starts {_nearest_h(gaps)} away",
        )
    return UnmatchedReason.TAKEN, f"every {candidates} paired with another {rival}"


def _nearest_h(gaps: Iterable[float]) -> str:
    return f"{min(gaps) / 3600:.1f} h"


def _why_game(
    game: Game, events: Sequence[OddsEvent], window_s: float, label: str
) -> UnmatchedGame:
    if not events:
        return UnmatchedGame(game.game_pk, UnmatchedReason.NO_EVENT, f"no odds event for {label}")
    gaps = [_gap_s(game, event) for event in events]
    reason, detail = _unpaired(gaps, window_s, f"odds event for {label}", "game")
    return UnmatchedGame(game.game_pk, reason, detail)


def _why_event(
    event: OddsEvent,
    games: Sequence[Game],
    not_played: Sequence[Game],
    window_s: float,
    label: str,
) -> UnmatchedEvent:
    if not games:
        if not_played:
            states = sorted({status_of(game).value for game in not_played})
            return UnmatchedEvent(
                event.event_id,
                UnmatchedReason.NOT_PLAYED,
                f"{label} is {' / '.join(states)}",
            )
        return UnmatchedEvent(event.event_id, UnmatchedReason.NO_GAME, f"no game {label}")
    gaps = [_gap_s(game, event) for game in games]
    reason, detail = _unpaired(gaps, window_s, f"game {label}", "event")
    return UnmatchedEvent(event.event_id, reason, detail)
