"""The status bar's text: the verdict badge, mode, clock, data age, and the notices.

The header says what ``pressbox health`` says (the verdict arrives with the
snapshot). The clock and the data age are the only text that changes while
the data is still; ``next_tick_s`` says when either would next change, so the
desk wakes exactly then and never repaints the same text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.core.clock import parse_iso
from app.core.sanitize import markup_field
from app.domain.status import HealthStatus
from app.storage.read.models import ModeState, Verdict
from widgets.status_bar import HeaderText

_MODE_STYLE = {
    "auto": "bold black on green",
    "paused": "bold black on yellow",
    "halted": "bold white on red",
}
_VERDICT_STYLE = {
    HealthStatus.OK: "bold black on green",
    HealthStatus.WARNING: "bold black on yellow",
    HealthStatus.CRITICAL: "bold white on red",
    HealthStatus.UNKNOWN: "bold white on blue",
}
# Under a minute the data age moves in steps of this many seconds: precise enough to tell
# a quiet desk from a hung one, and cheap enough for the idle budget of 5 B/s (an update
# of the age costs 75 bytes: two steps, the minute and the clock are 279 B a minute;
# bench/idle.py).
AGE_STEP_S = 20
_MINUTE = 60
_HOUR = 3600


@dataclass(frozen=True)
class BannerFlags:
    demo: bool
    demo_admin_key: str
    read_only: bool
    insecure: bool
    notices: tuple[str, ...] = ()


def verdict_text(verdict: Verdict | None) -> str:
    """``CRITICAL · the first reason (+2 more)``: the badge and what to look at first."""
    if verdict is None:
        return "[bold] HEALTH ? [/]"
    badge = f"[{_VERDICT_STYLE[verdict.status]}] {verdict.status.value} [/]"
    if not verdict.reasons:
        return badge
    more = f" (+{len(verdict.reasons) - 1} more)" if len(verdict.reasons) > 1 else ""
    return f"{badge} · {markup_field(verdict.reasons[0])}{more}"


def mode_text(mode: ModeState | None) -> str:
    if mode is None:
        return "[bold] MODE ? [/]"
    return f"[{_MODE_STYLE[mode.mode.value]}] {mode.mode.value.upper()} [/]"


def clock_text(now: datetime, tz: ZoneInfo) -> str:
    return now.astimezone(tz).strftime("%H:%M %Z")


def _age_s(now: datetime, changed_at: str | None) -> float | None:
    return None if changed_at is None else max(0.0, (now - parse_iso(changed_at)).total_seconds())


def age_text(now: datetime, changed_at: str | None) -> str:
    """``data 20 s old`` (steps of ``AGE_STEP_S``), ``data 4 min old``, ``data 3 h old``."""
    age = _age_s(now, changed_at)
    if age is None:
        return "no data yet"
    if age < AGE_STEP_S:
        return f"data <{AGE_STEP_S} s old"
    if age < _MINUTE:
        return f"data {int(age // AGE_STEP_S) * AGE_STEP_S} s old"
    if age < _HOUR:
        return f"data {int(age // _MINUTE)} min old"
    return f"data {int(age // _HOUR)} h old"


def next_tick_s(now: datetime, changed_at: str | None) -> float:
    """Seconds until the clock or the data age would show something new."""
    to_minute = _MINUTE - (now.second + now.microsecond / 1e6)
    age = _age_s(now, changed_at)
    if age is None or age >= _HOUR:
        return to_minute
    step = AGE_STEP_S if age < _MINUTE else _MINUTE
    to_age_step = step * (math.floor(age / step) + 1) - age
    return max(0.05, min(to_minute, to_age_step))


def header_text(
    verdict: Verdict | None,
    mode: ModeState | None,
    now: datetime,
    tz: ZoneInfo,
    changed_at: str | None,
) -> HeaderText:
    return HeaderText(
        verdict_text(verdict), mode_text(mode), clock_text(now, tz), age_text(now, changed_at)
    )


def notices(
    mode: ModeState | None,
    flags: BannerFlags,
    *,
    stale: str | None,
    problem: str | None = None,
) -> list[str]:
    """Everything the operator must know besides the verdict, each said whole."""
    parts: list[str] = []
    if mode is not None and mode.mode.value != "auto":
        parts.append(
            f"{mode.mode.value.upper()} by {markup_field(mode.set_by)}: {markup_field(mode.reason)}"
        )
    if flags.demo:
        parts.append(
            f"[bold black on magenta] DEMO [/] admin key: {markup_field(flags.demo_admin_key)}"
        )
    if flags.read_only:
        parts.append("[bold black on cyan] READ-ONLY [/]")
    if flags.insecure:
        parts.append("[bold white on red] INSECURE [/] secrets from environment")
    if problem:
        parts.append(f"[bold red]{markup_field(problem)}[/]")
    if stale:
        parts.append(f"[bold yellow]STALE[/] {markup_field(stale)}")
    parts.extend(f"[yellow]{markup_field(n)}[/]" for n in flags.notices)
    return parts


# -- rewind (`w`, `[`, `]`, `L`, ``pressbox --at``) ---------------------------------------
REWIND_STYLE = "bold white on dark_magenta"


def rewind_notice(moment: datetime, tz: ZoneInfo) -> str:
    """First on the banner while rewound: the moment, with its zone, and the way back."""
    local = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"[{REWIND_STYLE}] REWIND {local} [/] read-only · [ ] step by run · L live"
