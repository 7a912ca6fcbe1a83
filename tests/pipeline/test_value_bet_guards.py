"""Acceptance (issue 11): value bets a bettor can trust, through `pressbox replay`.

Every case is a recording in the `pipeline.record_dir` format built from a real answer:
the real 2022-08-22 Odds API board (commence times moved into the past for the in-play
case) or the real 2024-05-20 MLB snapshot with an odds board for its pre-game Tigers @
Royals game (746307, first pitch 23:40Z; the recorded moment is 23:30Z).
"""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.core.clock import iso, parse_iso
from app.storage.database import Database
from app.storage.read.game_detail import load_game_detail

from .test_record_replay import REAL, RECORDINGS, rows

MOMENT = "2024-05-20T23:30:01.000Z"
FRESH = "2024-05-20T23:25:00Z"
STALE = "2024-05-20T22:00:00Z"
TIGERS_ROYALS = 746307
EVENT = "pre00000000000000000000000000001"
DAY = "2024-05-20"


def answer(run: int, source: str, fetched_at: str, body: Any) -> dict[str, Any]:
    """One recorded odds answer in the record_dir format (as the recorder writes it)."""
    url = (
        "https://statsapi.mlb.com/api/v1/schedule?sportId=1&date=2024-05-20&hydrate=linescore"
        if source == "mlb"
        else "https://api.the-odds-api.com/v4/sports/baseball_mlb/odds?regions=us&markets=h2h"
        "&oddsFormat=american&dateFormat=iso"
    )
    headers = {"content-type": "application/json"}
    if source == "odds":
        headers |= {"x-requests-remaining": "19000", "x-requests-used": "1000"}
    return {
        "run": run,
        "fetched_at": fetched_at,
        "source": source,
        "url": url,
        "status": 200,
        "headers": headers,
        "body": body,
    }


def book(key: str, tigers: int, royals: int, updated: str = FRESH) -> dict[str, Any]:
    outcomes = [
        {"name": "Detroit Tigers", "price": tigers},
        {"name": "Kansas City Royals", "price": royals},
    ]
    return {
        "key": key,
        "title": key.title(),
        "last_update": updated,
        "markets": [{"key": "h2h", "last_update": updated, "outcomes": outcomes}],
    }


def tigers_royals(folder: Path, *books: dict[str, Any]) -> Path:
    """The real 2024-05-20 schedule, then an odds board of Tigers @ Royals with ``books``."""
    folder.mkdir(parents=True)
    mlb = json.loads((RECORDINGS / "suspended_2024-05-20" / "000001-mlb.json").read_text())
    (folder / "000001-mlb.json").write_text(json.dumps(mlb))
    event = {
        "id": EVENT,
        "sport_key": "baseball_mlb",
        "sport_title": "MLB",
        "commence_time": "2024-05-20T23:40:00Z",
        "home_team": "Kansas City Royals",
        "away_team": "Detroit Tigers",
        "bookmakers": list(books),
    }
    (folder / "000002-odds.json").write_text(json.dumps(answer(1, "odds", MOMENT, [event])))
    return folder


ODDS_ONLY = 2  # degraded: no MLB answer was recorded, the odds landed


def replay(folder: Path, db_path: Path, exit_code: int = 0, **settings: str) -> Result:
    env = {f"PRESSBOX_ANALYTICS__{k.upper()}": v for k, v in settings.items()}
    result = CliRunner().invoke(cli, ["replay", str(folder), "--db", str(db_path)], env=env)
    assert result.exit_code == exit_code, result.output
    return result


