"""Break-glass control: run now, override the mode, reset a breaker, rotate the admin key.

One service for the desk and the CLI (no Textual here). Every attempt walks
the same gate, in this order, and leaves exactly one audit row per decision:

1. the request itself (a known mode or source, a reason where one is required);
2. the lockout, in one ``BEGIN IMMEDIATE`` transaction that also reserves the
   attempt (``lockout.reserve``): a locked attempt is answered before the key is
   looked at, and a burst of any size gets at most the limit of key checks;
3. the admin key (scrypt, off the event loop, outside any transaction);
4. in one ``BEGIN IMMEDIATE`` transaction: the attempt settled, the rate limit,
   the action's own precondition (``execute`` is refused while halted), the
   action, and its audit row.

A refused attempt changes nothing but the audit trail (and, for a wrong key,
the failure count). Actions that run outside the transaction (a pipeline run,
a breaker reset owned by another module) are audited twice: ``accepted`` when
the gate opens, then ``done`` or ``failed``.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from app.control import audit, lockout
from app.core.clock import Clock, iso, parse_iso
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import SECRETS, get_logger
from app.domain.records import RunResult
from app.domain.status import FINISHED_REQUEST, SOURCES, ControlStatus, Mode
from app.security import admin_key as keys
from app.security.identity import Actor, current_actor
from app.storage import control_requests, daemon_state
from app.storage.database import Database
from app.storage.mode import get_mode, set_mode
from app.storage.read.runs import run_by_id

log = get_logger(__name__)

EXECUTE = "execute"
OVERRIDE = "override"
RESET_BREAKER = "reset_breaker"
SET_ADMIN_KEY = "set_admin_key"
UNLOCK = "unlock"


@dataclass(frozen=True)
class ControlResult:
    """What the desk's modal and the CLI show: a status and one line for people."""

    action: str
    status: ControlStatus
    message: str
    attempts_left: int | None = None
    locked_until: datetime | None = None
    retry_after_s: float | None = None
    run_outcome: str | None = None
    request_id: int | None = None
    audit_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is ControlStatus.DONE


RunNow = Callable[[], Awaitable[RunResult]]
ResetBreakerFn = Callable[[str], Awaitable[None]]
# Told after an override took effect (mode, who, reason, audit head ``ID:HASH``): the alert
# service's hook, whose e-mail makes the head a witness outside the database.
OverrideListener = Callable[[str, str, str, str | None], Awaitable[None]]


def _in_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return f"{seconds} s"
    return f"{math.ceil(seconds / 60)} min"


