"""Closing-line value: the running figures, a sparkline of the average CLV per day, the bets.

Read through ``DeskData.clv`` (stored closes settled against stored finals); nothing here
computes a CLV. Upstream text (teams, books) passes ``markup_field`` before it is shown.
Both tables sort (`s`/`S`, ``TableScreen``) by value, and keep their sort on `r`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Sparkline

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.core.sanitize import markup_field
from app.storage.read.clv_models import ClosedBet, ClvReport, ClvSummary
from app.tui.context import DeskContext
from app.tui.keys import KeyHelp
from app.tui.screens.tables import TableScreen, table_help
from app.tui.table_rows import clv_bet_row, clv_group_row
from widgets.keyed_table import KeyedTable, TableRow
from widgets.quiet_static import QuietStatic

log = get_logger(__name__)


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    colour = "green" if value > 0 else "red" if value < 0 else ""
    text = f"{value:+.2%}"
    return f"[{colour}]{text}[/]" if colour else text


def summary_text(total: ClvSummary, days: int) -> str:
    if not total.bets:
        return "Closing-line value: no flagged bet has reached first pitch yet"
    return (
        f"[b]Closing-line value[/] · {total.bets} bets over {days} day(s) · "
        f"average CLV {_pct(total.mean_clv)} · beat the close {total.beat_share:.0%} · "
        f"settled {total.settled}: expected {total.expected:+.2f}, "
        f"realised {total.realised:+.2f} units"
    )


def _bet_keys(bets: list[ClosedBet]) -> list[str]:
    """A key per bet that survives a reload (its line and book), numbered if one repeats."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for b in bets:
        key = f"{b.event_id}|{b.market}|{b.outcome}|{b.point:g}|{b.book}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


class ClvScreen(TableScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "reload", "Reload"),
    ]
    HELP_TITLE = "Closing-line value"
    AUTO_FOCUS = "#clv-bets"  # the bets; tab reaches the groups
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = table_help()

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(id="clv")
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield QuietStatic("Closing-line value", id="clv-title")
        yield Sparkline([], id="clv-sparkline")
        yield KeyedTable(id="clv-groups", panel_name="Groups", classes="sub-table")
        yield KeyedTable(id="clv-bets", panel_name="Bets", classes="sub-table")
        yield Footer()

    def on_mount(self) -> None:
        groups = self.query_one("#clv-groups", KeyedTable)
        for label in ("Group", "Bets", "Avg CLV", "Beat", "Settled", "Expected", "Realised"):
            groups.add_column(label, key=label.lower())
        bets = self.query_one("#clv-bets", KeyedTable)
        for label in ("Date", "Game", "Bet", "Book", "Price", "Close", "Fair@close", "CLV"):
            bets.add_column(label, key=label.lower())
        bets.add_column("Result", key="result")
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        if not self.escape_tables():
            self.app.pop_screen()

    @work(exclusive=True, group="clv", exit_on_error=False)
    async def _load(self) -> None:
        try:
            report = await self.ctx.data.clv(None)
        except PressboxError as exc:
            log.warning("clv load failed", error=redact(exc.one_line()))
            title = self.query_one("#clv-title", QuietStatic)
            title.show(f"[red]{markup_field(exc.one_line())}[/]")
            return
        self.show_report(report)

    def show_report(self, report: ClvReport) -> None:
        self.query_one("#clv-title", QuietStatic).show(
            summary_text(report.total, len(report.by_day))
        )
        self.query_one("#clv-sparkline", Sparkline).data = [d.mean_clv for d in report.by_day]
        rows = [report.total, *report.by_book, *report.by_market]
        names = ["all", *(f"book {s.key}" for s in report.by_book)]
        names += [f"market {s.key}" for s in report.by_market]
        groups: dict[str, TableRow] = {
            name: clv_group_row(
                s,
                (
                    markup_field(name, 40),
                    str(s.bets),
                    _pct(s.mean_clv),
                    f"{s.beat_share:.0%}",
                    str(s.settled),
                    f"{s.expected:+.2f}",
                    f"{s.realised:+.2f}",
                ),
            )
            for name, s in zip(names, rows, strict=True)
        }
        self.show_rows("clv-groups", groups)
        newest_first = list(reversed(report.bets))
        bets: dict[str, TableRow] = {}
        for key, b in zip(_bet_keys(newest_first), newest_first, strict=True):
            result = "…" if b.result is None else f"{b.result} {b.profit:+.2f}"
            bets[key] = clv_bet_row(
                b,
                (
                    b.official_date,
                    markup_field(b.matchup, 40),
                    markup_field(f"{b.market} {b.label}", 40),
                    markup_field(b.book, 20),
                    f"{b.price:+d}",
                    "—" if b.close_price is None else f"{b.close_price:+d}",
                    "—" if b.close_fair_prob is None else f"{b.close_fair_prob:.1%}",
                    _pct(b.clv),
                    result,
                ),
            )
        self.show_rows("clv-bets", bets)
