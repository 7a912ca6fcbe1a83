"""PressboxApp: the terminal desk.

Data flow (DESIGN.md, TUI): a one-shot timer starts a poll worker; the worker
asks the database's change counter and, only if it moved, loads a snapshot and
hands it to the dashboard, which pushes the differences into its widgets; the
next timer is armed only after the worker finished. A minute timer re-renders
relative times. Nothing else writes to the terminal while the database is still.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios
import threading
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

import styles
from app.core.clock import Clock
from app.core.config import Settings
from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.sanitize import clean_field
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.domain.status import SOURCES
from app.storage.read.models import DashboardSnapshot
from app.tui.actions import MODES, ActionResult, ControlActions
from app.tui.banner import BannerFlags
from app.tui.clipboard import selection
from app.tui.commands import DeskCommands
from app.tui.context import DeskContext
from app.tui.data import DeskData
from app.tui.keys import binding_help, screen_help
from app.tui.notification_log import Notice, NotificationLog
from app.tui.poller import ChangePoller
from app.tui.rewind import REWIND_KEYS, Rewindable, RewindClock
from app.tui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from app.tui.screens.break_glass import BreakGlassSpec, GuardedCall

# Every other screen is imported where it is opened: none is needed for the first frame
# (bench/startup.py), and each costs start-up time to import.

STYLE_PATH = Path(styles.__file__).resolve().parent / "pressbox.tcss"
MINUTE_S = 60.0
# How long the first frame waits for the first snapshot before it is drawn without it.
FIRST_SNAPSHOT_WAIT_S = 1.0
BREAK_GLASS = {"run_now": "execute", "override": "override", "reset_breaker": "reset_breaker"}
REWIND_ACTIONS = frozenset({"rewind", "rewind_step", "live"})
# The dashboard's own keys (its bindings are the desk's, listed after these).
DASHBOARD_KEYS = (
    (
        "enter",
        "Open the highlighted line: a game or bet (its game), an event (its run or "
        "audit entry), the health panel (a source's recent errors)",
    ),
    ("T", "Times: relative / absolute (local, with the zone)"),
    ("t", "Trends: run durations, latency and retries, breakers, quota burn"),
    ("i", "First-run checklist: what is not set up yet, and the fix"),
)

# Desk-wide keys kept out of the footer (room at 80 columns), listed in every help.
DRILL_KEYS = (
    ("y", "Copy the highlighted row or the open entry (terminal clipboard, OSC 52)"),
    ("n", "Notification history of this session"),
)

log = get_logger(__name__)

Background = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class DeskParts:
    """What the launcher wires around the desk: none of it is needed for the first frame."""

    control: ControlActions | None = None
    background: Background | None = None
    notices: tuple[str, ...] = ()


# Builds the parts once the first frame is drawn (the control service, the demo's scheduler).
Wire = Callable[[], Awaitable[DeskParts]]

# What each worker group does, for the operator's notice when one fails.
WORKER_NAMES = {
    "poll": "refreshing the dashboard",
    "background": "the background pipeline",
    "break-glass": "the break-glass action",
    "live": "refreshing the screen",
    "wire": "wiring the break-glass keys",
    "checklist": "the first-run checklist",
}


class PressboxApp(App[int]):
    CSS_PATH = STYLE_PATH
    TITLE = "pressbox"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    COMMANDS = App.COMMANDS | {DeskCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Footer labels stay short so that `q Quit` still shows at 80 columns;
        # the tooltip is the longer text the help screen lists.
        Binding("X", "run_now", "Run now", tooltip="Run the pipeline now (break-glass)"),
        Binding("O", "override", "Override", tooltip="Override the system mode (break-glass)"),
        Binding("B", "reset_breaker", "Breaker", tooltip="Reset a source's circuit breaker"),
        # Pressed where the action is off, the key says why rather than nothing.
        Binding("X", "absent('run_now')", show=False),
        Binding("O", "absent('override')", show=False),
        Binding("B", "absent('reset_breaker')", show=False),
        Binding("r", "runs", "Runs", tooltip="Run history and stage errors"),
        Binding("a", "audit", "Audit", tooltip="The audit trail"),
        Binding("c", "clv", "CLV", tooltip="Closing-line value of the flagged bets", show=False),
        Binding("T", "toggle_times", "Times", show=False),
        # Drill helper (issue 13): copy and the notification history; listed in help by DRILL_KEYS.
        Binding("y", "copy", "Copy", show=False),
        Binding("n", "notifications", "Notices", show=False),
        # trends helper: the trends screen and the first-run checklist
        Binding("t", "trends", "Trends", tooltip="Run durations, latency, quota burn", show=False),
        Binding("i", "checklist", "Setup", tooltip="First-run checklist", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        # Rewind (issue 13): the desk as it stood at a moment, read-only; listed in the help.
        Binding("w", "rewind", "Rewind", show=False),
        Binding("left_square_bracket", "rewind_step(-1)", "Run back", show=False),
        Binding("right_square_bracket", "rewind_step(1)", "Run on", show=False),
        Binding("L", "live", "Live", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        data: DeskData,
        *,
        clock: Clock | None = None,
        demo: bool = False,
        control: ControlActions | None = None,
        background: Background | None = None,
        notices: tuple[str, ...] = (),
        watch_terminal: bool = False,
        exit_grace_s: float = 3.0,
        wire: Wire | None = None,
        first_run_check: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.rewind_clock = RewindClock(clock or Clock())
        self.ctx = DeskContext(settings, data, self.rewind_clock)
        if isinstance(data, Rewindable):
            self.rewind_clock.moment = data.moment  # `pressbox --at`: rewound from the first frame
        self.control = control or ControlActions()
        self.read_only = settings.dashboard.read_only
        self.flags = BannerFlags(
            demo=demo,
            demo_admin_key=settings.demo.admin_key,
            read_only=self.read_only,
            insecure=settings.secrets.allow_env,
            notices=notices,
        )
        self._background = background
        self._wire = wire
        self.wiring = wire is not None
        self._watch_terminal = watch_terminal
        self._exit_grace_s = exit_grace_s
        self._stopping = False
        self._first_run_check = first_run_check
        self.poller: ChangePoller[DashboardSnapshot] = ChangePoller(
            self.poll_version, self.load_snapshot
        )
        self.poll_skips = 0
        self.handover_outcomes: list[str] = []
        self.notices = NotificationLog(settings.dashboard.notification_history)
        self._poll_timer: Timer | None = None
        self._last_poll_problem: str | None = None
        self.dashboard = self.make_dashboard()

    @property
    def _background_screens(self) -> list[Screen[Any]]:
        """Screens that show through the top one: none when the top one is opaque.

        Textual counts the screen just under the top one as visible whatever the top
        one's background. A covered dashboard that changes (its footer recomposing after
        a screen is pushed, a header tick) is then repainted and pushed up on every idle
        pass, for as long as it stays covered: the idle budget gone. Every full screen of
        the desk is opaque; modals (break-glass, the pickers) keep what lies beneath.
        """
        top = self.screen_stack[-1] if self.screen_stack else None
        if top is not None and not isinstance(top, ModalScreen) and top.styles.background.a == 1:
            return []
        return super()._background_screens

    # -- hooks (the idle benchmark's baseline overrides these) ----------------

    def make_dashboard(self) -> DashboardScreen:
        return DashboardScreen(self.ctx, self.flags)

    async def poll_version(self) -> int:
        return await self.ctx.data.data_version()

    async def load_snapshot(self) -> DashboardSnapshot:
        return await self.ctx.data.dashboard(
            self.ctx.clock.official_date(self.settings.pipeline.timezone),
            recent_events=self.settings.dashboard.recent_events,
        )

    # -- lifecycle -------------------------------------------------------------

    async def on_mount(self) -> None:
        await self.ctx.data.start()
        # The first snapshot is read before the dashboard mounts (its reads are quick on an
        # idle loop) and applied before its first paint: the first frame is drawn once, with
        # data. A read slower than FIRST_SNAPSHOT_WAIT_S lands later, like any poll.
        first = asyncio.ensure_future(self.poller.poll())
        await asyncio.wait({first}, timeout=FIRST_SNAPSHOT_WAIT_S)
        ready = first.done() and not first.cancelled() and first.exception() is None
        if ready:
            # Handed to the dashboard, which applies it as it mounts: before its first paint.
            self.dashboard.first = first.result()
        await self.push_screen(self.dashboard)
        if ready:
            self._last_poll_problem = None
            self._arm_poll()
        else:
            self._first_poll(first)
        self.set_interval(MINUTE_S, self._minute_tick)
        if self._background is not None:
            self._start_background(self._background)
        if self._watch_terminal:
            self._install_terminal_guards()
        if self._wire is not None:
            # The control service, the keyring and the demo's scheduler (their imports
            # too) are wired after the first frame, which needs none of them.
            self.call_after_refresh(self._start_wiring)
        elif self._first_run_check:
            self.call_after_refresh(self._check_first_run)

    def _start_background(self, background: Background) -> None:
        self.run_worker(background, name="background", group="background", exit_on_error=False)

    def _start_wiring(self) -> None:
        self._wire_parts()

    @work(name="wire", group="wire", exit_on_error=False)
    async def _wire_parts(self) -> None:
        assert self._wire is not None
        try:
            parts = await self._wire()
        except PressboxError as exc:
            log.warning("desk wiring failed", error=redact(exc.one_line()))
            parts = DeskParts(notices=(f"break-glass keys unavailable: {exc.one_line()}",))
        finally:
            self.wiring = False
        self.install(parts)
        if self._first_run_check:
            # After the wiring, which has loaded the keyring the checklist inspects: neither
            # delays the first frame.
            self._check_first_run()

    def install(self, parts: DeskParts) -> None:
        """Take the wired parts on a running desk: keys, banner notices, background."""
        if parts.control is not None:
            self.control = parts.control
        if parts.notices:
            self.flags = replace(self.flags, notices=self.flags.notices + parts.notices)
            self.dashboard.flags = self.flags
            if self.dashboard.is_attached:
                self.dashboard.tick()
        self.refresh_bindings()
        if parts.background is not None:
            self._start_background(parts.background)

    async def on_unmount(self) -> None:
        await self.ctx.data.stop()
        if self._watch_terminal:
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop = self._loop
                if loop is not None:
                    loop.remove_signal_handler(signal.SIGHUP)
                    loop.remove_signal_handler(signal.SIGTERM)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """No worker fails in silence: every error is logged and said on the desk."""
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        text = redact(
            error.one_line() if isinstance(error, PressboxError) else type(error).__name__
        )
        what = WORKER_NAMES.get(worker.group, worker.group or "a desk task")
        log.error("desk worker failed", worker=worker.name, group=worker.group, error=text)
        if not self.is_running or not self.dashboard.is_attached:
            return  # shutting down: the log has it, there is no screen left to tell
        if worker.group == "background":
            self.dashboard.show_problem(f"background pipeline stopped: {text}")
        elif worker.group == "poll":
            # The next poll is armed already (``_poll_once``'s finally); load afresh then.
            self.poller.invalidate()
            self.dashboard.show_problem(f"{what} failed: {text}")
        self.notify(f"{what} failed: {text}", title="pressbox", severity="error")

    def _fatal_error(self) -> None:
        # Textual's crash screen renders local variables, which can hold
        # credentials; show the classified one-liner and log without locals.
        from rich.traceback import Traceback

        self.bell()
        error = sys.exc_info()[1]
        log.error("desk crashed", exc_info=True)
        if isinstance(error, PressboxError):
            self._exit_renderables.append(f"pressbox: {redact(error.one_line())}")
        else:
            self._exit_renderables.append(Traceback(show_locals=False, width=None, suppress=[]))
        self._close_messages_no_wait()

    # -- change-only refresh -----------------------------------------------------

    def _start_poll(self) -> None:
        self._poll_timer = None
        self._poll_once()

    def _arm_poll(self) -> None:
        if self._poll_timer is None and self.is_running:
            self._poll_timer = self.set_timer(
                self.settings.dashboard.poll_interval_s, self._start_poll
            )

    @work(name="poll", group="poll", exclusive=True, exit_on_error=False)
    async def _first_poll(self, first: Awaitable[DashboardSnapshot | None]) -> None:
        await self._refresh(first)

    @work(name="poll", group="poll", exclusive=True, exit_on_error=False)
    async def _poll_once(self) -> None:
        if self.screen is not self.dashboard:
            # A modal or another screen covers the dashboard: no query, no paint.
            self.poll_skips += 1
            self._arm_poll()
            return
        await self._refresh(self.poller.poll())

    async def _refresh(self, poll: Awaitable[DashboardSnapshot | None]) -> None:
        try:
            snapshot = await poll
            if snapshot is not None:
                self.dashboard.apply(snapshot)
        except PressboxError as exc:
            self.poller.invalidate()
            log.warning("dashboard refresh failed", error=redact(exc.one_line()))
            self.dashboard.show_problem(exc.one_line())
            self._notify_once(exc.one_line())
        else:
            self._last_poll_problem = None
        finally:
            self._arm_poll()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        kind: str = "notice",
    ) -> None:
        """Every notification says untrusted text (errors, upstream, reasons) sanitized.

        Each is recorded for the notification history (`n`), escaped for its table.
        """
        clean = escape if markup else clean_field
        self.notices.record(
            Notice(self.ctx.clock.now(), severity, escape(title), escape(message), kind)
        )
        super().notify(
            clean(message), title=clean(title), severity=severity, timeout=timeout, markup=markup
        )

    def _notify_once(self, text: str) -> None:
        # A database that stays unreadable fails every poll: say it once, not each time.
        if text != self._last_poll_problem:
            self._last_poll_problem = text
            self.notify(text, title="Dashboard not refreshed", severity="error")

    def _minute_tick(self) -> None:
        snapshot = self.dashboard.snapshot
        today = self.ctx.clock.official_date(self.settings.pipeline.timezone).isoformat()
        if snapshot is not None and snapshot.slate_date != today:
            self.poller.invalidate()
        if self.screen is self.dashboard:
            self.dashboard.tick()

    # -- terminal hygiene ------------------------------------------------------------

    def _install_terminal_guards(self) -> None:
        loop = self._loop
        if loop is not None:
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal.SIGHUP, self._terminal_gone, "hangup")
                loop.add_signal_handler(signal.SIGTERM, self._stop, "terminated")
        self.set_interval(self.settings.dashboard.poll_interval_s, self._check_terminal)

    def _check_terminal(self) -> None:
        """A dropped SSH session leaves a hung-up tty: every call on it fails."""
        stream = sys.__stdin__
        try:
            if stream is None or stream.closed:
                raise OSError("stdin closed")
            fd = stream.fileno()
            if not os.isatty(fd):
                raise OSError("stdin is not a terminal")
            termios.tcgetattr(fd)
        except (OSError, termios.error, ValueError):
            self._terminal_gone("terminal lost")

    def _terminal_gone(self, why: str) -> None:
        """The terminal is hung up: nothing can be shown or restored any more.

        Textual's output thread dies on the first write that fails (EIO) and its
        shutdown then blocks on a full queue, so first point the standard streams
        at /dev/null (writes succeed and go nowhere), then exit normally.
        """
        if self._stopping:
            return
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            with suppress(OSError):
                os.dup2(devnull, fd)
        os.close(devnull)
        self._stop(why)

    def _stop(self, why: str) -> None:
        """Exit cleanly; a watchdog ends the process if the shutdown itself is stuck."""
        if self._stopping:
            return
        self._stopping = True
        log.info("desk exiting", why=why)
        # If an output write failed before the streams were redirected, Textual's
        # shutdown can never finish; the database needs no goodbye (SQLite is crash
        # safe and a run in progress is marked abandoned by the next one).
        watchdog = threading.Timer(self._exit_grace_s, os._exit, (0,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(0)

    # -- actions -----------------------------------------------------------------------

    def _allowed(self, action: str) -> bool:
        if self.read_only or self.rewind_clock.moment is not None:
            return False
        return getattr(self.control, BREAK_GLASS[action]) is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in BREAK_GLASS:
            return self._allowed(action)
        if action == "absent":
            return not self._allowed(str(parameters[0]))
        if action in REWIND_ACTIONS:
            return self._rewind_offered(action)
        return True

    def why_absent(self) -> str:
        if self.rewind_clock.moment is not None:
            return "rewound desk: X/O/B are off while it shows the past; L returns to live"
        if self.read_only:
            return (
                "read-only desk: X/O/B are off (--read-only or dashboard.read_only); "
                "use `pressbox control execute|override|reset-breaker` with the admin key"
            )
        if self.wiring:
            return "break-glass is starting: try again in a moment"
        return "break-glass is unavailable: no control service in this session"

    def action_absent(self, action: str) -> None:
        self.notify(self.why_absent(), title="Break-glass off", severity="warning")

    def action_quit(self) -> None:  # type: ignore[override]
        self.exit(0)

    def action_help(self) -> None:
        from app.tui.screens.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        if screen is self.dashboard:
            title, own = "Dashboard", list(DASHBOARD_KEYS) + self.dashboard.help_keys()
        else:
            title = getattr(screen, "HELP_TITLE", type(screen).__name__)
            own = binding_help(screen.BINDINGS) + list(getattr(screen, "HELP_EXTRA", ()))
        desk = [
            row
            for binding in self.BINDINGS
            if isinstance(binding, Binding) and self.check_action(binding.action, ()) is not False
            for row in binding_help([binding])
        ]
        desk += DRILL_KEYS
        if not any(self._allowed(action) for action in BREAK_GLASS):
            desk.insert(0, ("X O B", self.why_absent()))
        if isinstance(self.ctx.data, Rewindable):
            desk += REWIND_KEYS
        self.push_screen(HelpScreen(title, screen_help(own, desk)))

    def action_toggle_times(self) -> None:
        """Relative or absolute times (local, with the zone), on every screen at once."""
        from app.tui.screens.live import LiveScreen

        absolute = self.ctx.times.toggle()
        screen = self.screen
        if isinstance(screen, LiveScreen):
            screen.action_reload()
        elif screen is self.dashboard:
            self.dashboard.tick()
        self.notify(
            "times are absolute (local, with the zone)" if absolute else "times are relative",
            title="Times",
            timeout=2,
        )

    def _open_once(self, kind: type[Screen[Any]], build: Callable[[], Screen[Any]]) -> None:
        """Open a screen unless it is the one shown (a second key press stacks no copy)."""
        if not isinstance(self.screen, kind):
            self.push_screen(build())

    def action_runs(self) -> None:
        from app.tui.screens.runs import RunsScreen

        self._open_once(RunsScreen, lambda: RunsScreen(self.ctx))

    def action_audit(self) -> None:
        from app.tui.screens.audit import AuditScreen

        self._open_once(AuditScreen, lambda: AuditScreen(self.ctx))

    def action_clv(self) -> None:
        from app.tui.screens.clv import ClvScreen

        self._open_once(ClvScreen, lambda: ClvScreen(self.ctx))

    # -- drill helper (issue 13): copy, notification history --

    def action_copy(self) -> None:
        """The selection as plain text to the terminal's clipboard (OSC 52), sanitized."""
        found = selection(self.screen)
        if found is None:
            self.notify("nothing to copy here: highlight a row first", title="Copy")
            return
        what, text = found
        self.copy_to_clipboard(text)
        self.notify(f"copied {what} ({len(text)} characters)", title="Copy", timeout=3)

    def action_notifications(self) -> None:
        from app.tui.screens.notifications import NotificationsScreen

        self._open_once(NotificationsScreen, lambda: NotificationsScreen(self.ctx, self.notices))

    # -- trends and the first-run checklist (trends helper) -------------------------

    def action_trends(self) -> None:
        from app.tui.screens.trends import TrendsScreen

        self._open_once(TrendsScreen, lambda: TrendsScreen(self.ctx))

    def action_checklist(self) -> None:
        from app.tui.screens.checklist import ChecklistScreen

        self._open_once(ChecklistScreen, lambda: ChecklistScreen(self.ctx))

    def _check_first_run(self) -> None:
        """An installation not set up yet opens on its checklist, not on a cut banner.

        Asked once the dashboard has drawn its first snapshot, so the checklist lies on
        top of a desk that is already there (a covered dashboard would skip its first load).
        """
        if self.poller.loads == 0:
            self.set_timer(self.settings.dashboard.poll_interval_s, self._check_first_run)
            return
        self._open_checklist_if_needed()

    @work(name="first-run", group="checklist", exit_on_error=False)
    async def _open_checklist_if_needed(self) -> None:
        checklist = await self.ctx.data.checklist(self.ctx.clock.now())
        rewound = self.rewind_clock.moment is not None  # a look back: no pop-up on top of it
        if checklist.setup_incomplete and self.screen is self.dashboard and not rewound:
            self.action_checklist()

    def on_dashboard_screen_game_chosen(self, message: DashboardScreen.GameChosen) -> None:
        from app.tui.screens.game_detail import GameDetailScreen

        self.push_screen(GameDetailScreen(self.ctx, message.game_pk))

    def action_run_now(self) -> None:
        from app.tui.screens.break_glass import BreakGlassSpec

        execute = self.control.execute
        if not self._allowed("run_now") or execute is None:
            return
        limit = self.settings.security.run_rate_limit_s
        spec = BreakGlassSpec(
            action="execute",
            title="Run now",
            explain=(
                "Runs the pipeline once now under the shared lease (handed to the daemon when it "
                f"is alive). Refused while halted; at most one per {limit:g} s. Audited."
            ),
            reason_required=False,
        )

        async def call(_choice: str, admin_key: str, reason: str) -> ActionResult:
            result = await execute(admin_key, reason)
            request_id = getattr(result, "request_id", None)
            if isinstance(request_id, int):
                self.watch_request(request_id)
            return result

        self._break_glass(spec, call)

    def _break_glass(self, spec: BreakGlassSpec, call: GuardedCall) -> None:
        """Open the modal with what every break-glass modal checks before it asks for a key."""
        from app.tui.screens.break_glass import BreakGlassScreen

        known = (self.settings.demo.admin_key,) if self.flags.demo else ()
        guarded = replace(spec, precheck=self.control.precheck, known_secrets=known)
        self.push_screen(BreakGlassScreen(guarded, call))

    def watch_request(self, request_id: int) -> None:
        """Say how a run handed to the daemon ended, once it has (a notice; the feed shows it)."""
        outcome = self.control.request_outcome
        if outcome is None:
            return

        async def watch() -> None:
            line = await outcome(request_id)
            while line is None:
                # Polled like the dashboard: the daemon is another process, no event reaches us.
                await asyncio.sleep(self.settings.dashboard.poll_interval_s)
                line = await outcome(request_id)
            self.handover_outcomes.append(line)
            self.poller.invalidate()
            self.notify(line, title="Run now", severity="information", kind="run result")

        self.run_worker(watch(), name="handover", group="break-glass", exit_on_error=False)

    def action_override(self) -> None:
        from app.tui.screens.break_glass import BreakGlassSpec

        override = self.control.override
        if not self._allowed("override") or override is None:
            return
        snapshot = self.dashboard.snapshot
        current = snapshot.mode.mode.value if snapshot else "auto"
        spec = BreakGlassSpec(
            action="override",
            title="Override mode",
            explain=(
                f"Sets the system mode for every desk and the daemon (now: {current}). "
                "auto: scheduled runs; paused: scheduled runs skipped; halted: no runs at all "
                "and no value-bet alerts until an override lifts it. Audited."
            ),
            reason_required=True,
            choice_label="New mode",
            choices=MODES,
            default_choice=next(m for m in MODES if m != current),
        )
        self._break_glass(spec, override)

    def action_reset_breaker(self) -> None:
        from app.tui.screens.break_glass import BreakGlassSpec

        reset = self.control.reset_breaker
        if not self._allowed("reset_breaker") or reset is None:
            return
        snapshot = self.dashboard.snapshot
        sources = sorted(
            (s for s in snapshot.sources) if snapshot else (),
            key=lambda s: (s.circuit_state == "closed", s.source),
        )
        names = tuple(s.source for s in sources) or SOURCES
        states = (
            ", ".join(f"{escape(s.source)} {s.circuit_state}" for s in sources) or "no calls yet"
        )
        spec = BreakGlassSpec(
            action="reset_breaker",
            title="Reset breaker",
            explain=(
                f"Closes the source's circuit breaker so the next run calls it again ({states}). "
                "Do it once the cause is fixed (a new key, the upstream back). Audited."
            ),
            reason_required=True,
            choice_label="Source",
            choices=names,
            default_choice=names[0],
        )
        self._break_glass(spec, reset)

    # -- rewind: the desk as it stood at a moment ------------------------------------------

    def _rewind_offered(self, action: str) -> bool:
        if not isinstance(self.ctx.data, Rewindable):
            return False
        return action != "live" or self.rewind_clock.moment is not None

    def rewind_to(self, moment: datetime | None) -> None:
        """Stand the whole desk at ``moment`` (None: live again) and load it once."""
        data = self.ctx.data
        if not isinstance(data, Rewindable):
            return
        while self.screen is not self.dashboard and len(self.screen_stack) > 1:
            self.pop_screen()
        data.rewind(moment)
        self.rewind_clock.moment = moment
        self.poller.invalidate()
        self.refresh_bindings()
        self.dashboard.tick()
        # Poll now if none is in flight; never restart one mid-read (a cancelled worker can
        # leave its read snapshot open). One in flight loads the old moment, the next the new.
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._start_poll()

    def action_rewind(self) -> None:
        def chosen(moment: datetime | None) -> None:
            if moment is not None:
                self.rewind_to(moment)

        from app.tui.screens.rewind import RewindPrompt

        self.push_screen(RewindPrompt(self.ctx.tz, self.rewind_clock.base), chosen)

    async def action_rewind_step(self, step: int) -> None:
        data = self.ctx.data
        if not isinstance(data, Rewindable):
            return
        try:
            found = await data.run_finish_beside(self.rewind_clock.now(), later=step > 0)
        except PressboxError as exc:
            self.notify(exc.one_line(), title="Rewind", severity="error")
            return
        if found is None:
            where = "no later run: L returns to live" if step > 0 else "no earlier run stored"
            self.notify(where, title="Rewind", timeout=3)
            return
        self.rewind_to(found)

    def action_live(self) -> None:
        if self.rewind_clock.moment is not None:
            self.rewind_to(None)
            self.notify("live again", title="Rewind", timeout=2)
