"""The one-line status banner: mode, DEMO, READ-ONLY, INSECURE, stale data, notices."""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape

from app.storage.read.models import ModeState

_MODE_STYLE = {
    "auto": "bold black on green",
    "paused": "bold black on yellow",
    "halted": "bold white on red",
}


@dataclass(frozen=True)
class BannerFlags:
    demo: bool
    demo_admin_key: str
    read_only: bool
    insecure: bool
    notices: tuple[str, ...] = ()


def banner_text(
    mode: ModeState | None,
    flags: BannerFlags,
    *,
    slate_date: str,
    stale: str | None,
    problem: str | None = None,
) -> str:
    parts: list[str] = []
    if mode is None:
        parts.append("[bold]MODE ?[/]")
    else:
        parts.append(f"[{_MODE_STYLE[mode.mode.value]}] {mode.mode.value.upper()} [/]")
        if mode.mode.value != "auto":
            parts.append(f"by {escape(mode.set_by)}: {escape(mode.reason)}")
    if flags.demo:
        parts.append(f"[bold black on magenta] DEMO [/] admin key: {escape(flags.demo_admin_key)}")
    if flags.read_only:
        parts.append("[bold black on cyan] READ-ONLY [/]")
    if flags.insecure:
        parts.append("[bold white on red] INSECURE [/] secrets from environment")
    if problem:
        parts.append(f"[bold red]{escape(problem)}[/]")
    if stale:
        parts.append(f"[bold yellow]STALE[/] {escape(stale)}")
    parts.append(f"slate {slate_date}")
    parts.extend(f"[yellow]{escape(n)}[/]" for n in flags.notices)
    return "  ".join(parts)
