"""MLB statuses onto one vocabulary; doubleheaders and TBD starts paired to the right game."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.game_status import GameStatus, classify, slate_status, start_text
from app.domain.records import Game, OddsEvent
from app.pipeline.matching import UnmatchedReason, match_games

DAY = date(2024, 5, 20)
T0 = datetime(2024, 5, 20, 17, 5, tzinfo=UTC)
WINDOW_S = 4 * 3600.0


@pytest.mark.parametrize(
    ("coded", "detailed", "abstract", "status", "reason"),
    [
        ("S", "Scheduled", "Preview", GameStatus.SCHEDULED, None),
        ("P", "Pre-Game", "Preview", GameStatus.SCHEDULED, None),
        ("P", "Warmup", "Preview", GameStatus.WARMUP, None),
        ("P", "Delayed Start: Rain", "Preview", GameStatus.DELAYED_START, "Rain"),
        ("I", "In Progress", "Live", GameStatus.LIVE, None),
        ("I", "Delayed: Rain", "Live", GameStatus.DELAYED, "Rain"),
        ("U", "Suspended: Rain", "Live", GameStatus.SUSPENDED, "Rain"),
        ("T", "Suspended", "Live", GameStatus.SUSPENDED, None),
        ("F", "Final", "Final", GameStatus.FINAL, None),
        ("O", "Game Over", "Final", GameStatus.GAME_OVER, None),
        ("D", "Postponed", "Final", GameStatus.POSTPONED, None),
        ("D", "Postponed: Inclement Weather", "Final", GameStatus.POSTPONED, "Inclement Weather"),
        ("C", "Cancelled: Rain", "Final", GameStatus.CANCELLED, "Rain"),
        ("F", "Forfeit: Willful", "Final", GameStatus.FORFEIT, "Willful"),
        ("?", "Something new", "Live", GameStatus.LIVE, None),
    ],
)
def test_mlb_statuses_map_onto_one_vocabulary(
    coded: str, detailed: str, abstract: str, status: GameStatus, reason: str | None
) -> None:
    classified = classify(coded, detailed, abstract)
    assert (classified.status, classified.reason) == (status, reason)


def test_the_status_text_of_the_slate() -> None:
    def text(category: str, **kw: object) -> str:
        args: dict[str, object] = {
            "viewing": DAY,
            "official_date": DAY,
            "reschedule_date": None,
            "inning": None,
            "inning_half": None,
        }
        args.update(kw)
        return slate_status(category, kw.pop("reason", None), **args)  # type: ignore[arg-type]

    assert text("postponed", reschedule_date=date(2024, 5, 21)) == "PPD → May 21"
    assert text("postponed", official_date=date(2024, 5, 21)) == "PPD → May 21"
    assert text("suspended", inning=7, inning_half="Bottom") == "Susp"
    assert text("live", inning=7, inning_half="Bottom") == "B7"
    assert text("live") == "Live"
    assert text("live", inning=7, inning_half="Top", viewing=date(2024, 5, 21)) == "resumed T7"
    assert text("final") == "Final"
    assert text("scheduled") == "Sched"
    assert start_text("03:33", start_tbd=True, double_header="Y", game_number=2) == "Gm 2"
    assert start_text("03:33", start_tbd=True, double_header="N", game_number=1) == "TBD"
    assert start_text("19:05", start_tbd=False, double_header="Y", game_number=2) == "19:05"


def game(pk: int, start: datetime, number: int, category: str, *, tbd: bool = False) -> Game:
    return Game(
        game_pk=pk,
        official_date=DAY,
        start_time=start,
        away_team_id=135,  # Padres
        away_team="San Diego Padres",
        home_team_id=144,  # Braves
        home_team="Atlanta Braves",
        abstract_state="",
        status_code="",
        status="",
        inning=None,
        inning_half=None,
        away_score=None,
        home_score=None,
        double_header="Y" if tbd else "S",
        game_number=number,
        status_category=category,
        start_tbd=tbd,
    )


def event(eid: str, commence: datetime) -> OddsEvent:
    return OddsEvent(eid, commence, "Atlanta Braves", "San Diego Padres")


# A traditional doubleheader's game 2: placeholder 07:33Z (03:33 in New York) and TBD.
PLACEHOLDER = datetime(2024, 5, 20, 7, 33, tzinfo=UTC)


@pytest.mark.parametrize("game_one", ["scheduled", "live", "final"])
def test_a_tbd_game_two_gets_its_own_event_listed_together(game_one: str) -> None:
    games = [game(1, T0, 1, game_one), game(2, PLACEHOLDER, 2, "scheduled", tbd=True)]
    events = [event("g1", T0), event("g2", T0 + timedelta(hours=3, minutes=40))]
    if game_one == "final":
        events = events[1:]  # the feed drops a completed game
    result = match_games(games, events, window_s=WINDOW_S)
    expected = {(2, "g2")} | ({(1, "g1")} if game_one != "final" else set())
    assert {(p.game_pk, p.event_id) for p in result.pairs} == expected


def test_events_listed_one_at_a_time_follow_the_games() -> None:
    games = [game(1, T0, 1, "scheduled"), game(2, PLACEHOLDER, 2, "scheduled", tbd=True)]
    # Morning: only game 1's event is up.
    morning = match_games(games, [event("g1", T0)], window_s=WINDOW_S)
    assert [(p.game_pk, p.event_id) for p in morning.pairs] == [(1, "g1")]
    # Game 1 over, game 2's event appears: never paired to the finished game 1.
    over = [game(1, T0, 1, "final"), games[1]]
    evening = match_games(over, [event("g2", T0 + timedelta(hours=4))], window_s=WINDOW_S)
    assert [(p.game_pk, p.event_id) for p in evening.pairs] == [(2, "g2")]
    (finished,) = [g for g in evening.unmatched_games if g.game_pk == 1]
    assert finished.reason is UnmatchedReason.FINISHED


def test_a_split_doubleheader_pairs_by_game_number_and_time() -> None:
    night = T0 + timedelta(hours=6)
    games = [game(747121, night, 2, "live"), game(747119, T0, 1, "final")]
    result = match_games(games, [event("night", night)], window_s=WINDOW_S)
    assert [(p.game_pk, p.event_id) for p in result.pairs] == [(747121, "night")]


def test_a_suspended_game_is_never_paired() -> None:
    games = [game(1, T0, 1, "suspended")]
    result = match_games(games, [event("e", T0)], window_s=WINDOW_S)
    assert result.pairs == ()
    assert result.unmatched_games[0].reason is UnmatchedReason.SUSPENDED
    assert result.unmatched_events[0].reason is UnmatchedReason.NOT_PLAYED
