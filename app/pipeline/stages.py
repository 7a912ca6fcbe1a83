"""The five stages of a run: schedule -> odds -> match -> analytics -> record.

Each stage is a coroutine taking the run's ``RunState`` and returning a
``StageReport`` (status and a short detail) or raising a classified
``PressboxError``, which the runner records as the stage's failure. Every write
goes through ``RunState.fenced_write()``, which checks the lease's fencing token
inside the same transaction: a run that lost its lease cannot write again.

The odds of The Odds API are *current* odds only, so the odds stage runs only
for today's slate; a replay or backfill of another date refreshes the schedule
and re-pairs what is stored, and says why the odds were skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date

import aiosqlite
import httpx

from app.core.clock import Clock, zone
from app.core.config import Settings
from app.core.errors import AuthError, PressboxError, QuotaError
from app.core.secrets import ODDS_API_KEY, SecretProvider
from app.domain.game_status import PRE_GAME, GameStatus
from app.domain.records import Game, OddsEvent, ValueBet
from app.domain.status import Source, StageStatus
from app.pipeline.analytics import (
    EventAnalysis,
    Policy,
    cap_exposure,
    evaluate_event,
    mark_in_play,
)
from app.pipeline.matching import UnmatchedReason, match_games
from app.resilience import quota
from app.resilience.guard import GuardContext, guarded_call
from app.sources.mlb_api import MlbClient
from app.sources.odds_api import OddsClient, OddsResult, QuotaHeaders
from app.storage import analytics_store, games, odds
from app.storage.database import Database
from app.storage.lease import Lease, check_token

NO_KEY_REASON = "no Odds API key: set it with `pressbox secrets set odds-api-key`"
ODDS_ONLY_TODAY = "odds are only available for today"


@dataclass(frozen=True)
class StageReport:
    status: StageStatus
    detail: str
    # Counted toward the run's outcome like a failure (e.g. the quota guard held the call).
    degrades: bool = False


@dataclass
class RunState:
    """What one run knows and has done so far; stages read and fill it in order."""

    db: Database
    settings: Settings
    clock: Clock
    http: httpx.AsyncClient
    secrets: SecretProvider
    lease: Lease
    run_id: int
    slate_date: date
    today: date
    games: list[Game] | None = None
    events: list[OddsEvent] | None = None
    quota: QuotaHeaders | None = None
    games_written: int = 0
    moves_written: int = 0
    pairs: int = 0
    analyses: list[EventAnalysis] = field(default_factory=list)
    value_bets_active: int = 0
    not_played_events: set[str] = field(default_factory=set)
    paired_games: dict[str, Game] = field(default_factory=dict)  # event id -> its game
    # Events whose game has begun (MLB state or commence_time): never priced by default.
    started_events: set[str] = field(default_factory=set)

    @asynccontextmanager
    async def fenced_write(self) -> AsyncIterator[aiosqlite.Connection]:
        """``db.write()`` that first proves the lease is still ours."""
        async with self.db.write() as conn:
            await check_token(conn, self.lease)
            yield conn

    @property
    def guard(self) -> GuardContext:
        return GuardContext(self.db, self.settings, self.clock)

    def official_date_of(self, event: OddsEvent) -> date:
        return event.commence_time.astimezone(zone(self.settings.pipeline.timezone)).date()


async def schedule_stage(state: RunState) -> StageReport:
    client = MlbClient(
        state.http,
        state.settings.mlb_api,
        max_bytes=state.settings.resilience.max_response_bytes,
        clock=state.clock,
    )
    listed = await guarded_call(Source.MLB, lambda: client.slate(state.slate_date), state.guard)
    slate = listed.games
    async with state.fenced_write() as conn:
        state.games_written = await games.upsert_games(conn, slate, state.clock.now_iso())
    state.games = slate
    dropped = f"; {listed.drops.summary()}" if listed.drops.total else ""
    if not slate:
        return StageReport(StageStatus.OK, f"no games on {state.slate_date.isoformat()}{dropped}")
    return StageReport(StageStatus.OK, f"{len(slate)} games{dropped}")


async def quota_allows(state: RunState, client: OddsClient) -> tuple[bool, str]:
    """The quota guard's word, before the request: may this run spend the call's credits?

    A hold (credits exhausted or at the reserve) re-reads the credits with the
    free call when ``quota.recheck_s`` has passed, and asks the guard again.
    """
    cost = quota.call_cost(state.settings)
    decision = await quota.check_budget(state.db, state.settings, state.clock, cost)
    if decision.allowed or not decision.held:
        return decision.allowed, decision.reason
    if not await quota.recheck_due(state.db, state.settings, state.clock):
        every = state.settings.quota.recheck_s
        return False, f"{decision.reason}; the credits are re-read every {every:g}s"
    try:
        headers = await client.check_quota()
    except PressboxError as exc:
        await quota.record_recheck(state.db, state.clock, client.last_quota)
        return False, f"{decision.reason}; re-reading the credits failed: {exc.one_line()}"
    await quota.record_recheck(state.db, state.clock, headers)
    decision = await quota.check_budget(state.db, state.settings, state.clock, cost)
    return decision.allowed, decision.reason


async def record_quota(state: RunState, headers: QuotaHeaders) -> None:
    """Keep the x-requests-* headers: in source_health for the guard, on the run for credits."""
    state.quota = headers
    await quota.record_quota(state.db, state.clock, headers)


async def odds_stage(state: RunState) -> StageReport:
    if state.slate_date != state.today:
        return StageReport(StageStatus.SKIPPED, ODDS_ONLY_TODAY)
    key = await state.secrets.get(ODDS_API_KEY)
    if key is None:
        raise AuthError(NO_KEY_REASON, hint="")
    client = OddsClient(
        state.http,
        state.settings.odds_api,
        key,
        max_bytes=state.settings.resilience.max_response_bytes,
        clock=state.clock,
    )
    allowed, why = await quota_allows(state, client)
    if not allowed:
        return StageReport(StageStatus.SKIPPED, f"quota guard: {why}", degrades=True)
    client.last_quota = None  # the odds call's own numbers count for the run's credits
    try:
        result: OddsResult = await guarded_call(Source.ODDS, client.odds, state.guard)
    except QuotaError:
        if client.last_quota is None or client.last_quota.remaining is None:
            # "Out of credits" without the numbers: hold until a re-read says otherwise.
            await quota.record_exhausted(state.db, state.clock)
        raise
    finally:
        # Error answers report the credits too (a 401 may not): keep the last ones seen.
        if client.last_quota is not None:
            await record_quota(state, client.last_quota)
    now = state.clock.now_iso()
    quotes = [q for event in result.events for q in event.quotes]
    async with state.fenced_write() as conn:
        await games.upsert_odds_events(
            conn, [(e, state.official_date_of(e)) for e in result.events], now
        )
        state.moves_written = await odds.record_quotes(conn, quotes, now, state.run_id)
    state.events = result.events
    dropped = f"; {result.drops.summary()}" if result.drops.total else ""
    return StageReport(
        StageStatus.OK,
        f"{len(result.events)} events, {len(quotes)} quotes, {state.moves_written} moves{dropped}",
    )


async def match_stage(state: RunState) -> StageReport:
    """Pair the slate's stored games and events (what this run fetched is stored by now).

    Reading the stored side means a run whose schedule call failed still pairs the
    fresh odds with the games an earlier run stored, and the reverse.
    """
    async with state.db.read() as conn:
        slate = await games.stored_games(conn, state.slate_date)
        events = await games.stored_events(conn, state.slate_date)
    if not slate or not events:
        return StageReport(
            StageStatus.SKIPPED,
            f"nothing to pair ({len(slate)} games, {len(events)} events)",
        )
    result = match_games(
        slate,
        events,
        window_s=state.settings.pipeline.match_window_s,
    )
    pairs = [(p.game_pk, p.event_id) for p in result.pairs]
    by_pk = {game.game_pk: game for game in slate}
    state.paired_games = {p.event_id: by_pk[p.game_pk] for p in result.pairs}
    # The odds of a suspended, postponed or cancelled game are never priced.
    state.not_played_events = {
        e.event_id for e in result.unmatched_events if e.reason is UnmatchedReason.NOT_PLAYED
    }
    async with state.fenced_write() as conn:
        state.pairs = await games.link_matches(conn, pairs, state.clock.now_iso())
    return StageReport(
        StageStatus.OK,
        f"{len(pairs)} pairs, {len(result.unmatched_games)} games and "
        f"{len(result.unmatched_events)} events unmatched",
    )


def has_started(event: OddsEvent, game: Game | None, state: RunState) -> bool:
    """Whether a game is under way: MLB's state or the commence time, whichever says first."""
    if event.commence_time <= state.clock.now():
        return True
    if game is None or not game.status_category:
        return False
    return GameStatus(game.status_category) not in PRE_GAME


