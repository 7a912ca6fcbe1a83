"""The simulated upstream serves both APIs to the real clients, deterministically."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.errors import AuthError, QuotaError, SchemaDriftError, TransientError
from app.domain.records import Game, Quote
from app.domain.teams import team_id_for_name
from app.pipeline.analytics import Policy, evaluate_event
from app.sources.mlb_api import MlbClient
from app.sources.odds_api import OddsClient, OddsResult
from app.sources.sim_slate import STEPS_PER_TICK, american, shift_american
from app.sources.simulated import STARTING_CREDITS, STARTING_USED, SimulatedUpstream

SEED = 20250614
NEW_YORK = ZoneInfo("America/New_York")
ODDS_PATH = "https://api.the-odds-api.com/v4/sports/baseball_mlb/odds"
SCHEDULE_URL = "https://statsapi.mlb.com/api/v1/schedule"


class Desk:
    """The two real clients over one simulated upstream."""

    def __init__(self, sim: SimulatedUpstream, http: httpx.AsyncClient, settings: Settings):
        self.sim = sim
        self.http = http
        limit = settings.resilience.max_response_bytes
        self.mlb = MlbClient(http, settings.mlb_api, max_bytes=limit)
        self.odds = OddsClient(
            http, settings.odds_api, SecretStr("sim-key-123456"), max_bytes=limit
        )

    async def games(self) -> list[Game]:
        return await self.mlb.schedule(self.sim.official_date)

    async def raw(self, url: str, **params: str) -> httpx.Response:
        return await self.http.get(url, params=params)


@pytest.fixture
async def desk(clock: FixedClock, settings: Settings) -> AsyncIterator[Desk]:
    sim = SimulatedUpstream(SEED, clock)
    async with httpx.AsyncClient(transport=sim) as http:
        yield Desk(sim, http, settings)


def quotes(result: OddsResult) -> dict[tuple[str, str, str, str], Quote]:
    return {(q.event_id, q.book, q.market, q.outcome): q for e in result.events for q in e.quotes}


async def payloads(sim: SimulatedUpstream) -> tuple[bytes, bytes]:
    async with httpx.AsyncClient(transport=sim) as http:
        day = sim.official_date.isoformat()
        schedule = await http.get(SCHEDULE_URL, params={"sportId": "1", "date": day})
        odds = await http.get(
            ODDS_PATH,
            params={"apiKey": "k", "regions": "us", "markets": "h2h,spreads,totals",
                    "oddsFormat": "american"},
        )  # fmt: skip
    return schedule.content, odds.content


# -- the slate ---------------------------------------------------------------------------


async def test_the_slate_has_the_cases_the_pipeline_must_handle(desk: Desk) -> None:
    games = await desk.games()
    result = await desk.odds.odds()

    assert desk.sim.official_date == date(2025, 6, 14)
    assert 14 <= len(games) <= 16
    assert all(g.official_date == date(2025, 6, 14) for g in games)
    # One rainout: MLB says postponed, and it has no market.
    (postponed,) = [g for g in games if g.status_code == "D"]
    assert (postponed.status, postponed.away_score, postponed.inning) == ("Postponed", None, None)
    # One split doubleheader: same teams, games 1 and 2, hours apart.
    doubleheader = [g for g in games if g.double_header == "S"]
    assert [g.game_number for g in doubleheader] == [1, 2]
    first, second = doubleheader
    assert (first.away_team_id, first.home_team_id) == (second.away_team_id, second.home_team_id)
    assert timedelta(hours=2) <= second.start_time - first.start_time <= timedelta(hours=6)
    # The A's: "Athletics" to MLB, "Oakland Athletics" in the odds feed; both map to 133.
    (athletics,) = [g for g in games if 133 in (g.home_team_id, g.away_team_id)]
    assert "Athletics" in (athletics.home_team, athletics.away_team)
    odds_names = {name for e in result.events for name in (e.home_team, e.away_team)}
    assert "Oakland Athletics" in odds_names
    assert "Athletics" not in odds_names
    assert team_id_for_name("Oakland Athletics") == team_id_for_name("Athletics") == 133
    # Every odds event is a scheduled game with the same first pitch; the rainout has none.
    by_event = {v.event_id: v for v in desk.sim.games()}
    assert len(result.events) == len(games) - 1
    for event in result.events:
        view = by_event[event.event_id]
        assert event.commence_time == view.start_time
        assert view.game_pk != postponed.game_pk
    # First pitches fall on the official date, in New York time.
    for game in games:
        assert game.start_time.astimezone(NEW_YORK).date() == date(2025, 6, 14)


async def test_the_board_has_six_books_three_markets_and_realistic_vig(desk: Desk) -> None:
    result = await desk.odds.odds()
    books = {q.book for e in result.events for q in e.quotes}
    assert len(books) >= 6
    assert {"draftkings", "fanduel", "betmgm"} <= books
    for event in result.events:
        by_line: dict[tuple[str, str], list[Quote]] = {}
        for q in event.quotes:
            by_line.setdefault((q.book, q.market), []).append(q)
        assert {market for _, market in by_line} == {"h2h", "spreads", "totals"}
        for (_, market), pair in by_line.items():
            assert len(pair) == 2
            names = {q.outcome for q in pair}
            if market == "totals":
                assert names == {"Over", "Under"}
                assert pair[0].point == pair[1].point
            else:
                assert names == {event.home_team, event.away_team}
            if market == "spreads":
                assert sorted(q.point for q in pair if q.point is not None) == [-1.5, 1.5]
            overround = sum(_implied(q.price) for q in pair)
            assert 1.015 < overround < 1.09, (market, [q.price for q in pair])
            assert all(q.price <= -100 or q.price >= 100 for q in pair)


def _implied(price: int) -> float:
    return -price / (-price + 100) if price < 0 else 100 / (price + 100)


async def test_the_official_date_is_new_york_s(settings: Settings) -> None:
    # 02:00 UTC on the 15th is still the evening of the 14th in New York.
    sim = SimulatedUpstream(SEED, FixedClock(datetime(2025, 6, 15, 2, 0, tzinfo=UTC)))
    assert sim.official_date == date(2025, 6, 14)
    async with httpx.AsyncClient(transport=sim) as http:
        client = MlbClient(http, settings.mlb_api, max_bytes=1_000_000)
        assert len(await client.schedule(date(2025, 6, 14))) >= 14
        assert await client.schedule(date(2025, 6, 15)) == []


@pytest.mark.parametrize("minutes_to_midnight", [55, 40, 15, 5, 1])
def test_a_card_opened_late_at_night_starts_every_game_on_its_official_date(
    minutes_to_midnight: int,
) -> None:
    # The CLI's demo runs on the wall clock: a card dealt at 23:45 used to start games
    # after midnight, whose odds then belonged to the next day and were never priced.
    midnight = datetime(2026, 12, 2, 0, 0, tzinfo=NEW_YORK)
    now = (midnight - timedelta(minutes=minutes_to_midnight)).astimezone(UTC)
    sim = SimulatedUpstream(SEED, FixedClock(now))
    assert sim.official_date == date(2026, 12, 1)
    playable = [g for g in sim.games() if g.phase != "postponed"]
    assert {g.start_time.astimezone(NEW_YORK).date() for g in playable} == {date(2026, 12, 1)}
    unstarted = [g for g in playable if g.phase in ("scheduled", "pregame")]
    assert unstarted and all(g.start_time > now for g in unstarted)


# -- determinism and movement ------------------------------------------------------------


async def test_same_seed_and_steps_give_identical_payloads(clock: FixedClock) -> None:
    one, two = SimulatedUpstream(SEED, clock), SimulatedUpstream(SEED, clock)
    assert await payloads(one) == await payloads(two)
    one.advance(7)
    two.advance(3)
    two.advance(4)
    assert await payloads(one) == await payloads(two)
    other = SimulatedUpstream(SEED + 1, clock)
    other.advance(7)
    assert await payloads(other) != await payloads(one)


async def test_odds_are_stable_between_requests_without_advance(desk: Desk) -> None:
    before = await desk.odds.odds()
    again = await desk.odds.odds()
    assert again.events == before.events
    # Each call still costs markets x regions credits.
    assert before.quota.last == again.quota.last == 3
    assert before.quota.remaining is not None and again.quota.remaining is not None
    assert again.quota.remaining == before.quota.remaining - 3
    assert again.quota.used == (before.quota.used or 0) + 3


async def test_advance_moves_some_prices_not_all(desk: Desk, clock: FixedClock) -> None:
    before = quotes(await desk.odds.odds())
    for _ in range(5):
        clock.advance(60)
        desk.sim.advance()
        after = quotes(await desk.odds.odds())
        common = before.keys() & after.keys()
        moved = {
            k
            for k in common
            if (before[k].price, before[k].point) != (after[k].price, after[k].point)
        }
        assert moved
        assert len(moved) < len(common) / 2
        # A moved quote says when its book moved it.
        for key in moved:
            assert after[key].book_updated_at == clock.now()
        before = after


async def test_move_price_changes_exactly_one_quote(desk: Desk, clock: FixedClock) -> None:
    before = quotes(await desk.odds.odds())
    event = desk.sim.events()[2]
    key = (event.event_id, "fanduel", "h2h", event.odds_home_team)
    clock.advance(30)

    new_price = desk.sim.move_price(2, "fanduel", "h2h", event.odds_home_team, +7)

    after = quotes(await desk.odds.odds())
    assert new_price == shift_american(before[key].price, 7)
    assert after[key].price == new_price
    assert after[key].book_updated_at == clock.now()
    # A line move is a change of price or point; the market's timestamp covers both sides.
    changed = {
        k for k in before if (before[k].price, before[k].point) != (after[k].price, after[k].point)
    }
    assert changed == {key}
    # The same through the event id, and the price reader agrees.
    desk.sim.move_price(event.event_id, "fanduel", "h2h", event.odds_home_team, -7)
    assert desk.sim.price(event.event_id, "fanduel", "h2h", event.odds_home_team) == shift_american(
        new_price, -7
    )


def test_move_price_refuses_unknown_lines(clock: FixedClock) -> None:
    sim = SimulatedUpstream(SEED, clock)
    with pytest.raises(KeyError):
        sim.move_price(0, "nobook", "h2h", "Over", 5)
    with pytest.raises(KeyError):
        sim.move_price(0, "fanduel", "totals", "Not An Outcome", 5)


def test_american_prices_skip_the_dead_zone() -> None:
    assert shift_american(-105, 10) == 105
    assert shift_american(105, -10) == -105
    assert shift_american(-120, 10) == -110
    assert american(0.5) == -100
    assert american(0.6) == -150
    assert american(0.4) == 150


async def test_games_go_live_then_final_and_final_games_leave_the_board(desk: Desk) -> None:
    seen_live: set[int] = set()
    innings: dict[int, list[tuple[int, str]]] = {}
    # Games move once per tick; the steps in between only move prices.
    for _ in range(200):
        games = await desk.games()
        result = await desk.odds.odds()
        states = {g.game_pk: g for g in games}
        # The two games of the doubleheader are never played at the same time.
        assert [g.abstract_state for g in games if g.double_header == "S"].count("Live") <= 1
        on_board = {e.event_id for e in result.events}
        for view in desk.sim.games():
            game = states[view.game_pk]
            if game.abstract_state == "Live":
                seen_live.add(game.game_pk)
                assert game.inning is not None and game.inning_half in ("Top", "Bottom")
                assert game.away_score is not None and game.home_score is not None
                innings.setdefault(game.game_pk, []).append((game.inning, game.inning_half))
            # /odds never lists a completed (or rained-out) game, and lists every other one.
            assert (view.event_id in on_board) == (game.abstract_state != "Final")
        if all(g.abstract_state == "Final" for g in games):
            break
        desk.sim.advance(STEPS_PER_TICK)
    else:
        pytest.fail("the slate never finished")

    assert result.events == []
    assert result.quota.last == 0  # an empty board costs nothing
    final = [g for g in games if g.status_code == "F"]
    assert len(final) == len(games) - 1
    assert len(seen_live) == len(final)
    for game in final:
        assert game.away_score is not None and game.home_score is not None
        assert game.away_score != game.home_score
        assert game.inning is not None and game.inning >= 9
        # Innings only move forward.
        path = innings[game.game_pk]
        assert path == sorted(path, key=lambda p: (p[0], p[1] == "Bottom"))


# -- the Odds API contract ----------------------------------------------------------------


async def test_a_missing_key_gets_the_odds_api_401(desk: Desk, settings: Settings) -> None:
    response = await desk.raw(ODDS_PATH, regions="us", markets="h2h", oddsFormat="american")
    assert response.status_code == 401
    assert response.json()["error_code"] == "MISSING_KEY"
    assert set(response.json()) == {"message", "error_code", "details_url"}

    odds = OddsClient(desk.http, settings.odds_api, SecretStr(""), max_bytes=1_000_000)
    with pytest.raises(AuthError) as caught:
        await odds.odds()
    assert "MISSING_KEY" in caught.value.message


async def test_quota_cost_is_markets_times_regions(desk: Desk, settings: Settings) -> None:
    settings.odds_api.regions = ["us", "uk"]
    client = OddsClient(desk.http, settings.odds_api, SecretStr("k-123456"), max_bytes=10**7)
    result = await client.odds()
    assert result.quota.last == 6


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"markets": "h2h", "oddsFormat": "american"}, "MISSING_REGION"),
        ({"regions": "us", "markets": "player_props", "oddsFormat": "american"}, "INVALID_MARKET"),
        ({"regions": "mars", "markets": "h2h", "oddsFormat": "american"}, "INVALID_REGION"),
    ],
)
async def test_bad_parameters_get_a_422(desk: Desk, params: dict[str, str], code: str) -> None:
    response = await desk.raw(ODDS_PATH, apiKey="k", **params)
    assert response.status_code == 422
    assert response.json()["error_code"] == code
    assert "x-requests-remaining" in response.headers


async def test_every_odds_answer_carries_quota_headers(desk: Desk) -> None:
    for _ in range(3):
        response = await desk.raw(
            ODDS_PATH, apiKey="k", regions="us", markets="h2h,totals", oddsFormat="american"
        )
        assert response.status_code == 200
        assert response.headers["x-requests-last"] == "2"
    assert desk.sim.quota_used == STARTING_USED + 6
    assert response.headers["x-requests-remaining"] == str(STARTING_CREDITS - STARTING_USED - 6)


# -- faults ------------------------------------------------------------------------------


async def test_fault_every_rotates_a_429_burst_a_500_and_a_timeout(
    clock: FixedClock,
) -> None:
    sim = SimulatedUpstream(SEED, clock, fault_every=3)
    outcomes: list[int | str] = []
    retry_after: list[str] = []
    async with httpx.AsyncClient(transport=sim) as http:
        for _ in range(10):
            try:
                response = await http.get(SCHEDULE_URL, params={"sportId": "1"})
            except httpx.ReadTimeout:
                outcomes.append("timeout")
            else:
                outcomes.append(response.status_code)
                if response.status_code == 429:
                    retry_after.append(response.headers["retry-after"])
    # Requests 3 and 4: the burst; 6: a server error; 9: a read timeout.
    assert outcomes == [200, 200, 429, 429, 200, 500, 200, 200, "timeout", 200]
    assert retry_after == ["1", "1"]


async def test_the_same_faults_reach_the_clients_classified(
    clock: FixedClock, settings: Settings
) -> None:
    sim = SimulatedUpstream(SEED, clock, fault_every=2)
    async with httpx.AsyncClient(transport=sim) as http:
        desk = Desk(sim, http, settings)
        await desk.games()
        with pytest.raises(TransientError) as burst:
            await desk.odds.odds()
        assert burst.value.retry_after_s == 1.0
        assert desk.odds.last_quota is not None and desk.odds.last_quota.last == 0
        # The burst's second 429 waits for the retry of the same API, not the next call.
        assert await desk.games()
        with pytest.raises(TransientError) as second:
            await desk.odds.odds()
        assert second.value.retry_after_s == 1.0
        assert await desk.games()
        with pytest.raises(TransientError) as server:
            await desk.odds.odds()
        assert "HTTP 500" in server.value.message


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("timeout", TransientError, "read timeout"),
        ("connect_error", TransientError, "connection failed"),
        ("server_error", TransientError, "HTTP 500"),
        ("rate_limit", TransientError, "HTTP 429 EXCEEDED_FREQ_LIMIT"),
        ("invalid_key", AuthError, "HTTP 401 INVALID_KEY"),
        ("out_of_credits", QuotaError, "HTTP 401 OUT_OF_USAGE_CREDITS"),
        ("malformed", SchemaDriftError, "not valid JSON"),
        ("drift", SchemaDriftError, "'response body'"),
    ],
)
async def test_an_injected_odds_fault_spares_the_mlb_call(
    desk: Desk, kind: str, error: type[Exception], words: str
) -> None:
    desk.sim.inject(kind, api="odds")  # type: ignore[arg-type]
    assert len(await desk.games()) >= 14  # the MLB call is untouched
    with pytest.raises(error) as caught:
        await desk.odds.odds()
    assert words in str(caught.value)
    # One shot: the next call is fine.
    assert (await desk.odds.odds()).events


async def test_an_injected_burst_lasts_two_calls(desk: Desk) -> None:
    desk.sim.inject("rate_limit_burst", api="mlb")
    for _ in range(2):
        with pytest.raises(TransientError) as caught:
            await desk.games()
        assert caught.value.retry_after_s == 1.0
    assert await desk.games()


async def test_injected_mlb_drift_names_the_field(desk: Desk) -> None:
    desk.sim.inject("drift", api="mlb")
    with pytest.raises(SchemaDriftError) as caught:
        await desk.games()
    assert caught.value.field == "dates"


def test_unknown_fault_kinds_are_refused(clock: FixedClock) -> None:
    sim = SimulatedUpstream(SEED, clock)
    with pytest.raises(ValueError, match="unknown fault"):
        sim.inject("meteor")  # type: ignore[arg-type]


async def test_unknown_paths_get_a_404(desk: Desk) -> None:
    response = await desk.raw("https://example.test/api/v1/teams")
    assert response.status_code == 404
    sport = await desk.raw(
        "https://api.the-odds-api.com/v4/sports/icehockey_nhl/odds", apiKey="k", regions="us"
    )
    assert sport.status_code == 404
    assert sport.json()["error_code"] == "UNKNOWN_SPORT"


async def test_the_schedule_payload_has_the_recorded_shape(desk: Desk, mlb_payload: dict) -> None:
    desk.sim.advance(3)
    response = await desk.raw(SCHEDULE_URL, sportId="1", date="2025-06-14", hydrate="linescore")
    body = response.json()
    recorded_game = mlb_payload["dates"][0]["games"][1]
    assert set(body) == set(mlb_payload)
    assert set(body["dates"][0]) == set(mlb_payload["dates"][0])
    live = [g for g in body["dates"][0]["games"] if g["status"]["abstractGameState"] == "Live"]
    assert live
    assert set(recorded_game) - {"isTie"} <= set(live[0])
    assert set(live[0]["linescore"]) >= set(recorded_game["linescore"]) - {"defense", "offense"}
    assert set(live[0]["teams"]["home"]) >= {"leagueRecord", "score", "team"}
    # The half not yet played has no "runs" key, as in the recording.
    last = live[0]["linescore"]["innings"][-1]
    assert "runs" not in (last["home"] if live[0]["linescore"]["isTopInning"] else {})
    json.dumps(body)  # plain JSON all the way down


@pytest.mark.parametrize("seed", [0, 3])
def test_doubleheader_game_two_waits_for_game_one(clock: FixedClock, seed: int) -> None:
    # With these seeds game 2's slot comes up while game 1 is still being played.
    sim = SimulatedUpstream(seed, clock)
    waited = False
    for _ in range(200):
        first, second = [g for g in sim.games() if g.double_header == "S"]
        assert not (first.phase == "live" and second.phase == "live")
        waited = waited or (first.phase == "live" and second.phase == "pregame")
        if second.phase == "final":
            break
        sim.advance(STEPS_PER_TICK)
    assert waited
    assert (first.phase, second.phase) == ("final", "final")


@pytest.mark.parametrize("seed", range(40))
def test_every_seed_builds_the_demo_cases_and_finishes(clock: FixedClock, seed: int) -> None:
    sim = SimulatedUpstream(seed, clock)
    games = sim.games()
    assert len(games) == 15
    assert [g.phase for g in games].count("postponed") == 1
    assert [g.game_number for g in games if g.double_header == "S"] == [1, 2]
    (athletics,) = [g for g in games if 133 in (g.home_team_id, g.away_team_id)]
    assert "Oakland Athletics" in (athletics.odds_home_team, athletics.odds_away_team)
    assert athletics.has_odds and athletics.double_header == "N"
    assert len({g.game_pk for g in games}) == len({g.event_id for g in games}) == 15
    for _ in range(200):
        if all(g.phase in ("final", "postponed") for g in sim.games()):
            break
        sim.advance(STEPS_PER_TICK)
    assert sim.events() == []
    assert sim.card == 0  # the finished card is still the one on the board


# -- a demo left running -----------------------------------------------------------------

DEMO_INTERVAL_S = 5  # the demo scheduler's default step (settings.demo.interval_s)


def _card_length(sim: SimulatedUpstream) -> int:
    """advance() steps until the next card opens."""
    card = sim.card
    start = sim.step
    while sim.card == card:
        sim.advance()
        assert sim.step - start < 5_000, "the card never ended"
    return sim.step - start


def test_prices_move_every_step_but_games_only_every_tick(clock: FixedClock) -> None:
    sim = SimulatedUpstream(SEED, clock)

    def board() -> list[tuple[object, ...]]:
        return [(g.phase, g.inning, g.inning_half, g.away_score, g.home_score) for g in sim.games()]

    # (test_advance_moves_some_prices_not_all shows the prices moving on every step.)
    ticks_that_moved = 0
    for _ in range(10):
        before = board()
        for _ in range(STEPS_PER_TICK - 1):
            sim.advance()
            assert board() == before  # between ticks only prices move...
        sim.advance()  # ...and on the tick the games move too
        ticks_that_moved += board() != before
    assert ticks_that_moved >= 5


@pytest.mark.parametrize("seed", [SEED, 3, 11])
def test_a_card_lasts_one_to_two_hours_at_the_demo_interval(clock: FixedClock, seed: int) -> None:
    sim = SimulatedUpstream(seed, clock)
    first = _card_length(sim)
    second = _card_length(sim)
    for steps in (first, second):
        assert 60 * 60 <= steps * DEMO_INTERVAL_S <= 2 * 60 * 60, steps


async def test_a_finished_card_makes_way_for_a_fresh_one_on_the_same_date(
    clock: FixedClock, settings: Settings
) -> None:
    sim = SimulatedUpstream(SEED, clock)
    first = sim.games()
    _card_length(sim)
    assert sim.card == 1
    second = sim.games()

    assert sim.official_date == date(2025, 6, 14)
    assert {g.game_pk for g in first}.isdisjoint({g.game_pk for g in second})
    assert {g.event_id for g in first}.isdisjoint({g.event_id for g in second})

    # No two clubs meet twice on one date outside the doubleheader, so the matcher never
    # has to tell two games of the same clubs apart by their start times.
    def matchups(games: list) -> set[frozenset[int]]:
        return {frozenset((g.away_team_id, g.home_team_id)) for g in games}

    assert matchups(first).isdisjoint(matchups(second))
    # The new card has the same demo cases and is on the board: first game under way.
    assert [g.phase for g in second].count("postponed") == 1
    assert [g.game_number for g in second if g.double_header == "S"] == [1, 2]
    assert any(133 in (g.home_team_id, g.away_team_id) for g in sim.events())
    assert [g.phase for g in second].count("live") == [g.phase for g in first].count("live")
    # What the real clients get: the new games, on today's date, with their odds events.
    async with httpx.AsyncClient(transport=sim) as http:
        desk = Desk(sim, http, settings)
        games = await desk.games()
        result = await desk.odds.odds()
    assert {g.game_pk for g in games} == {g.game_pk for g in second}
    assert all(g.official_date == date(2025, 6, 14) for g in games)
    assert {e.event_id for e in result.events} == {g.event_id for g in sim.events()}
    for event in result.events:
        assert event.commence_time.astimezone(NEW_YORK).date() == date(2025, 6, 14)


def test_a_demo_left_running_never_runs_dry(clock: FixedClock) -> None:
    # Three hours at the demo interval: the board empties only between two cards.
    sim = SimulatedUpstream(SEED, clock)
    empty_run = longest_empty = 0
    event_ids: set[str] = set()
    for _ in range(3 * 60 * 60 // DEMO_INTERVAL_S):
        sim.advance()
        events = sim.events()
        empty_run = 0 if events else empty_run + 1
        longest_empty = max(longest_empty, empty_run)
        event_ids.update(e.event_id for e in events)
        assert sim.official_date == date(2025, 6, 14)
        assert all(g.official_date == sim.official_date for g in sim.games())
    assert sim.card >= 2
    assert longest_empty <= 3 * STEPS_PER_TICK  # the finished card's last look, ~2 minutes
    assert len(event_ids) == (sim.card + 1) * 14  # every card brought 14 new odds events


def test_a_new_official_date_opens_a_card_at_once() -> None:
    # 03:55 UTC is still the 14th in New York; ten minutes on, it is the 15th.
    clock = FixedClock(datetime(2025, 6, 15, 3, 55, tzinfo=UTC))
    sim = SimulatedUpstream(SEED, clock)
    sim.advance(5)
    assert sim.official_date == date(2025, 6, 14)
    before = {g.game_pk for g in sim.games()}
    clock.moment += timedelta(minutes=10)
    sim.advance()
    assert sim.official_date == date(2025, 6, 15)
    assert sim.card == 0
    assert {g.game_pk for g in sim.games()}.isdisjoint(before)
    assert all(g.official_date == date(2025, 6, 15) for g in sim.games())
    assert sim.events()


async def test_determinism_holds_across_cards(clock: FixedClock) -> None:
    one, two = SimulatedUpstream(SEED, clock), SimulatedUpstream(SEED, clock)
    one.advance(2_000)
    for _ in range(4):
        two.advance(500)
    assert one.card == two.card >= 1
    assert await payloads(one) == await payloads(two)


async def test_a_handful_of_value_bets_that_come_and_go(desk: Desk, settings: Settings) -> None:
    # Judged as the pipeline judges them (its default devig and threshold), the books
    # agree closely enough that only a few prices at a time are value.
    policy = Policy.from_settings(settings)
    counts: list[int] = []
    seen: list[set[tuple[str, str, str, str]]] = []
    for _ in range(40):
        result = await desk.odds.odds()
        bets = [
            bet
            for event in result.events
            for bet in evaluate_event(event.quotes, policy).value_bets
        ]
        counts.append(len(bets))
        seen.append({(b.event_id, b.book, b.market, b.outcome) for b in bets})
        assert all(b.edge < 0.2 for b in bets), [b.edge for b in bets]
        desk.sim.advance(15)
    assert 2 <= sum(counts) / len(counts) <= 6, counts
    assert max(counts) <= 12, counts
    # They come and go as prices move: the set changes, and none lasts all along.
    assert len({frozenset(s) for s in seen}) > 10
    assert not set.intersection(*seen)