class ControlService:
    """``daemon_fresh_s``: a daemon heard from within this many seconds takes ``execute`` requests.

    ``key_params`` are the scrypt parameters for *new* verifiers (tests use cheap
    ones); verification always uses the parameters stored with the verifier.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        daemon_fresh_s: float,
        run_now: RunNow | None = None,
        reset_breaker_fn: ResetBreakerFn | None = None,
        clock: Clock | None = None,
        actor: Actor | None = None,
        key_params: keys.ScryptParams = keys.DEFAULT_PARAMS,
        on_override: OverrideListener | None = None,
    ) -> None:
        self._on_override = on_override
        self.db = db
        self.settings = settings
        self.security = settings.security
        self.daemon_fresh_s = daemon_fresh_s
        self._run_now = run_now
        self._reset_breaker_fn = reset_breaker_fn
        self.clock = clock or Clock()
        self.actor = actor or current_actor()
        self.key_params = key_params

    # -- public actions ------------------------------------------------------------

    async def execute(self, admin_key: str, reason: str = "") -> ControlResult:
        """Break-glass run: handed to a live daemon, or run in this process."""
        reason = _intake(admin_key, reason)

        async def inside(conn: aiosqlite.Connection, now: datetime) -> ControlResult | None:
            mode = await get_mode(conn)
            if mode.mode is Mode.HALTED:
                return await self._audited(
                    conn,
                    EXECUTE,
                    None,
                    reason,
                    ControlStatus.REFUSED_HALTED,
                    "refused: the system is halted (no run of any kind); lift it first with "
                    "an override to auto or paused",
                    now=now,
                )
            state = await daemon_state.read_state(conn)
            if state is not None and state.alive(now, self.daemon_fresh_s):
                request_id = await control_requests.submit(
                    conn,
                    action=EXECUTE,
                    reason=reason or None,
                    requested_by=self.actor.describe(),
                    now=iso(now),
                )
                message = f"handed to the daemon (request #{request_id})"
                entry = await self._audit(conn, EXECUTE, None, reason, "done", message, now=now)
                return ControlResult(
                    EXECUTE,
                    ControlStatus.DONE,
                    message,
                    request_id=request_id,
                    audit_id=entry.id,
                )
            if self._run_now is None:
                return await self._audited(
                    conn,
                    EXECUTE,
                    None,
                    reason,
                    ControlStatus.INVALID,
                    "the daemon is not running and this session cannot run the pipeline itself",
                    now=now,
                )
            await self._audit(
                conn, EXECUTE, None, reason, "accepted", "running in-process", now=now
            )
            return None

        gate = await self._guarded(
            EXECUTE, None, reason, admin_key, self.security.run_rate_limit_s, inside
        )
        if gate is not None:
            return gate
        assert self._run_now is not None
        try:
            result = await self._run_now()
        except PressboxError as exc:
            return await self._audited_now(
                EXECUTE,
                None,
                reason,
                ControlStatus.FAILED,
                f"break-glass run failed: {exc.one_line()}",
            )
        outcome = str(result.outcome)
        return await self._audited_now(
            EXECUTE,
            None,
            reason,
            ControlStatus.DONE,
            f"break-glass run finished: {outcome}",
            run_outcome=outcome,
        )

    async def override(self, mode: str, admin_key: str, reason: str) -> ControlResult:
        reason = _intake(admin_key, reason)
        try:
            new_mode = Mode(mode)
        except ValueError:
            return await self._audited_now(
                OVERRIDE,
                mode,
                reason,
                ControlStatus.INVALID,
                f"unknown mode {mode!r}: use one of {', '.join(m.value for m in Mode)}",
            )
        if not reason:
            return await self._audited_now(
                OVERRIDE,
                mode,
                reason,
                ControlStatus.MISSING_REASON,
                "a reason is required for an override: say why, it goes to the audit trail",
            )

        witnessed: list[audit.Head] = []

        async def inside(conn: aiosqlite.Connection, now: datetime) -> ControlResult | None:
            before = await get_mode(conn)
            await set_mode(
                conn, new_mode, set_by=self.actor.describe(), set_at=iso(now), reason=reason
            )
            message = f"mode is now {new_mode.value} (was {before.mode.value})"
            entry = await self._audit(
                conn, OVERRIDE, new_mode.value, reason, "done", message, now=now
            )
            witnessed.append(audit.Head(entry.id, entry.hash))
            return ControlResult(OVERRIDE, ControlStatus.DONE, message, audit_id=entry.id)

        result = await self._guarded(
            OVERRIDE, new_mode.value, reason, admin_key, self.security.action_rate_limit_s, inside
        )
        assert result is not None
        if result.status is ControlStatus.DONE and self._on_override is not None:
            head = str(witnessed[-1]) if witnessed else None
            await self._on_override(new_mode.value, self.actor.describe(), reason, head)
        return result

    async def reset_breaker(self, source: str, admin_key: str, reason: str) -> ControlResult:
        reason = _intake(admin_key, reason)
        if source not in SOURCES:
            return await self._audited_now(
                RESET_BREAKER,
                source,
                reason,
                ControlStatus.INVALID,
                f"unknown source {source!r}: use one of {', '.join(SOURCES)}",
            )
        if not reason:
            return await self._audited_now(
                RESET_BREAKER,
                source,
                reason,
                ControlStatus.MISSING_REASON,
                "a reason is required to reset a breaker: say why, it goes to the audit trail",
            )
        if self._reset_breaker_fn is None:
            return await self._audited_now(
                RESET_BREAKER,
                source,
                reason,
                ControlStatus.INVALID,
                "breaker reset is not available in this session",
            )
        reset = self._reset_breaker_fn

        async def inside(conn: aiosqlite.Connection, now: datetime) -> ControlResult | None:
            await self._audit(conn, RESET_BREAKER, source, reason, "accepted", None, now=now)
            return None

        gate = await self._guarded(
            RESET_BREAKER, source, reason, admin_key, self.security.action_rate_limit_s, inside
        )
        if gate is not None:
            return gate
        try:
            await reset(source)
        except PressboxError as exc:
            return await self._audited_now(
                RESET_BREAKER,
                source,
                reason,
                ControlStatus.FAILED,
                f"the {source} breaker was not reset: {exc.one_line()}",
            )
        return await self._audited_now(
            RESET_BREAKER, source, reason, ControlStatus.DONE, _reset_message(source)
        )

    async def precheck(self, action: str) -> str | None:
        """Why ``action`` would be refused whatever key is typed, or None.

        Asked by the desk before it asks for a key, so that nobody types a key into a
        modal that cannot succeed. Reads only: nothing is reserved, counted or audited,
        and it says nothing about any key (the gate still decides).
        """
        async with self.db.read() as conn:
            now = self.clock.now()
            if await keys.load_verifier(conn) is None:
                return (
                    "no admin key is set: the service account sets one with "
                    "`pressbox admin-key set --generate`"
                )
            lock = await lockout.current_lock(conn, self.actor, now, self.security)
            if lock is not None:
                return _locked_message(lock, now)
            if action != EXECUTE:
                return None
            if (await get_mode(conn)).mode is Mode.HALTED:
                return (
                    "the system is halted (no run of any kind); lift it first with an "
                    "override to auto or paused"
                )
            last = await audit.last_allowed_at(conn, EXECUTE)
        limit = self.security.run_rate_limit_s
        if last is not None and limit > 0:
            wait = limit - (now - parse_iso(last)).total_seconds()
            if wait > 0:
                return (
                    f"rate limited: execute is allowed once per {limit:g} s; "
                    f"try again in {_in_words(wait)}"
                )
        return None

    async def request_outcome(self, request_id: int) -> str | None:
        """How a run handed to the daemon ended, in one line; None while it is pending."""
        async with self.db.read() as conn:
            request = await control_requests.get_request(conn, request_id)
            if request is None:
                return f"request #{request_id} is gone (the database was replaced?)"
            if request.status not in FINISHED_REQUEST:
                return None
            run = await run_by_id(conn, request.run_id) if request.run_id else None
        if run is None:
            return f"request #{request_id} ended {request.status} without a run"
        return f"request #{request_id}: run #{run.id} finished {run.outcome}"

    async def has_admin_key(self) -> bool:
        async with self.db.read() as conn:
            return await keys.load_verifier(conn) is not None

    async def install_demo_key(self, demo_key: str) -> None:
        """The demo's public admin key, if none is set: no strength rule (it is printed on
        the banner). The runtime calls this only on a database created in demo mode."""
        verifier = await keys.make_verifier(
            demo_key,
            set_at=self.clock.now_iso(),
            set_by=self.actor.describe(),
            params=self.key_params,
        )
        async with self.db.write() as conn:
            if await keys.load_verifier(conn) is not None:
                return
            await keys.store_verifier(conn, verifier)
            await self._audit(
                conn,
                SET_ADMIN_KEY,
                None,
                None,
                "done",
                "demo admin key set (public)",
                now=self.clock.now(),
            )

    async def set_admin_key(self, new_key: str, old_key: str | None = None) -> ControlResult:
        """First set needs nothing; a rotation needs the current key (and obeys the lockout)."""
        _intake(new_key, "")
        if old_key:
            _intake(old_key, "")
        try:
            keys.check_strength(
                new_key, self.security.min_admin_key_length, self.security.min_admin_key_bits
            )
        except PressboxError as exc:
            return await self._audited_now(
                SET_ADMIN_KEY, None, "", ControlStatus.INVALID, exc.message
            )
        verifier = await keys.make_verifier(
            new_key,
            set_at=self.clock.now_iso(),
            set_by=self.actor.describe(),
            params=self.key_params,
        )
        if not await self.has_admin_key():

            async def first(conn: aiosqlite.Connection, now: datetime) -> ControlResult:
                if await keys.load_verifier(conn) is not None:
                    # Someone set one between our read and this transaction: treat as rotation.
                    return await self._audited(
                        conn,
                        SET_ADMIN_KEY,
                        None,
                        "",
                        ControlStatus.INVALID,
                        "an admin key was set meanwhile; rotate it with the current key",
                        now=now,
                    )
                await keys.store_verifier(conn, verifier)
                entry = await self._audit(
                    conn, SET_ADMIN_KEY, None, None, "done", "admin key set (first key)", now=now
                )
                return ControlResult(
                    SET_ADMIN_KEY, ControlStatus.DONE, "admin key set", audit_id=entry.id
                )

            async with self.db.write() as conn:
                return await first(conn, self.clock.now())

        if not old_key:
            return await self._audited_now(
                SET_ADMIN_KEY,
                None,
                "",
                ControlStatus.WRONG_KEY,
                "an admin key is already set: rotating it needs the current key",
            )

        async def inside(conn: aiosqlite.Connection, now: datetime) -> ControlResult | None:
            await keys.store_verifier(conn, verifier)
            entry = await self._audit(
                conn, SET_ADMIN_KEY, None, None, "done", "admin key rotated", now=now
            )
            return ControlResult(
                SET_ADMIN_KEY, ControlStatus.DONE, "admin key rotated", audit_id=entry.id
            )

        result = await self._guarded(SET_ADMIN_KEY, None, "", old_key, 0.0, inside)
        assert result is not None
        return result

    # -- the gate ------------------------------------------------------------------

    async def _guarded(
        self,
        action: str,
        target: str | None,
        reason: str,
        admin_key: str,
        rate_limit_s: float,
        inside: Callable[[aiosqlite.Connection, datetime], Awaitable[ControlResult | None]],
    ) -> ControlResult | None:
        """Steps 2-4 of the gate; None means ``inside`` accepted and the caller acts next."""
        async with self.db.read() as conn:
            verifier = await keys.load_verifier(conn)
        if verifier is None:
            return await self._audited_now(
                action,
                target,
                reason,
                ControlStatus.NOT_CONFIGURED,
                "no admin key is set: the service account sets one with "
                "`pressbox admin-key set --generate`",
            )
        async with self.db.write() as conn:
            now = self.clock.now()
            reservation = await lockout.reserve(
                conn, action=action, actor=self.actor, now=now, settings=self.security
            )
            if reservation.lock is not None:
                # Decided before the key is looked at: the same answer for any key.
                return await self._locked(conn, action, target, reason, reservation.lock, now)
        attempt_id = reservation.attempt_id
        assert attempt_id is not None
        if not admin_key or not await keys.matches(verifier, admin_key):
            return await self._wrong_key(attempt_id, action, target, reason)

        # A reserved attempt with the right key is honoured even if a lock landed while its
        # key was checked: it was counted within the limit, and refusing it now would tell
        # the caller that the key was right.
        async with self.db.write() as conn:
            now = self.clock.now()
            await lockout.settle_right(conn, attempt_id, actor=self.actor)
            last = await audit.last_allowed_at(conn, action)
            if last is not None and rate_limit_s > 0:
                wait = rate_limit_s - (now - parse_iso(last)).total_seconds()
                if wait > 0:
                    return await self._audited(
                        conn,
                        action,
                        target,
                        reason,
                        ControlStatus.RATE_LIMITED,
                        f"rate limited: {action.replace('_', '-')} is allowed once per "
                        f"{rate_limit_s:g} s; try again in {_in_words(wait)}",
                        now=now,
                        retry_after_s=wait,
                    )
            return await inside(conn, now)

    async def _wrong_key(
        self, attempt_id: int, action: str, target: str | None, reason: str
    ) -> ControlResult:
        async with self.db.write() as conn:
            now = self.clock.now()
            count = await lockout.settle_wrong(
                conn, attempt_id, actor=self.actor, now=now, settings=self.security
            )
            if count.lock is not None:
                return await self._locked(
                    conn, action, target, reason, count.lock, now, lead="wrong admin key; "
                )
            left = count.attempts_left
            message = (
                f"wrong admin key; {left} attempt{'s' if left != 1 else ''} left before the key "
                f"is locked for {_in_words(self.security.lockout_s)}"
            )
            return await self._audited(
                conn,
                action,
                target,
                reason,
                ControlStatus.WRONG_KEY,
                message,
                now=now,
                attempts_left=left,
            )

    async def unlock(self, reason: str) -> ControlResult:
        """Lift every admin-key lock: the service account's way out of a lockout, audited.

        No admin key is asked for (it is the thing that is locked); what guards this is
        write access to the database, which the caller (the CLI) checks is the owner's.
        """
        reason = _intake("", reason)
        if not reason:
            return await self._audited_now(
                UNLOCK,
                None,
                reason,
                ControlStatus.MISSING_REASON,
                "a reason is required to unlock the admin key: say why, it goes to the audit trail",
            )
        async with self.db.write() as conn:
            now = self.clock.now()
            lifted = await lockout.unlock_all(conn, now)
            message = (
                f"admin key unlocked ({lifted} lock{'s' if lifted != 1 else ''} lifted); "
                "every attempt count starts afresh"
            )
            entry = await self._audit(conn, UNLOCK, None, reason, "done", message, now=now)
        return ControlResult(UNLOCK, ControlStatus.DONE, message, audit_id=entry.id)

    # -- audit helpers ---------------------------------------------------------------

    async def _audit(
        self,
        conn: aiosqlite.Connection,
        action: str,
        target: str | None,
        reason: str | None,
        outcome: str,
        detail: str | None,
        *,
        now: datetime,
    ) -> audit.AuditEntry:
        entry = await audit.append(
            conn,
            at=iso(now),
            action=action,
            target=target,
            reason=reason or None,
            outcome=outcome,
            detail=detail,
            actor=self.actor,
        )
        log.info(
            "control attempt", action=action, target=target, outcome=outcome, audit_id=entry.id
        )
        return entry

    async def _audited(
        self,
        conn: aiosqlite.Connection,
        action: str,
        target: str | None,
        reason: str,
        status: ControlStatus,
        message: str,
        *,
        now: datetime,
        **extra: Any,
    ) -> ControlResult:
        """The attempt's result, audited with its status as the outcome inside ``conn``'s write."""
        entry = await self._audit(conn, action, target, reason, status.value, message, now=now)
        return ControlResult(action, status, message, audit_id=entry.id, **extra)

    async def _locked(
        self,
        conn: aiosqlite.Connection,
        action: str,
        target: str | None,
        reason: str,
        lock: lockout.Lock,
        now: datetime,
        *,
        lead: str = "",
    ) -> ControlResult:
        """Refused while the admin key is locked; ``lead`` says what came first (a wrong key)."""
        message = lead + _locked_message(lock, now)
        return await self._audited(
            conn,
            action,
            target,
            reason,
            ControlStatus.LOCKED,
            message,
            now=now,
            locked_until=lock.until,
        )

    async def _audited_now(
        self,
        action: str,
        target: str | None,
        reason: str,
        status: ControlStatus,
        message: str,
        **extra: Any,
    ) -> ControlResult:
        """``_audited`` in a write of its own: a refusal before the gate, or the action's result."""
        async with self.db.write() as conn:
            return await self._audited(
                conn, action, target, reason, status, message, now=self.clock.now(), **extra
            )


