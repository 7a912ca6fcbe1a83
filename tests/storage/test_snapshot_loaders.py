"""The read models behind the desk and the CLI's games/bets/runs/audit commands."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta

import pytest

from app.domain.prices import american_to_decimal, expected_value
from app.storage.database import Database
from app.storage.read.audit import load_audit
from app.storage.read.dashboard import load_dashboard
from app.storage.read.game_detail import load_game_detail
from app.storage.read.games import load_games
from app.storage.read.models import DashboardSnapshot, Price, matchup, stale_reason
from app.storage.read.runs import load_runs
from app.storage.read.value_bets import load_value_bets
from tests.support.desk_seed import NOW, SLATE, add_audit, set_price

DAY = date.fromisoformat(SLATE)


async def test_games_carry_the_best_price_of_each_side(seeded: Database) -> None:
    games = {g.game_pk: g for g in await load_games(seeded, DAY)}
    assert list(games) == [777003, 777002, 777001]  # by start time
    nyy_bos = games[777001]
    assert nyy_bos.ml_away == Price(-130, "fanduel")  # the better of -135 and -130
    assert nyy_bos.ml_home == Price(114, "draftkings")
    assert nyy_bos.rl_away == Price(140, "draftkings", -1.5)
    assert nyy_bos.rl_home == Price(-166, "draftkings", 1.5)
    assert nyy_bos.total_over == Price(-110, "draftkings", 9.5)
    assert nyy_bos.value_bets == 1
    assert games[777003].ml_away is None  # no odds for that game
    assert await load_games(seeded, DAY + timedelta(days=1)) == ()  # an off day is just empty


async def test_the_main_line_is_the_point_most_books_offer(seeded: Database) -> None:
    async with seeded.write() as conn:
        for book, point, price in (("fanduel", -1.5, 150), ("betmgm", -2.5, 300)):
            await conn.execute(
                "INSERT INTO odds_latest VALUES ('ev-nyy-bos', ?, 'spreads', 'New York Yankees', "
                "?, ?, ?, '2025-06-14T19:58:00.000Z')",
                (book, price, point, book),
            )
    nyy_bos = {g.game_pk: g for g in await load_games(seeded, DAY)}[777001]
    # +300 at -2.5 is an alternate line, not a better price for the -1.5 run line.
    assert nyy_bos.rl_away == Price(150, "fanduel", -1.5)


async def test_value_bets_and_json_friendly_models(seeded: Database) -> None:
    bets = await load_value_bets(seeded, DAY)
    assert len(bets) == 1
    bet = bets[0]
    assert bet.matchup == "Yankees @ Red Sox" and bet.book == "draftkings" and bet.price == 114
    assert bet.key == "ev-nyy-bos|h2h|Boston Red Sox|0|draftkings"
    assert asdict(bet)["edge"] == pytest.approx(0.0486)


async def test_runs_come_with_their_stages_in_order(seeded: Database) -> None:
    async with seeded.write() as conn:
        await conn.execute(
            "INSERT INTO runs (id, trigger, slate_date, outcome, started_at, owner_host, "
            "owner_pid) VALUES (42, 'break-glass', ?, 'running', '2025-06-14T19:59:00.000Z', "
            "'h', 2)",
            (SLATE,),
        )
    runs = await load_runs(seeded, limit=10)
    assert [r.id for r in runs] == [42, 41]
    assert runs[0].duration_s is None and runs[0].stages == ()
    assert [s.name for s in runs[1].stages] == ["schedule", "odds", "match", "analytics", "record"]
    assert runs[1].duration_s == pytest.approx(4.2)
    assert runs[1].stages[1].error_kind == "transient"
    assert [r.id for r in await load_runs(seeded, limit=1)] == [42]


async def test_audit_pages_newest_first(seeded: Database) -> None:
    for n in range(5):
        await add_audit(seeded, "override", "paused", "done", f"reason {n}")
    page = await load_audit(seeded, limit=3)
    assert [e.reason for e in page] == ["reason 4", "reason 3", "reason 2"]
    older = await load_audit(seeded, limit=3, before_id=page[-1].id)
    assert [e.reason for e in older] == ["reason 1", "reason 0"]


async def test_game_detail_has_every_book_fair_price_edge_and_history(seeded: Database) -> None:
    detail = await load_game_detail(seeded, 777001)
    assert detail is not None
    assert len(detail.prices) == 8
    dk = next(p for p in detail.prices if p.book == "draftkings" and p.outcome == "Boston Red Sox")
    # The stored judgement, not a recomputation: the same number the value bet carries.
    assert dk.price == 114 and dk.fair_prob == 0.49 and dk.edge == 0.0486
    assert dk.is_value and dk.is_best
    fd = next(p for p in detail.prices if p.book == "fanduel" and p.outcome == "Boston Red Sox")
    assert fd.edge == 0.05 and not fd.is_value
    # The book moved after the analytics ran: its new price has no edge yet, not a stale one.
    await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "Boston Red Sox", 125)
    detail = await load_game_detail(seeded, 777001)
    assert detail is not None
    fd = next(p for p in detail.prices if p.book == "fanduel" and p.outcome == "Boston Red Sox")
    assert fd.price == 125 and fd.fair_prob is None and fd.edge is None
    no_fair = next(p for p in detail.prices if p.market == "totals")
    assert no_fair.fair_prob is None and no_fair.edge is None
    history = {(h.market, h.outcome, h.book): h.prices for h in detail.history}
    assert history[("h2h", "Boston Red Sox", "draftkings")] == (104, 114)
    assert await load_game_detail(seeded, 1) is None


async def test_dashboard_snapshot_equality_is_what_the_desk_diffs(seeded: Database) -> None:
    first = await load_dashboard(seeded, slate_date=DAY, recent_events=20)
    again = await load_dashboard(seeded, slate_date=DAY, recent_events=20)
    assert first == again  # nothing changed: equal values, nothing to push
    await set_price(seeded, "ev-nyy-bos", "fanduel", "h2h", "New York Yankees", -120)
    moved = await load_dashboard(seeded, slate_date=DAY, recent_events=20)
    assert moved != first
    changed = [a.game_pk for a, b in zip(first.games, moved.games, strict=True) if a != b]
    assert changed == [777001]
    assert first.last_delivered_at == "2025-06-14T19:57:04.200Z"
    assert [s.source for s in first.sources] == ["mlb", "odds"]
    assert first.daemon is not None and first.daemon.next_run_at == "2025-06-14T20:02:00.000Z"


async def test_events_merge_runs_alerts_and_audit_newest_first(seeded: Database) -> None:
    async with seeded.write() as conn:
        await conn.execute(
            "INSERT INTO alerts (kind, dedupe_key, subject, body, created_at, status) VALUES "
            "('run_failed', 'k', 'run failed twice', 'b', '2025-06-14T19:58:30.000Z', 'sent')"
        )
    await add_audit(seeded, "reset-breaker", "odds", "wrong_key", "retry")
    snap = await load_dashboard(seeded, slate_date=DAY, recent_events=2)
    assert [e.kind for e in snap.events] == ["audit", "alert"]  # limited to the newest two
    assert snap.events[0].severity == "warning" and "reset-breaker odds wrong_key" in (
        snap.events[0].text
    )


def test_stale_reason_and_price_math() -> None:
    snap = DashboardSnapshot(SLATE, None, None, None, None, (), (), (), ())  # type: ignore[arg-type]
    assert stale_reason(snap, NOW, 1800) == "no successful run yet"
    fresh = replace(snap, last_delivered_at="2025-06-14T19:50:00.000Z")
    assert stale_reason(fresh, NOW, 1800) is None
    assert stale_reason(fresh, NOW + timedelta(hours=1), 1800) == "last good data is 70 min old"
    assert american_to_decimal(150) == 2.5 and american_to_decimal(-200) == 1.5
    assert expected_value(0.5, american_to_decimal(100)) == 0.0
    assert matchup("Chicago White Sox", "Toronto Blue Jays") == "White Sox @ Blue Jays"


def test_sparkline_scales_between_min_and_max() -> None:
    from widgets.sparkline_text import sparkline

    assert sparkline([]) == ""
    assert sparkline([2.0, 2.0, 2.0]) == "▁▁▁"
    assert sparkline([1.0, 2.0, 3.0]) == "▁▅█"
    assert len(sparkline(list(range(40)), width=12)) == 12
