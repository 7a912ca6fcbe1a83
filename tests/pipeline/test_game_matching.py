"""Pairing MLB games with Odds API events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import parse_iso
from app.domain import records
from app.pipeline.matching import MatchPair, UnmatchedReason, match_games
from tests.support.fixture_data import load_fixture

WINDOW_S = 4 * 3600.0  # the pipeline.match_window_s default
T0 = datetime(2025, 6, 14, 17, 5, tzinfo=UTC)


def Game(
    game_pk: int,
    start_time: datetime,
    away_team_id: int,
    home_team_id: int,
    status_code: str = "S",
    status: str = "",
    abstract_state: str = "",
    status_category: str = "",
    start_tbd: bool = False,
    game_number: int = 1,
) -> records.Game:
    """A domain game with only what matching reads filled in meaningfully."""
    return records.Game(
        game_pk=game_pk,
        official_date=start_time.date(),
        start_time=start_time,
        away_team_id=away_team_id,
        away_team=str(away_team_id),
        home_team_id=home_team_id,
        home_team=str(home_team_id),
        abstract_state=abstract_state,
        status_code=status_code,
        status=status,
        inning=None,
        inning_half=None,
        away_score=None,
        home_score=None,
        double_header="N",
        game_number=game_number,
        status_category=status_category,
        start_tbd=start_tbd,
    )


Event = records.OddsEvent


def hours(h: float) -> timedelta:
    return timedelta(hours=h)


def test_the_fixture_slate_pairs_by_team_and_time() -> None:
    schedule = load_fixture("mlb_statsapi_schedule_2025-06-14.json")
    games = [
        Game(
            g["gamePk"],
            parse_iso(g["gameDate"]),
            g["teams"]["away"]["team"]["id"],
            g["teams"]["home"]["team"]["id"],
            g["status"]["codedGameState"],
        )
        for day in schedule["dates"]
        for g in day["games"]
    ]
    events = [
        Event(e["id"], parse_iso(e["commence_time"]), e["home_team"], e["away_team"])
        for e in load_fixture("odds_api_v4_baseball_mlb_odds.json")
    ]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == (
        (777363, "e3b1f5c2a7d94b6f8c0d1a2b3c4d5e6f"),
        (777370, "4f9a2c7e1b8d4e0a9c3f5b7d2e6a8c1f"),
    )
    assert result.unmatched_games == ()
    assert result.unmatched_events == ()


def test_doubleheader_pairs_each_event_with_its_own_game() -> None:
    # Yankees at Red Sox twice, same teams both times; the events arrive in reverse order
    # and neither commence time equals its game's listed start.
    games = [Game(1, T0, 147, 111), Game(2, T0 + hours(5), 147, 111)]
    events = [
        Event("late", T0 + hours(4.5), "Boston Red Sox", "New York Yankees"),
        Event("early", T0 + hours(0.1), "Boston Red Sox", "New York Yankees"),
    ]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == (MatchPair(1, "early"), MatchPair(2, "late"))


def test_doubleheader_keeps_chronological_order_over_greedy_nearest() -> None:
    # Event a is nearer game 2 (2 h) than game 1 (3 h). Nearest-first would give it game 2
    # and strand event b (7 h from game 1, outside the window); in order, both pair.
    games = [Game(1, T0, 147, 111), Game(2, T0 + hours(5), 147, 111)]
    events = [
        Event("a", T0 + hours(3), "Boston Red Sox", "New York Yankees"),
        Event("b", T0 + hours(7), "Boston Red Sox", "New York Yankees"),
    ]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == (MatchPair(1, "a"), MatchPair(2, "b"))


def test_after_game_one_ends_the_lone_event_finds_game_two() -> None:
    # The Odds API drops completed games: only the nightcap's event is left.
    games = [Game(1, T0, 147, 111, "F"), Game(2, T0 + hours(3.5), 147, 111)]
    events = [Event("night", T0 + hours(3.6), "Boston Red Sox", "New York Yankees")]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == (MatchPair(2, "night"),)
    [game_one] = result.unmatched_games
    assert (game_one.game_pk, game_one.reason) == (1, UnmatchedReason.FINISHED)


def test_two_events_for_one_game_use_it_once() -> None:
    games = [Game(1, T0, 147, 111)]
    events = [
        Event("near", T0 + hours(0.2), "Boston Red Sox", "New York Yankees"),
        Event("far", T0 + hours(1), "Boston Red Sox", "New York Yankees"),
    ]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == (MatchPair(1, "near"),)
    [far] = result.unmatched_events
    assert (far.event_id, far.reason) == ("far", UnmatchedReason.TAKEN)
    assert "paired with another event" in far.detail


def test_the_athletics_alias_matches_team_133() -> None:
    games = [Game(10, T0, 133, 136)]  # Athletics at Seattle
    events = [Event("ath", T0, "Seattle Mariners", "Oakland Athletics")]
    assert match_games(games, events, window_s=WINDOW_S).pairs == (MatchPair(10, "ath"),)


def test_postponed_and_cancelled_games_are_never_matched() -> None:
    games = [Game(20, T0, 147, 111, "D"), Game(21, T0, 121, 143, "C")]
    events = [
        Event("rain", T0, "Boston Red Sox", "New York Yankees"),
        Event("gone", T0, "Philadelphia Phillies", "New York Mets"),
    ]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == ()
    assert [(g.game_pk, g.reason, g.detail) for g in result.unmatched_games] == [
        (20, UnmatchedReason.POSTPONED, "game is postponed"),
        (21, UnmatchedReason.CANCELLED, "game is cancelled"),
    ]
    assert [(e.event_id, e.reason, e.detail) for e in result.unmatched_events] == [
        ("gone", UnmatchedReason.NOT_PLAYED, "New York Mets at Philadelphia Phillies is cancelled"),
        ("rain", UnmatchedReason.NOT_PLAYED, "New York Yankees at Boston Red Sox is postponed"),
    ]


def test_postponed_game_does_not_block_its_makeup() -> None:
    # Game 1 postponed to a doubleheader slot later the same day: the event goes to the
    # playable game even though the postponed one starts closer.
    games = [Game(30, T0, 147, 111, "D"), Game(31, T0 + hours(2), 147, 111)]
    events = [Event("makeup", T0 + hours(0.5), "Boston Red Sox", "New York Yankees")]
    assert match_games(games, events, window_s=WINDOW_S).pairs == (MatchPair(31, "makeup"),)


def test_unknown_team_name_is_reported() -> None:
    events = [Event("x", T0, "Boston Red Sox", "Montreal Expos")]
    result = match_games([Game(1, T0, 147, 111)], events, window_s=WINDOW_S)
    assert result.pairs == ()
    [event] = result.unmatched_events
    assert (event.reason, event.detail) == (
        UnmatchedReason.UNKNOWN_TEAM,
        "not an MLB club: 'Montreal Expos'",
    )
    [game] = result.unmatched_games
    assert (game.reason, game.detail) == (
        UnmatchedReason.NO_EVENT,
        "no odds event for New York Yankees at Boston Red Sox",
    )


def test_event_outside_the_window_is_not_matched() -> None:
    games = [Game(1, T0, 147, 111)]
    events = [Event("tomorrow", T0 + hours(24), "Boston Red Sox", "New York Yankees")]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == ()
    [event] = result.unmatched_events
    assert event.reason is UnmatchedReason.OUTSIDE_WINDOW
    assert event.detail == "nearest game New York Yankees at Boston Red Sox starts 24.0 h away"
    [game] = result.unmatched_games
    assert game.reason is UnmatchedReason.OUTSIDE_WINDOW
    assert "starts 24.0 h away" in game.detail
    # The same pair fits a wider window, and a gap exactly at the window is inside it.
    assert match_games(games, events, window_s=24 * 3600.0).pairs == (MatchPair(1, "tomorrow"),)


def test_home_and_away_must_agree() -> None:
    games = [Game(1, T0, 147, 111)]
    events = [Event("swapped", T0, "New York Yankees", "Boston Red Sox")]
    result = match_games(games, events, window_s=WINDOW_S)
    assert result.pairs == ()
    [event] = result.unmatched_events
    assert (event.reason, event.detail) == (
        UnmatchedReason.NO_GAME,
        "no game Boston Red Sox at New York Yankees",
    )


def test_all_star_team_ids_do_not_break_the_labels() -> None:
    result = match_games([Game(99, T0, 159, 160)], [], window_s=WINDOW_S)
    assert result.unmatched_games[0].detail == "no odds event for team 159 at team 160"


def test_programming_errors_are_refused() -> None:
    game = Game(1, T0, 147, 111)
    event = Event("e", T0, "Boston Red Sox", "New York Yankees")
    with pytest.raises(ValueError, match="window_s 0 is invalid"):
        match_games([game], [event], window_s=0)
    with pytest.raises(ValueError, match="same game_pk twice"):
        match_games([game, game], [event], window_s=WINDOW_S)
    with pytest.raises(ValueError, match="same event_id twice"):
        match_games([game], [event, event], window_s=WINDOW_S)
    with pytest.raises(ValueError, match="start_time of game 1 is a naive datetime"):
        match_games([replace(game, start_time=T0.replace(tzinfo=None))], [], window_s=WINDOW_S)
    with pytest.raises(ValueError, match="commence_time of event e is a naive datetime"):
        match_games([], [replace(event, commence_time=T0.replace(tzinfo=None))], window_s=1.0)