def started_events(state: RunState) -> set[str]:
    """THE point where "the game started" is known: the events priced no more from now on.

    The record stage closes their bets (``analytics_store.close_started``) before it
    replaces their prices with in-play marks, so a closing-line hook there still
    reads the last pre-game fair prices and judged prices.
    """
    return {
        event.event_id
        for event in state.events or ()
        if has_started(event, state.paired_games.get(event.event_id), state)
    }


def capped_by_day(state: RunState, analyses: list[EventAnalysis]) -> list[EventAnalysis]:
    """Each day's stakes scaled down together to ``analytics.max_exposure_fraction``."""
    cap = state.settings.analytics.max_exposure_fraction * state.settings.pipeline.bankroll
    days: dict[date, list[ValueBet]] = {}
    events = {event.event_id: event for event in state.events or ()}
    for analysis in analyses:
        day = state.official_date_of(events[analysis.event_id])
        days.setdefault(day, []).extend(analysis.value_bets)
    capped = {
        (b.event_id, b.market, b.outcome, b.point, b.book): b
        for bets in days.values()
        for b in cap_exposure(bets, cap)
    }
    return [
        replace(
            a,
            value_bets=tuple(
                capped[(b.event_id, b.market, b.outcome, b.point, b.book)] for b in a.value_bets
            ),
        )
        for a in analyses
    ]