def _reset_message(source: str) -> str:
    if source == "odds":
        # The runtime's reset also forgets the stored credits: a quota hold ends with it.
        return "the odds breaker is closed and the quota hold cleared"
    return f"the {source} breaker is closed"


def _intake(admin_key: str, reason: str) -> str:
    """The reason as it may be recorded: stripped, and without the typed key in it.

    The typed key is also registered with the log redactor: a near miss of the real
    key is nearly as sensitive as the key.
    """
    SECRETS.register(admin_key)
    reason = reason.strip()
    if admin_key and admin_key in reason:
        # An operator who pastes the key into the reason field must not publish it.
        reason = reason.replace(admin_key, "***")
    return reason


def _locked_message(lock: lockout.Lock, now: datetime) -> str:
    when = (
        f"until {lock.until.strftime('%H:%M:%S')} UTC "
        f"(in {_in_words((lock.until - now).total_seconds())})"
    )
    if lock.scope is lockout.LockScope.GLOBAL:
        return (
            f"the admin key is locked for every operator after too many wrong attempts {when}; "
            "the service account can lift it with `pressbox admin-key unlock`"
        )
    return (
        f"the admin key is locked for this origin (user, sudo user, SSH client) after too many "
        f"wrong attempts {when}; other operators are not affected"
    )
