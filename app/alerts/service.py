"""The alert service: decide, de-duplicate, rate-limit, record, send, retry.

Hooks for the rest of the package:

* ``after_run(result)`` -- the runner's ``after_run`` hook: evaluates every rule
  against the run and the shared state (runs, ``source_health``, mode, value
  bets), then retries undelivered alerts (``flush_pending``);
* ``override_executed(mode, who, reason, audit_head)`` -- called by the control service;
* ``breaker_changed(change)`` -- may be given to ``GuardContext.on_breaker_change``.
  Breaker alerts are state-based (one "opened" per outage, one "closed" per
  recovery) so they are right whether or not this hook is wired.

Order for each alert, in one ``BEGIN IMMEDIATE`` transaction (two processes
cannot both send the same one): a duplicate of one recorded within
``alerts.dedupe_window_s`` is dropped without a row; with alerts disabled it
is recorded ``suppressed``; over ``alerts.max_per_hour`` it is recorded
``suppressed``; otherwise ``pending``. Sending happens after the commit; an
SMTP failure marks it ``failed`` and it is retried by the next
``flush_pending`` while it is younger than the dedupe window and has had
fewer than ``resilience.retry_attempts`` attempts. Nothing here raises into
the pipeline: an alert problem is logged and recorded, never a failed run.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, InitVar, dataclass, field
from datetime import timedelta

from app.alerts import rules, store
from app.alerts.mailer import Mailer, SmtpMailer
from app.alerts.rules import AlertDraft, ValueBetLine
from app.core.clock import Clock, iso, parse_iso
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.secrets import SecretProvider
from app.domain.records import RunResult, ValueBet
from app.domain.status import (
    COMPLETED,
    DELIVERED,
    AlertStatus,
    CircuitState,
    Mode,
    RunOutcome,
    Source,
)
from app.resilience.breaker import BreakerChange, source_name
from app.storage import source_health
from app.storage.database import Database
from app.storage.mode import get_mode
from app.storage.read.rows import fetch_one
from app.storage.read.runs import last_delivered_run
from app.storage.rows import from_row
from app.storage.runs import outcome_in

log = get_logger("pressbox.alerts")

DUPLICATE = "duplicate"


@dataclass(frozen=True)
class FlushReport:
    sent: int
    failed: int


@dataclass(eq=False)  # a service: equal only to itself
class AlertService:
    """Sends through ``mailer``; by default SMTP with the password from ``secrets``."""

    db: Database
    settings: Settings
    clock: Clock
    secrets: InitVar[SecretProvider]
    _: KW_ONLY
    mailer: InitVar[Mailer | None] = None
    sender: Mailer = field(init=False)

    def __post_init__(self, secrets: SecretProvider, mailer: Mailer | None) -> None:
        self.sender = mailer or SmtpMailer(self.settings.alerts, secrets)

    # -- hooks -----------------------------------------------------------

    async def after_run(self, result: RunResult) -> None:
        """The runner's hook. Never raises: alerting must not fail a run."""
        try:
            # Earlier undelivered alerts first, so a new one is not retried in the same breath.
            await self.flush_pending()
            for draft in await self.evaluate(result):
                await self.raise_alert(draft)
        except PressboxError as exc:
            log.warning("alert evaluation failed", error=redact(str(exc)))

    async def override_executed(
        self, mode: str, who: str, reason: str, audit_head: str | None = None
    ) -> None:
        try:
            draft = rules.override_executed(
                mode, who, reason, self.clock.now_iso(), audit_head=audit_head
            )
            await self.raise_alert(draft)
        except PressboxError as exc:
            log.warning("override alert failed", error=redact(str(exc)))

    async def breaker_changed(self, change: BreakerChange) -> None:
        try:
            for draft in await self._breaker_drafts():
                await self.raise_alert(draft)
        except PressboxError as exc:
            log.warning("breaker alert failed", source=change.source, error=redact(str(exc)))

    # -- rules -----------------------------------------------------------

    async def evaluate(self, result: RunResult) -> list[AlertDraft]:
        drafts: list[AlertDraft] = []
        if result.outcome == RunOutcome.FAILED:
            drafts.append(
                rules.run_failed(result.run_id, result.reason, await self._started(result.run_id))
            )
        drafts += await self._degraded_drafts()
        drafts += await self._breaker_drafts()
        drafts += await self._quota_drafts()
        drafts += await self._no_success_drafts()
        if result.outcome in DELIVERED:
            drafts += await self._value_bet_drafts()
        return drafts

    async def _started(self, run_id: int | None) -> str | None:
        if run_id is None:
            return None
        async with self.db.read() as conn:
            row = await fetch_one(conn, "SELECT started_at FROM runs WHERE id = ?", (run_id,))
        return row[0] if row is not None else None

    async def _degraded_drafts(self) -> list[AlertDraft]:
        n = self.settings.alerts.degraded_repeat
        completed, values = outcome_in(COMPLETED)
        async with (
            self.db.read() as conn,
            conn.execute(
                f"SELECT id, outcome, reason FROM runs WHERE {completed} "
                "ORDER BY started_at DESC, id DESC LIMIT ?",
                (*values, n),
            ) as cur,
        ):
            rows = list(await cur.fetchall())
        if len(rows) < n or any(r["outcome"] != RunOutcome.DEGRADED for r in rows):
            return []
        return [rules.runs_degraded(n, [(int(r["id"]), r["reason"]) for r in rows])]

    async def _breaker_drafts(self) -> list[AlertDraft]:
        drafts: list[AlertDraft] = []
        async with self.db.read() as conn:
            for row in await source_health.all_sources(conn):
                last = await store.latest_of_kinds(
                    conn, (rules.BREAKER_OPENED, rules.BREAKER_CLOSED), f"breaker-%:{row.source}:%"
                )
                announced_open = last is not None and last.kind == rules.BREAKER_OPENED
                name = source_name(row.source)
                if row.circuit_state != CircuitState.CLOSED and not announced_open:
                    drafts.append(
                        rules.breaker_opened(
                            row.source,
                            name,
                            row.opened_at or row.updated_at,
                            row.last_error_kind,
                            row.last_error,
                        )
                    )
                elif (
                    row.circuit_state == CircuitState.CLOSED and announced_open and last is not None
                ):
                    drafts.append(rules.breaker_closed(row.source, name, row.updated_at, last.id))
        return drafts

    async def _quota_drafts(self) -> list[AlertDraft]:
        async with self.db.read() as conn:
            row = await source_health.get_source(conn, Source.ODDS)
        remaining = row.quota_remaining if row is not None else None
        quota = self.settings.quota
        if remaining is None or remaining > quota.low_credits_warning:
            return []
        return [rules.quota_low(remaining, quota.low_credits_warning, quota.reserve_credits)]

    async def _no_success_drafts(self) -> list[AlertDraft]:
        async with self.db.read() as conn:
            if (await get_mode(conn)).mode is Mode.HALTED:
                # Deliberate: the override alert said so, and `health` escalates a long halt.
                return []
            delivered = await last_delivered_run(conn)
            first = await fetch_one(conn, "SELECT MIN(started_at) FROM runs")
        last_success = delivered.started_at if delivered is not None else None
        first_run = first[0] if first is not None else None
        reference = last_success or first_run
        if reference is None:
            return []
        now = self.clock.now()
        threshold = self.settings.alerts.no_success_after_s
        if now - parse_iso(reference) <= timedelta(seconds=threshold):
            return []
        return [rules.no_success(last_success, threshold, iso(now))]

    async def _value_bet_drafts(self) -> list[AlertDraft]:
        threshold = self.settings.alerts.value_bet_edge
        async with self.db.read() as conn:
            if (await get_mode(conn)).mode is Mode.HALTED:
                return []
            previous = await store.latest_of_kinds(conn, (rules.VALUE_BETS,))
            watermark = previous.dedupe_key.split(":", 1)[1] if previous is not None else ""
            async with conn.execute(
                "SELECT v.*, g.away_team, g.home_team, e.away_team AS e_away, "
                "e.home_team AS e_home FROM value_bets v "
                "LEFT JOIN games g ON g.game_pk = v.game_pk "
                "LEFT JOIN odds_events e ON e.event_id = v.event_id "
                "WHERE v.active = 1 AND v.edge >= ? AND v.first_seen_at > ? "
                "ORDER BY v.edge DESC",
                (threshold, watermark),
            ) as cur:
                rows = await cur.fetchall()
        if not rows:
            return []
        bets = [
            ValueBetLine(
                matchup=f"{r['away_team'] or r['e_away'] or '?'} @ "
                f"{r['home_team'] or r['e_home'] or '?'}",
                bet=from_row(ValueBet, r, alternatives=()),  # the mail names the bet only
            )
            for r in rows
        ]
        newest = max(str(r["first_seen_at"]) for r in rows)
        return [rules.value_bets(bets, threshold, newest)]

    # -- recording and delivery -------------------------------------------

    async def raise_alert(self, draft: AlertDraft) -> str:
        """Record the alert and try to send it; the status it ended with (or ``duplicate``)."""
        now = self.clock.now()
        cfg = self.settings.alerts
        async with self.db.write() as conn:
            window_start = iso(now - timedelta(seconds=cfg.dedupe_window_s))
            if cfg.dedupe_window_s > 0 and await store.seen_since(
                conn, draft.dedupe_key, window_start
            ):
                return DUPLICATE
            if not cfg.enabled:
                status, why = AlertStatus.SUPPRESSED, "alerts are disabled (alerts.enabled)"
            elif await store.counted_since(conn, iso(now - timedelta(hours=1))) >= cfg.max_per_hour:
                status, why = AlertStatus.SUPPRESSED, f"rate limit of {cfg.max_per_hour} per hour"
            else:
                status, why = AlertStatus.PENDING, None
            alert_id = await store.insert(
                conn, draft, status=status, created_at=iso(now), last_error=why
            )
        if status != AlertStatus.PENDING:
            log.info("alert suppressed", kind=draft.kind, reason=why)
            return status
        return await self._deliver(alert_id, draft.subject, draft.body)

    async def _deliver(self, alert_id: int, subject: str, body: str) -> str:
        error: str | None = None
        try:
            await self.sender.send(subject, body)
        except PressboxError as exc:
            error = redact(exc.one_line())
        async with self.db.write() as conn:
            if error is None:
                await store.mark_sent(conn, alert_id, self.clock.now_iso())
            else:
                await store.mark_failed(conn, alert_id, error)
        if error is not None:
            log.warning("alert not delivered", alert_id=alert_id, error=error)
            return AlertStatus.FAILED
        log.info("alert sent", alert_id=alert_id)
        return AlertStatus.SENT

    async def flush_pending(self) -> FlushReport:
        """Retry alerts that are recorded but not delivered (young enough, attempts left)."""
        if not self.settings.alerts.enabled:
            return FlushReport(0, 0)
        since = iso(self.clock.now() - timedelta(seconds=self.settings.alerts.dedupe_window_s))
        async with self.db.read() as conn:
            rows = await store.to_deliver(
                conn, since=since, max_attempts=self.settings.resilience.retry_attempts
            )
        sent = failed = 0
        for row in rows:
            if await self._deliver(row.id, row.subject, row.body) == AlertStatus.SENT:
                sent += 1
            else:
                failed += 1
        return FlushReport(sent, failed)