async def analytics_stage(state: RunState) -> StageReport:
    if state.events is None:
        return StageReport(StageStatus.SKIPPED, "no fresh odds in this run")
    policy = Policy.from_settings(state.settings)
    include_live = state.settings.analytics.include_live
    state.started_events = started_events(state)
    now = state.clock.now()
    analyses: list[EventAnalysis] = []
    in_play: list[EventAnalysis] = []
    for event in state.events:
        if not event.quotes or event.event_id in state.not_played_events:
            continue
        if event.event_id in state.started_events and not include_live:
            marks = mark_in_play(event.quotes, "game under way: pre-game prices only")
            in_play.append(EventAnalysis(event.event_id, (), (), (), (), (), (), marks))
            continue
        analyses.append(evaluate_event(event.quotes, policy, now=now))
    state.analyses = capped_by_day(state, analyses) + in_play
    fair = sum(len(a.fair_prices) for a in state.analyses)
    bets = sum(len(a.value_bets) for a in state.analyses)
    outliers = sum(len(a.outliers) for a in state.analyses)
    return StageReport(
        StageStatus.OK,
        f"{len(analyses)} events priced, {len(in_play)} in play, {fair} fair prices, "
        f"{bets} value, {outliers} outliers",
    )


async def record_stage(state: RunState) -> StageReport:
    if state.events is None:
        return StageReport(StageStatus.SKIPPED, "no fresh analytics in this run")
    event_ids = [a.event_id for a in state.analyses]
    fair = [p for a in state.analyses for p in a.fair_prices]
    bets = [b for a in state.analyses for b in a.value_bets]
    edges = [e for a in state.analyses for e in a.edges]
    best = [b for a in state.analyses for b in a.best_prices]
    marks = [m for a in state.analyses for m in a.marks]
    now = state.clock.now_iso()
    async with state.fenced_write() as conn:
        closed = await analytics_store.close_started(conn, sorted(state.started_events), now)
        info = await analytics_store.event_info(conn, event_ids)
        await analytics_store.replace_fair_prices(conn, event_ids, fair, now, state.run_id)
        # Every reader shows these numbers; none recomputes an edge (one fact, one place).
        await analytics_store.replace_price_edges(
            conn, event_ids, edges, best, now, state.run_id, marks
        )
        changes = await analytics_store.upsert_value_bets(
            conn, event_ids, bets, info, now, state.run_id
        )
        retired = await analytics_store.retire_off_board(
            conn, [event.event_id for event in state.events], now
        )
    state.value_bets_active = changes.active
    return StageReport(
        StageStatus.OK,
        f"{len(fair)} fair prices, {changes.active} value bets "
        f"({changes.new} new, {changes.deactivated} no longer value, "
        f"{closed} closed at first pitch, {retired} off the board)",
    )
