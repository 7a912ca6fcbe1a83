"""The status bar's text: the verdict badge, mode, clock, data age, and the notices.

The header says what ``pressbox health`` says (the verdict arrives with the
snapshot). The clock and the data age are the only text that changes while
the data is still; ``next_tick_s`` says when either would next change, so the
desk wakes exactly then and never repaints the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from app.core.clock import parse_iso
from app.core.sanitize import markup_field
from app.core.timefmt import local_time
from app.domain.status import HealthStatus
from app.storage.read.models import ModeState, Verdict
from app.tui.timefmt import next_change_s, stepped
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
# Under a minute the data age steps at 15 s and 30 s (timefmt.MARKS_S): precise enough
# to tell a quiet desk from a hung one, and cheap enough for the idle budget of 5 B/s:
# the two marks, the minute and the clock cost ~240 B in the worst minute (bench/RESULTS.md).
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


def age_text(
    now: datetime, changed_at: str | None, tz: tzinfo | None = None, *, absolute: bool = False
) -> str:
    """``data 15 s old`` (stepped under a minute), ``data 4 min old``, ``data 3 h old``.

    Absolute (the `T` key, with ``tz``): ``data 15:58:00 EDT``, when the data last changed.
    """
    age = _age_s(now, changed_at)
    if age is None or changed_at is None:
        return "no data yet"
    if absolute and tz is not None:
        return f"data {local_time(parse_iso(changed_at), tz, seconds=True)}"
    if age < _MINUTE:
        return f"data {stepped(parse_iso(changed_at), now).removesuffix(' ago')} old"
    if age < _HOUR:
        return f"data {int(age // _MINUTE)} min old"
    return f"data {int(age // _HOUR)} h old"


def next_tick_s(now: datetime, changed_at: str | None, moments: Iterable[str] = ()) -> float:
    """Seconds until the clock, the data age or a stepped relative time would change.

    ``moments`` are the other relative times on screen (last run, next run, ...).
    """
    to_minute = _MINUTE - (now.second + now.microsecond / 1e6)
    waits = [to_minute]
    for moment in (changed_at, *moments):
        if moment is not None:
            wait = next_change_s(parse_iso(moment), now)
            if wait is not None:
                waits.append(wait)
    return max(0.05, min(waits))


def header_text(
    verdict: Verdict | None,
    mode: ModeState | None,
    now: datetime,
    tz: ZoneInfo,
    changed_at: str | None,
    *,
    absolute: bool = False,
) -> HeaderText:
    return HeaderText(
        verdict_text(verdict),
        mode_text(mode),
        clock_text(now, tz),
        age_text(now, changed_at, tz, absolute=absolute),
    )


def notices(
    mode: ModeState | None,
    flags: BannerFlags,
    *,
    stale: str | None,
    problem: str | None = None,
    rewound: bool = False,
) -> list[str]:
    """Everything the operator must know besides the verdict, each said whole.

    A rewound desk leaves out the session's set-up notices (a missing key): they say
    what is true now, not at the moment shown; `L` brings them back.
    """
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
    if not rewound:
        parts.extend(f"[yellow]{markup_field(n)}[/]" for n in flags.notices)
    return parts


# -- rewind (`w`, `[`, `]`, `L`, ``pressbox --at``) ---------------------------------------
REWIND_STYLE = "bold white on dark_magenta"


def rewind_notice(moment: datetime, tz: ZoneInfo) -> str:
    """First on the banner while rewound: the moment, with its zone, and the way back."""
    local = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"[{REWIND_STYLE}] REWIND {local} [/] read-only · [ ] step by run · L live"
