"""The runner against the simulated APIs: what lands, line moves, outcomes, mode, lease."""

from __future__ import annotations

import asyncio
import os
from datetime import date, timedelta

import httpx

from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PermanentError
from app.domain.status import Mode
from app.pipeline.runner import RunResult
from app.pipeline.stages import NO_KEY_REASON, ODDS_ONLY_TODAY
from app.sources.simulated import SimulatedUpstream
from app.storage import lease as lease_store
from app.storage import source_health
from app.storage.database import Database
from app.storage.mode import set_mode
from tests.support.pipeline import STAGE_NAMES, FailingRoutes, RunnerFactory, count


async def _set_mode(db: Database, clock: Clock, mode: Mode) -> None:
    async with db.write() as conn:
        await set_mode(conn, mode, set_by="tester", set_at=clock.now_iso(), reason="test")


def _stage(result: RunResult, name: str) -> str:
    return next(s.status for s in result.stages if s.name == name)


async def test_demo_run_lands_games_odds_fair_prices_and_value_bets(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    result = await make_runner().run("cli")

    assert result.outcome == "ok", result.reason
    assert [s.name for s in result.stages] == STAGE_NAMES
    assert all(s.status == "ok" for s in result.stages)
    assert await count(db, "games") == len(sim.games())
    assert await count(db, "odds_events") == len(sim.events())
    quotes = await count(db, "odds_latest")
    assert quotes > 0 and await count(db, "odds_moves") == quotes == result.moves
    assert await count(db, "games", "odds_event_id IS NOT NULL") == len(sim.events())
    assert await count(db, "fair_prices") > 0
    assert await count(db, "value_bets", "active = 1") == result.value_bets > 0
    assert await count(db, "runs", "outcome = 'ok' AND finished_at IS NOT NULL") == 1
    assert await count(db, "run_stages", "status = 'ok' AND duration_ms >= 0") == 6
    # The lease is free again and the run recorded the credits the call cost.
    async with db.read() as conn, conn.execute("SELECT owner_pid, token FROM lease") as cur:
        row = await cur.fetchone()
    assert row is not None and row["owner_pid"] is None and row["token"] == 1
    assert result.credits_used == 3  # markets x regions


async def test_unchanged_prices_write_no_moves_and_a_move_writes_exactly_one(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    runner = make_runner()
    await runner.run("cli")
    first = await count(db, "odds_moves")

    again = await runner.run("cli")
    assert again.outcome == "ok" and again.moves == 0
    assert await count(db, "odds_moves") == first

    event = sim.events()[0]
    new_price = sim.move_price(event.event_id, "draftkings", "h2h", event.odds_home_team, 15)
    moved = await runner.run("cli")
    assert moved.moves == 1
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT event_id, book, market, outcome, price, run_id FROM odds_moves "
            "ORDER BY id DESC LIMIT 1"
        ) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    assert tuple(row) == (
        event.event_id,
        "draftkings",
        "h2h",
        event.odds_home_team,
        new_price,
        moved.run_id,
    )
    async with (
        db.read() as conn,
        conn.execute(
            "SELECT price FROM odds_latest WHERE event_id = ? AND book = 'draftkings' "
            "AND market = 'h2h' AND outcome = ?",
            (event.event_id, event.odds_home_team),
        ) as cur,
    ):
        latest = await cur.fetchone()
    assert latest is not None and latest[0] == new_price


async def test_odds_failing_is_degraded_games_land_and_stored_odds_stay(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    await make_runner().run("cli")
    moves_before = await count(db, "odds_moves")
    latest_before = await count(db, "odds_latest")
    sim.advance(3)  # scores and prices move upstream

    broken = FailingRoutes(sim, {"/v4/": 401})
    result = await make_runner(transport=broken).run("cli")

    assert result.outcome == "degraded"
    assert _stage(result, "schedule") == "ok" and _stage(result, "odds") == "failed"
    odds = next(s for s in result.stages if s.name == "odds")
    assert odds.error_kind == "auth" and odds.error_summary
    assert "apiKey" not in odds.error_summary and "http" not in odds.error_summary
    assert result.reason is not None and result.reason.startswith("odds: ")
    assert result.games == len(sim.games())
    assert await count(db, "odds_moves") == moves_before
    assert await count(db, "odds_latest") == latest_before


async def test_schedule_failing_is_degraded_and_odds_still_land(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    broken = FailingRoutes(sim, {"/api/v1/schedule": 404})
    result = await make_runner(transport=broken).run("cli")
    assert result.outcome == "degraded"
    assert _stage(result, "schedule") == "failed" and _stage(result, "odds") == "ok"
    assert await count(db, "games") == 0
    assert await count(db, "odds_latest") > 0


async def test_both_sources_failing_is_failed(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    broken = FailingRoutes(sim, {"/api/v1/schedule": 404, "/v4/": 404})
    result = await make_runner(transport=broken).run("cli")
    assert result.outcome == "failed"
    assert result.reason is not None and "schedule:" in result.reason and "odds:" in result.reason
    assert await count(db, "runs", "outcome = 'failed'") == 1


async def test_missing_odds_key_degrades_with_the_fix_in_the_reason(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    result = await make_runner(secrets={}).run("cli")
    assert result.outcome == "degraded"
    assert result.reason is not None and NO_KEY_REASON in result.reason
    assert await count(db, "games") == len(sim.games())
    assert sim.quota_used == 468  # no odds request was made


async def test_replay_of_another_date_skips_odds_and_is_ok(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    yesterday = sim.official_date - timedelta(days=1)
    result = await make_runner().run("cli", yesterday)
    assert result.outcome == "ok"
    odds = next(s for s in result.stages if s.name == "odds")
    assert odds.status == "skipped" and odds.detail == ODDS_ONLY_TODAY
    assert result.reason == f"replay: {ODDS_ONLY_TODAY}"
    assert sim.quota_used == 468
    async with db.read() as conn, conn.execute("SELECT slate_date FROM runs") as cur:
        assert [r[0] for r in await cur.fetchall()] == [yesterday.isoformat()]


async def test_scheduled_runs_wait_while_paused_break_glass_does_not(
    db: Database, make_runner: RunnerFactory, clock: Clock
) -> None:
    await _set_mode(db, clock, Mode.PAUSED)
    runner = make_runner()

    scheduled = await runner.run("schedule", scheduled=True)
    assert scheduled.outcome == "skipped"
    assert scheduled.reason is not None and "paused" in scheduled.reason
    assert await count(db, "games") == 0

    forced = await runner.run("break-glass", scheduled=False)
    assert forced.outcome == "ok"
    assert await count(db, "runs", "outcome = 'skipped' AND reason LIKE '%paused%'") == 1


async def test_halted_refuses_every_run(
    db: Database, make_runner: RunnerFactory, clock: Clock
) -> None:
    await _set_mode(db, clock, Mode.HALTED)
    runner = make_runner()
    for scheduled in (True, False):
        result = await runner.run("break-glass", scheduled=scheduled)
        assert result.outcome == "skipped"
        assert result.reason is not None and "halted" in result.reason
    assert await count(db, "games") == 0
    assert await count(db, "runs", "outcome = 'skipped'") == 2


async def test_a_live_lease_holder_makes_the_run_skip_with_its_identity(
    db: Database, make_runner: RunnerFactory, settings: Settings, clock: Clock
) -> None:
    holder_pid = os.getppid()  # alive for the whole test
    held = await lease_store.acquire(
        db, lease_store.this_host(), holder_pid, None, settings.pipeline.lease_ttl_s, clock.now()
    )
    assert held is not None
    result = await make_runner().run("cli")
    assert result.outcome == "skipped"
    assert result.reason == (
        f"another run is in progress (pid {holder_pid} on {lease_store.this_host()})"
    )
    assert await count(db, "games") == 0


async def test_a_run_that_loses_its_lease_stops_writing(
    db: Database,
    make_runner: RunnerFactory,
    sim: SimulatedUpstream,
    settings: Settings,
    clock: Clock,
) -> None:
    class TakeOverDuringOdds(httpx.AsyncBaseTransport):
        """While the odds request is in flight, another host takes the lease over."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/v4/"):
                later = clock.now() + timedelta(seconds=settings.pipeline.lease_ttl_s + 1)
                taken = await lease_store.acquire(
                    db, "other-host", 4242, None, settings.pipeline.lease_ttl_s, later
                )
                assert taken is not None
            return await sim.handle_async_request(request)

    result = await make_runner(transport=TakeOverDuringOdds()).run("cli")

    assert result.outcome == "abandoned"
    assert await count(db, "games") == len(sim.games())  # written before the takeover
    assert await count(db, "odds_latest") == 0  # refused after it
    assert await count(db, "fair_prices") == 0
    async with (
        db.read() as conn,
        conn.execute("SELECT outcome, reason FROM runs WHERE id = ?", (result.run_id,)) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None and row["outcome"] == "abandoned"
    assert "expired" in row["reason"]
    async with db.read() as conn, conn.execute("SELECT owner_host, token FROM lease") as cur:
        owner = await cur.fetchone()
    assert owner is not None and tuple(owner) == ("other-host", 2)  # not released by the loser


async def test_after_run_hook_sees_the_result_and_its_failure_does_not_fail_the_run(
    make_runner: RunnerFactory,
) -> None:
    seen: list[RunResult] = []

    async def hook(result: RunResult) -> None:
        seen.append(result)
        raise PermanentError("alert delivery failed", hint="check SMTP")

    result = await make_runner(after_run=hook).run("cli")
    assert result.outcome == "ok"
    assert seen == [result]


async def test_the_slate_date_is_the_official_date_in_the_pipeline_time_zone(
    db: Database, make_runner: RunnerFactory, settings: Settings, clock: Clock
) -> None:
    result = await make_runner().run("cli")
    assert result.slate_date == clock.official_date(settings.pipeline.timezone)
    assert isinstance(result.slate_date, date)


async def test_the_quota_guard_holds_the_odds_call_and_the_run_is_degraded(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream, clock: Clock
) -> None:
    async with db.write() as conn:
        await source_health.record_quota(
            conn, "odds", remaining=100, used=19_900, last=3, at=clock.now_iso()
        )
    result = await make_runner().run("cli")
    assert result.outcome == "degraded"
    odds = next(s for s in result.stages if s.name == "odds")
    assert odds.status == "skipped" and odds.detail is not None
    assert odds.detail.startswith("quota guard: ") and "reserve" in odds.detail
    assert sim.quota_used == 468  # nothing was spent
    assert await count(db, "games") == len(sim.games())


async def test_the_credits_reported_by_the_odds_api_are_kept_for_the_guard(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    await make_runner().run("cli")
    async with db.read() as conn:
        health = await source_health.get_source(conn, "odds")
    assert health is not None
    assert (health.quota_remaining, health.quota_used) == (sim.quota_remaining, sim.quota_used)


async def test_the_lease_is_renewed_while_a_slow_run_is_in_flight(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream, settings: Settings
) -> None:
    settings.pipeline.lease_heartbeat_s = 0.01
    renewed = asyncio.Event()

    class SlowOdds(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/v4/"):
                while not renewed.is_set():  # until a heartbeat moved the expiry on
                    await asyncio.sleep(0.01)
                    async with (
                        db.read() as conn,
                        conn.execute("SELECT acquired_at < heartbeat_at FROM lease") as cur,
                    ):
                        row = await cur.fetchone()
                    if row is not None and row[0]:
                        renewed.set()
            return await sim.handle_async_request(request)

    result = await asyncio.wait_for(make_runner(transport=SlowOdds()).run("cli"), timeout=30)
    assert result.outcome == "ok" and renewed.is_set()


class EmptyBoard(httpx.AsyncBaseTransport):
    """The Odds API once every game is over: an empty list (the schedule still answers)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v4/"):
            headers = {"x-requests-remaining": "19000", "x-requests-used": "1000"}
            headers["x-requests-last"] = "0"
            return httpx.Response(200, json=[], headers=headers, request=request)
        return await self.inner.handle_async_request(request)


async def test_value_bets_of_games_off_the_board_are_retired_but_not_on_a_failed_fetch(
    db: Database, make_runner: RunnerFactory, sim: SimulatedUpstream
) -> None:
    first = await make_runner().run("cli")
    assert first.value_bets > 0
    active = await count(db, "value_bets", "active = 1")

    # The odds call fails: the board is unknown, so nothing is retired.
    failed = await make_runner(transport=FailingRoutes(sim, {"/v4/": 500})).run("cli")
    assert failed.outcome == "degraded"
    assert await count(db, "value_bets", "active = 1") == active

    # The feed answers with no events (every game over): every bet is off the board.
    emptied = await make_runner(transport=EmptyBoard(sim)).run("cli")
    assert emptied.outcome == "ok", emptied.reason
    assert await count(db, "value_bets", "active = 1") == 0
    assert await count(db, "value_bets") == active  # deactivated, never deleted