def bets_json(db_path: Path, day: str = DAY) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["bets", "--json", "--date", day, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def verdicts(db_path: Path) -> dict[tuple[str, str], str]:
    found = rows(
        db_path, "SELECT book, outcome, verdict FROM price_edges WHERE event_id = ?", (EVENT,)
    )
    return {(b, o): v for b, o, v in found}


# -- 1. pre-game only ---------------------------------------------------------------------


def in_play_board(folder: Path, in_play: int) -> tuple[Path, set[str]]:
    """The real 2022-08-22 board at 17:30Z, with ``in_play`` games begun an hour ago.

    Every quote is moved to minutes before the moment (the real spread between books is
    kept), and in each begun game DraftKings has moved its line the way live prices move
    (25 cents each side): in play, its underdog looks like value against the other books.
    """
    board = json.loads((REAL / "odds" / "odds_2022-08-22_h2h_pregame_us_uk_eu.json").read_text())
    moment = datetime(2022, 8, 22, 17, 30, tzinfo=UTC)  # before the board's first pitch
    newest = max(parse_iso(b["last_update"]) for e in board for b in e["bookmakers"])
    shift = moment - timedelta(minutes=1) - newest
    begun: set[str] = set()
    for index, event in enumerate(sorted(board, key=lambda e: e["id"])):
        for bookmaker in event["bookmakers"]:
            bookmaker["last_update"] = iso(parse_iso(bookmaker["last_update"]) + shift)
        if index < in_play:
            begun.add(event["id"])
            event["commence_time"] = iso(moment - timedelta(hours=1))
            mover = next(b for b in event["bookmakers"] if b["key"] == "draftkings")
            live = mover["markets"][0]["outcomes"]
            max(live, key=lambda o: o["price"])["price"] += 25
            min(live, key=lambda o: o["price"])["price"] -= 25
    folder.mkdir(parents=True)
    recorded = answer(1, "odds", iso(moment), board)
    (folder / "000001-odds.json").write_text(json.dumps(recorded))
    return folder, begun


def test_an_in_play_answer_yields_no_value_bet_by_default(tmp_path: Path) -> None:
    folder, begun = in_play_board(tmp_path / "in_play", in_play=4)
    replay(folder, tmp_path / "default.db", ODDS_ONLY)
    assert bets_json(tmp_path / "default.db", "2022-08-22")["bets"] == []
    priced = {r[0] for r in rows(tmp_path / "default.db", "SELECT event_id FROM fair_prices")}
    assert priced and not priced & begun, "pre-game games are priced, begun ones never"
    marked = rows(
        tmp_path / "default.db",
        "SELECT DISTINCT event_id, verdict FROM price_edges WHERE verdict = 'in_play'",
    )
    assert {event for event, _ in marked} == begun, "in-play quotes are stored, marked as such"

    # The same answer with live pricing on: the moved in-play prices are flagged.
    replay(folder, tmp_path / "live.db", ODDS_ONLY, include_live="true")
    live = bets_json(tmp_path / "live.db", "2022-08-22")["bets"]
    assert live and {b["event_id"] for b in live} <= begun


def test_a_value_bet_is_closed_when_its_game_starts(tmp_path: Path) -> None:
    value_board = [book("draftkings", 125, -145), *same_books(-110, -110)]
    first = tigers_royals(tmp_path / "before", *value_board)
    db_path = tmp_path / "pressbox.db"
    replay(first, db_path)
    assert len(bets_json(db_path)["bets"]) == 1
    # After first pitch: the same board, the game begun by its commence time (MLB's
    # snapshot still says scheduled: whichever says started first wins).
    second = tmp_path / "after"
    second.mkdir()
    for name in ("000001-mlb.json", "000002-odds.json"):
        later = json.loads((first / name).read_text())
        later["fetched_at"] = "2024-05-20T23:45:00.000Z"
        for bookmaker in (
            later["body"][0].get("bookmakers", []) if name.endswith("odds.json") else []
        ):
            bookmaker["last_update"] = "2024-05-20T23:44:00Z"
        (second / name).write_text(json.dumps(later))
    replay(second, db_path)
    assert bets_json(db_path)["bets"] == []
    closed = rows(db_path, "SELECT active, closed_reason, closed_at FROM value_bets")
    assert closed == [(0, "started", "2024-05-20T23:45:00.000Z")]


# -- 2. fresh quotes only -----------------------------------------------------------------


def test_two_fresh_books_and_a_stale_one_make_no_value_bet(tmp_path: Path) -> None:
    books = (
        book("draftkings", -150, 130),
        book("fanduel", -150, 130),
        book("betmgm", -200, 170, updated=STALE),
    )
    folder = tigers_royals(tmp_path / "stale", *books)
    # One other book is enough here, so that only the freshness guard stands in the way.
    replay(folder, tmp_path / "guarded.db", min_books="1")
    assert bets_json(tmp_path / "guarded.db")["bets"] == []
    detail = asyncio.run(detail_of(tmp_path / "guarded.db"))
    stale = {(p.book, p.outcome): p for p in detail.prices if p.verdict == "stale"}
    assert set(stale) == {("betmgm", "Detroit Tigers"), ("betmgm", "Kansas City Royals")}
    assert all(p.edge is None and "s older than" in (p.note or "") for p in stale.values())

    # Without the guard the stale book is half of each fresh book's consensus: both fresh
    # -150s are value (the issue's +2.9%), and the stale +170 itself becomes the bet.
    replay(folder, tmp_path / "unguarded.db", min_books="1", max_quote_age_s="86400")
    [bet] = bets_json(tmp_path / "unguarded.db")["bets"]
    assert (bet["book"], bet["outcome"], bet["price"]) == ("betmgm", "Kansas City Royals", 170)
    fresh = rows(
        tmp_path / "unguarded.db",
        "SELECT book, edge FROM price_edges WHERE is_value = 1 AND price = -150 ORDER BY book",
    )
    assert [b for b, _ in fresh] == ["draftkings", "fanduel"]
    assert all(edge == pytest.approx(0.029, abs=1e-3) for _, edge in fresh)


async def detail_of(db_path: Path) -> Any:
    async with Database(db_path) as db:
        return await load_game_detail(db, TIGERS_ROYALS)


# -- 3./4. enough books, sanity limits ----------------------------------------------------


def test_a_glitched_line_is_one_outlier_and_no_value_bet(tmp_path: Path) -> None:
    folder = tigers_royals(
        tmp_path / "glitch", book("draftkings", -150, 130), book("fanduel", -10000, 100)
    )
    for min_books in ("3", "1"):  # the default, then the guard that catches it by itself
        db_path = tmp_path / f"min{min_books}.db"
        replay(folder, db_path, min_books=min_books)
        payload = bets_json(db_path)
        assert payload["bets"] == []
        [outlier] = payload["outliers"]
        assert (outlier["book"], outlier["outcome"], outlier["price"]) == (
            "fanduel",
            "Detroit Tigers",
            -10000,
        )
        assert outlier["reason"] == "margin 49.0% above 10.0% (-10000/+100)"


def test_too_few_books_give_no_fair_price_and_say_so(tmp_path: Path) -> None:
    folder = tigers_royals(
        tmp_path / "thin", *[book(k, -110, -110) for k in ("draftkings", "fanduel", "betmgm")]
    )
    replay(folder, tmp_path / "thin.db")
    assert rows(tmp_path / "thin.db", "SELECT COUNT(*) FROM fair_prices") == [(0,)]
    detail = asyncio.run(detail_of(tmp_path / "thin.db"))
    assert {p.verdict for p in detail.prices} == {"too_few_books"}
    assert {p.note for p in detail.prices} == {"2 other book(s) at this line; at least 3 needed"}


def test_a_reference_book_sets_the_fair_price(tmp_path: Path) -> None:
    # Pinnacle at -105/-105 (fair 50%), three retail books: DraftKings' +110 is 5.0% value.
    folder = tigers_royals(
        tmp_path / "ref",
        book("pinnacle", -105, -105),
        book("draftkings", 110, -130),
        book("fanduel", -110, -110),
    )
    replay(folder, tmp_path / "ref.db", reference_books="pinnacle")
    [bet] = bets_json(tmp_path / "ref.db")["bets"]
    assert (bet["book"], bet["price"], bet["fair_prob"]) == ("draftkings", 110, 0.5)
    assert bet["edge"] == pytest.approx(0.05, abs=1e-9)
    method = rows(tmp_path / "ref.db", "SELECT DISTINCT method, books FROM fair_prices")
    assert method == [("power:pinnacle", 1)]


# -- 5./6. one stake per bet, one number everywhere ---------------------------------------


def same_books(tigers: int, royals: int) -> list[dict[str, Any]]:
    return [book(k, tigers, royals) for k in ("williamhill_us", "pointsbetus", "bovada")]


def test_an_outcome_at_three_books_is_one_bet_with_one_stake(tmp_path: Path) -> None:
    # DraftKings, FanDuel and BetMGM hang Tigers +125; three books at -110/-110 (fair 50%
    # by any method). Each +125 is judged against five others whose median is 50%:
    # EV = 0.5 x 2.25 - 1 = +12.5%; quarter Kelly: b = 1.25, f* = (1.25 x 0.5 - 0.5) / 1.25
    # = 0.10 -> 0.025 x 1000 = 25.00 (under the 3% cap of 30). The Royals -110 at the other
    # books is value too (the +125 books pull the Royals' median up) but is the other side.
    value = [book(k, 125, -145) for k in ("draftkings", "fanduel", "betmgm")]
    folder = tigers_royals(tmp_path / "three", *value, *same_books(-110, -110))
    db_path = tmp_path / "three.db"
    replay(folder, db_path)
    [bet] = bets_json(db_path)["bets"]
    assert (bet["outcome"], bet["price"], bet["book"]) == ("Detroit Tigers", 125, "betmgm")
    assert bet["edge"] == pytest.approx(0.125, abs=1e-9)
    assert bet["stake"] == pytest.approx(25.0, abs=1e-6)
    assert [a["book"] for a in bet["alternatives"]] == ["draftkings", "fanduel"]
    flagged = rows(db_path, "SELECT book, outcome FROM price_edges WHERE is_value = 1")
    assert ("williamhill_us", "Kansas City Royals") in flagged, "judged value, never a 2nd bet"

    # Game detail shows the very number `bets --json` prints, for that price.
    detail = asyncio.run(detail_of(db_path))
    [shown] = [p for p in detail.prices if (p.book, p.outcome) == ("betmgm", "Detroit Tigers")]
    assert shown.edge is not None and round(shown.edge, 6) == bet["edge"]
    assert shown.is_value


def test_open_stakes_never_exceed_the_exposure_cap(tmp_path: Path) -> None:
    # Ten games each with a +12.5% bet staked 25.00: 250 on a 1,000 bankroll, scaled down
    # together to the 15% cap: 150.00, 15.00 each.
    template = json.loads(
        (REAL / "odds" / "odds_2022-08-22_h2h_pregame_us_uk_eu.json").read_text()
    )[0]
    events = []
    for n in range(10):
        event = copy.deepcopy(template)
        event["id"] = f"cap{n:029d}"
        event["commence_time"] = "2022-08-22T23:05:00Z"
        home, away = event["home_team"], event["away_team"]
        prices = [(125, -145)] * 3 + [(-110, -110)] * 3
        event["bookmakers"] = [
            {
                "key": f"book{i}",
                "title": f"Book {i}",
                "last_update": "2022-08-22T15:59:00Z",
                "markets": [
                    {
                        "key": "h2h",
                        "outcomes": [{"name": away, "price": a}, {"name": home, "price": h}],
                    }
                ],
            }
            for i, (a, h) in enumerate(prices)
        ]
        events.append(event)
    folder = tmp_path / "cap"
    folder.mkdir()
    (folder / "000001-odds.json").write_text(
        json.dumps(answer(1, "odds", "2022-08-22T16:00:00.000Z", events))
    )
    replay(folder, tmp_path / "cap.db", ODDS_ONLY)
    bets = bets_json(tmp_path / "cap.db", "2022-08-22")["bets"]
    assert len(bets) == 10
    assert sum(b["stake"] for b in bets) == pytest.approx(150.0, abs=0.01)
    assert {b["stake"] for b in bets} == {15.0}
    stored = rows(tmp_path / "cap.db", "SELECT SUM(stake) FROM value_bets WHERE active = 1")
    assert stored[0][0] <= 150.0 + 1e-9
