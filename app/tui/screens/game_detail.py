"""One game: every book's price per market, the fair price, the edge, and the day's movement.

`s`/`S` sort the prices by any column (a price by what it pays, the edge as a number).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult

from app.core.logging import get_logger
from app.core.sanitize import markup_text as escape  # untrusted text: cleaned, then escaped
from app.core.timefmt import local_iso
from app.domain.prices import american_to_decimal
from app.storage.read.models import GameDetail, QuotedPrice, matchup
from app.tui import formatting as fmt
from app.tui.clipboard import Copied, clipboard_line, plain
from app.tui.context import DeskContext
from app.tui.keys import KeyHelp
from app.tui.screens.live import DrillScreen
from app.tui.screens.tables import table_help
from app.tui.table_rows import price_row
from widgets.keyed_table import KeyedTable, TableRow
from widgets.quiet_static import QuietStatic
from widgets.sparkline_text import sparkline

MARKET_NAMES = {"h2h": "Moneyline", "spreads": "Run line", "totals": "Total"}
log = get_logger(__name__)
# What the pipeline made of a price it did not judge (price_edges.verdict).
VERDICT_TEXT = {
    "stale": "[dim]stale[/]",
    "in_play": "[dim]in play[/]",
    "too_few_books": "[dim]too few books[/]",
    "outlier": "[yellow]suspicious[/]",
}


def _edge_cell(price: QuotedPrice) -> str:
    if price.verdict == "outlier":
        edge = fmt.edge_text(price.edge) + " " if price.edge is not None else ""
        return edge + VERDICT_TEXT["outlier"]
    if price.edge is not None:
        return fmt.edge_text(price.edge)
    return VERDICT_TEXT.get(price.verdict, "—")


class GameDetailScreen(DrillScreen["GameDetail | None"]):
    TITLE_ID = "detail-title"
    HELP_TITLE = "Game detail"
    HELP_EXTRA: ClassVar[tuple[KeyHelp, ...]] = table_help()

    def __init__(self, ctx: DeskContext, game_pk: int) -> None:
        super().__init__(ctx, f"Game {game_pk}", id="game-detail")
        self.game_pk = game_pk
        self.detail: GameDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield QuietStatic("", id="detail-fair")
        table = KeyedTable(id="detail-prices", panel_name="Prices", classes="sub-table")
        table.zebra_stripes = True
        yield table

    def on_mount(self) -> None:
        table = self.query_one("#detail-prices", KeyedTable)
        for label, key in (
            ("Market", "market"),
            ("Outcome", "outcome"),
            ("Book", "book"),
            ("Price", "price"),
            ("Fair", "fair"),
            ("Edge", "edge"),
            ("Today", "moves"),
        ):
            table.add_column(label, key=key)
        super().on_mount()

    async def fetch(self) -> GameDetail | None:
        return await self.ctx.data.game_detail(self.game_pk)

    def present(self, data: GameDetail | None) -> None:
        self.show_detail(data)

    def show_detail(self, detail: GameDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.show_title(f"Game {self.game_pk} is not in the database (yet).")
            return
        game = detail.game
        self.show_title(
            f"[b]{escape(matchup(game.away_team, game.home_team))}[/] · "
            f"{local_iso(game.start_time, self.ctx.tz)} · {fmt.game_status(game)} "
            f"{fmt.score(game)} · game {game.game_pk}"
        )
        fair = " · ".join(
            f"{MARKET_NAMES.get(f.market, f.market)} {escape(f.outcome)}"
            + (f" {f.point:+g}" if f.market != "h2h" else "")
            + f" {fmt.american(f.fair_american)} ({f.fair_prob * 100:.1f}%)"
            for f in detail.fair
        )
        self.query_one("#detail-fair", QuietStatic).show(
            f"Fair: {fair}" if fair else "Fair: [dim]not computed yet[/]"
        )
        history = {(h.market, h.outcome, h.book): h.prices for h in detail.history}
        rows: dict[str, TableRow] = {}
        for price in detail.prices:
            moves = history.get((price.market, price.outcome, price.book), ())
            rows[f"{price.market}|{price.outcome}|{price.book}"] = price_row(
                price,
                moves,
                (
                    MARKET_NAMES.get(price.market, price.market),
                    escape(
                        price.outcome + (f" {price.point:+g}" if price.point is not None else "")
                    ),
                    escape(price.book_title),
                    fmt.american(price.price),
                    f"{price.fair_prob * 100:.1f}%" if price.fair_prob is not None else "—",
                    _edge_cell(price),
                    sparkline([american_to_decimal(p) for p in moves]) if len(moves) > 1 else "",
                ),
            )
        # A poll that changed one price updates that one cell (and its edge), nothing else.
        self.counted(self.show_rows("detail-prices", rows))

    def copy_text(self) -> Copied | None:
        """The game's summary: matchup, start, status, score, the fair prices, the value."""
        detail = self.detail
        if detail is None:
            return None
        game = detail.game
        parts = [
            matchup(game.away_team, game.home_team),
            local_iso(game.start_time, self.ctx.tz),
            plain(f"{fmt.game_status(game)} {fmt.score(game)}"),
            f"game {game.game_pk}",
            plain(self.query_one("#detail-fair", QuietStatic).shown),
        ]
        parts += [
            f"value: {MARKET_NAMES.get(p.market, p.market)} {p.outcome} {p.book_title} "
            f"{fmt.american(p.price)} edge {p.edge * 100:+.1f}%"
            for p in detail.prices
            if p.is_value and p.edge is not None
        ]
        return f"the summary of game {game.game_pk}", clipboard_line(parts)
