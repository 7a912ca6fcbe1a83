"""The closing step of every run: each flagged bet whose game has started gets its close.

The closing fair probability is judged as the bet was flagged (``evaluate_event`` with the
same ``Policy``: the reference books or the consensus of the *other* books, or of every book
at that line when the bet's book no longer quotes it) on the line at first pitch, rebuilt
from the stored line moves (``app.storage.clv.closing_quotes``). It runs every run, whatever
the odds stage did, so a game that started between two runs is closed by the next one on the
line seen before its first pitch. docs/analytics.md ("Closing-line value") says how the
report reads it.
"""

from __future__ import annotations

from app.domain.records import Quote
from app.domain.status import StageStatus
from app.pipeline.analytics import Policy, evaluate_event
from app.pipeline.stages import RunState, StageReport
from app.storage.clv import BetClose, DueBet, closing_quotes, due_bets, record_closes


def close_bet(bet: DueBet, quotes: list[Quote], state: RunState) -> BetClose:
    """The bet's close from the closing quotes of its event and market."""
    method = state.settings.pipeline.devig_method
    close_price = next(
        (
            q.price
            for q in quotes
            if q.book == bet.book
            and q.outcome == bet.outcome
            and (q.point if q.point is not None else 0.0) == bet.point
        ),
        None,
    )
    if not quotes:
        return BetClose(bet, None, close_price, 0, method)
    # The same policy (method, reference books, guards) that flagged the bet, at first pitch.
    analysis = evaluate_event(quotes, Policy.from_settings(state.settings), now=bet.first_pitch)
    line = (bet.market, bet.outcome, bet.point)
    fair = next((f for f in analysis.fair_prices if (f.market, f.outcome, f.point) == line), None)
    if fair is None:
        return BetClose(bet, None, close_price, 0, method)
    own = next(
        (
            e
            for e in analysis.edges
            if (e.market, e.outcome, e.point) == line and e.book == bet.book
        ),
        None,
    )
    prob = own.fair_prob if own is not None else fair.fair_prob
    books = fair.books - 1 if own is not None else fair.books
    return BetClose(bet, prob, close_price, books, method)


async def closing_stage(state: RunState) -> StageReport:
    now = state.clock.now()
    async with state.db.read() as conn:
        due = await due_bets(conn, now)
        closes = [
            close_bet(
                bet, await closing_quotes(conn, bet.event_id, bet.market, bet.first_pitch), state
            )
            for bet in due
        ]
    if not closes:
        return StageReport(StageStatus.OK, "no flagged bet reached first pitch")
    async with state.fenced_write() as conn:
        await record_closes(conn, closes, state.clock.now_iso(), state.run_id)
    without = sum(1 for c in closes if c.close_fair_prob is None)
    missing = f" ({without} without a closing line)" if without else ""
    return StageReport(StageStatus.OK, f"{len(closes)} bets closed{missing}")
