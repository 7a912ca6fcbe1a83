"""One game: every book's price per market, the fair price, the edge, and the day's movement."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from app.core.errors import PressboxError
from app.core.logging import get_logger, redact
from app.domain.prices import american_to_decimal
from app.storage.read.models import GameDetail, QuotedPrice, matchup
from app.tui import formatting as fmt
from app.tui.context import DeskContext
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


class GameDetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, ctx: DeskContext, game_pk: int) -> None:
        super().__init__(id="game-detail")
        self.ctx = ctx
        self.game_pk = game_pk
        self.detail: GameDetail | None = None

    def compose(self) -> ComposeResult:
        yield QuietStatic(f"Game {self.game_pk}: loading…", id="detail-title")
        yield QuietStatic("", id="detail-fair")
        yield DataTable(id="detail-prices", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#detail-prices", DataTable)
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
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def _load(self) -> None:
        try:
            detail = await self.ctx.data.game_detail(self.game_pk)
        except PressboxError as exc:
            log.warning("detail load failed", error=redact(exc.one_line()))
            self.query_one("#detail-title", QuietStatic).show(f"[red]{escape(exc.one_line())}[/]")
            return
        self.show_detail(detail)

    def show_detail(self, detail: GameDetail | None) -> None:
        self.detail = detail
        title = self.query_one("#detail-title", QuietStatic)
        if detail is None:
            title.show(f"Game {self.game_pk} is not in the database (yet).")
            return
        game = detail.game
        title.show(
            f"[b]{escape(matchup(game.away_team, game.home_team))}[/] · "
            f"{fmt.local_hhmm(game.start_time, self.ctx.tz)} · {fmt.game_status(game)} "
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
        table = self.query_one("#detail-prices", DataTable)
        table.clear()  # opened on demand, not on a poll: a rebuild here costs nothing idle
        for price in detail.prices:
            moves = history.get((price.market, price.outcome, price.book), ())
            table.add_row(
                MARKET_NAMES.get(price.market, price.market),
                escape(price.outcome + (f" {price.point:+g}" if price.point is not None else "")),
                escape(price.book_title),
                fmt.american(price.price),
                f"{price.fair_prob * 100:.1f}%" if price.fair_prob is not None else "—",
                _edge_cell(price),
                sparkline([american_to_decimal(p) for p in moves]) if len(moves) > 1 else "",
                key=f"{price.market}|{price.outcome}|{price.book}",
            )
