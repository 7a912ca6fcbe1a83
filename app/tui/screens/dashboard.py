"""The dashboard: status bar, pipeline health, today's games, value bets, recent events.

``apply`` takes a new snapshot and pushes only what differs into the widgets;
``tick`` re-renders the time-dependent text (relative ages, stale warning) and
is called at most once a minute. Neither ever clears a table. The header's
clock and data age wake on their own one-shot timer, armed for the instant
their text next changes (``banner.next_tick_s``), and repaint only themselves.

The operator's keys: `/` finds in the focused table, `s`/`S` sort it (``TableScreen``,
the same keys on every screen's tables), `1`-`4` focus a panel, `z` zooms it
(``keys.PANEL_BINDINGS``). Filter and sort live in each ``KeyedTable``, so every refresh
keeps them; the focus moves only on a key.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Footer

from app.storage.read.models import DashboardSnapshot, last_change_at, stale_reason
from app.tui import banner, drill
from app.tui import formatting as fmt
from app.tui.banner import BannerFlags
from app.tui.context import DeskContext
from app.tui.keys import PANEL_BINDINGS, TABLE_BINDINGS, KeyHelp, binding_help
from app.tui.rewind import rewound_at
from app.tui.screens.tables import Finder, TableScreen, retitle
from app.tui.table_rows import (
    FIND_HELP,
    bet_filter,
    bet_row,
    event_filter,
    event_row,
    game_filter,
    game_row,
)
from widgets.filter_bar import FilterBar
from widgets.health_panel import HealthLines, HealthPanel
from widgets.keyed_table import NAVIGATION, KeyedTable, SyncStats
from widgets.status_bar import StatusBar

MarkerKey = tuple[int, str]
# The panels `1`-`4` focus, in that order.
PANELS = ("games", "value-bets", "events", "health")


class DashboardScreen(TableScreen):
    BINDINGS: ClassVar[list[BindingType]] = list(PANEL_BINDINGS)
    FINDERS = {
        "games": Finder(game_filter, FIND_HELP["games"]),
        "value-bets": Finder(bet_filter, FIND_HELP["value-bets"]),
        "events": Finder(event_filter, FIND_HELP["events"]),
    }
    NO_TABLE = "find and sort work on a table: 1, 2 or 3 picks one"
    # The health panel takes the focus (`4` to zoom it, enter: a source's recent errors);
    # the games still get it first.
    AUTO_FOCUS = "#games"
    # Escape is ours: it closes the find bar first, then un-zooms, then clears a filter.
    ESCAPE_TO_MINIMIZE = False
    ALLOW_IN_MAXIMIZED_VIEW = "FilterBar, Footer"

    def __init__(self, ctx: DeskContext, flags: BannerFlags) -> None:
        super().__init__(id="dashboard")
        self.ctx = ctx
        self.flags = flags
        self.snapshot: DashboardSnapshot | None = None
        self.problem: str | None = None
        self._prices: dict[MarkerKey, int] = {}
        self._markers: dict[MarkerKey, tuple[str, int]] = {}
        self._marker_generation = 0
        self._header_timer: Timer | None = None
        self._unseen_events: set[str] = set()
        # The first snapshot, when it was read before the mount: applied in on_mount, so the
        # first frame is drawn once, with data (no empty tables that fill a moment later).
        self.first: DashboardSnapshot | None = None

    def compose(self) -> ComposeResult:
        # The verdict, then health, then the games: what an operator reads first at 80x24.
        yield StatusBar(id="status")
        yield HealthPanel(id="health")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield KeyedTable(id="games")
                yield KeyedTable(id="value-bets")
            with Vertical(id="right"):
                yield KeyedTable(id="events", follow_top=True)
        yield FilterBar(id="find")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (
            ("#games", fmt.GAME_COLUMNS),
            ("#value-bets", fmt.VALUE_COLUMNS),
            ("#events", fmt.EVENT_COLUMNS),
        ):
            table = self.query_one(table_id, KeyedTable)
            for key, label, width in columns:
                table.add_column(label, key=key, width=width)
        self.query_one("#events", KeyedTable).show_header = False
        self.query_one("#games").border_title = "Today's games"
        self.query_one("#value-bets").border_title = "Value bets"
        self.query_one("#events").border_title = "Recent events"
        health = self.query_one("#health")
        health.border_title = "Pipeline health"
        health.can_focus = True
        if self.first is not None:
            first, self.first = self.first, None
            self.apply(first)
        self.tick()

    def on_unmount(self) -> None:
        if self._header_timer is not None:
            self._header_timer.stop()

    # -- updates ---------------------------------------------------------

    def apply(self, snapshot: DashboardSnapshot) -> SyncStats:
        """Push the differences between the shown snapshot and ``snapshot``."""
        previous = self.snapshot
        self.snapshot = snapshot
        self.problem = None
        self._update_markers(previous, snapshot)
        games = self._sync_games()
        self._title_games(snapshot)
        games_by_pk = {line.game_pk: line for line in snapshot.games}
        bets = self.query_one("#value-bets", KeyedTable).show(
            {bet.key: bet_row(bet, games_by_pk) for bet in snapshot.value_bets}
        )
        self._title_bets()
        events = self._sync_events(snapshot)
        self.tick()
        return SyncStats(
            games.added + bets.added + events.added,
            games.removed + bets.removed + events.removed,
            games.cells_changed + bets.cells_changed + events.cells_changed,
        )

    def _title_games(self, snapshot: DashboardSnapshot) -> None:
        # An empty slate (off-season, or nothing fetched yet) is a quiet state: say so.
        table = self.query_one("#games", KeyedTable)
        title = (
            f"Today's games {snapshot.slate_date} {table.title_tail()}{self._zoomed(table)}"
            if snapshot.games
            else f"Today's games: none on the slate for {snapshot.slate_date}"
        )
        retitle(table, title)

    def _sync_events(self, snapshot: DashboardSnapshot) -> SyncStats:
        table = self.query_one("#events", KeyedTable)
        following = table.cursor_row == 0
        shown = set(table.row_keys())
        stats = table.show({event.key: event_row(event, self.ctx.tz) for event in snapshot.events})
        # The rows shown: a new event the filter hides is not news to the operator.
        keys = set(table.row_keys())
        if following or not shown:
            self._unseen_events.clear()
        else:
            self._unseen_events |= keys - shown
        self._unseen_events &= keys
        self._title_events()
        return stats

    def _title_events(self) -> None:
        table = self.query_one("#events", KeyedTable)
        unseen = f" · {len(self._unseen_events)} new ↑" if self._unseen_events else ""
        retitle(table, f"Recent events {table.title_tail()}{unseen}{self._zoomed(table)}")

    def _title_bets(self) -> None:
        table = self.query_one("#value-bets", KeyedTable)
        retitle(table, f"Value bets {table.title_tail()}{self._zoomed(table)}")

    def _zoomed(self, panel: Widget) -> str:
        return " · zoomed (z: back)" if self.maximized is panel else ""

    def watch_maximized(self, before: Widget | None, after: Widget | None) -> None:
        # Zoomed or back (by a key or the palette's Maximize): the panel's title says so.
        for panel in (before, after):
            if panel is not None and panel.id in PANELS:
                self._retitle(panel.id)

    def retitle_table(self, table: KeyedTable) -> None:
        self._retitle(table.id or "")

    def _retitle(self, table_id: str) -> None:
        """The border title of one panel (a table's position, filter and sort are in it)."""
        snapshot = self.snapshot
        if table_id == "health":
            health = self.query_one("#health")
            health.border_title = f"Pipeline health{self._zoomed(health)}"
        if snapshot is None:
            return
        if table_id == "games":
            self._title_games(snapshot)
        elif table_id == "value-bets":
            self._title_bets()
        elif table_id == "events":
            self._title_events()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Back at the top of the feed: everything new is in view again.
        # (The position counter: ``TableScreen``'s handler retitles the panel after this.)
        if event.data_table.id == "events" and event.cursor_row == 0 and self._unseen_events:
            self._unseen_events.clear()

    def show_problem(self, problem: str) -> None:
        self.problem = problem
        self.tick()

    def tick(self) -> None:
        """Re-render time-dependent text; widgets repaint only if it changed."""
        now = self.ctx.clock.now()
        snap = self.snapshot
        stale = stale_reason(snap, now, self.ctx.settings.pipeline.stale_after_s) if snap else None
        mode = snap.mode if snap else None
        status = self.query_one(StatusBar)
        moment = rewound_at(self.ctx.clock)
        parts = banner.notices(
            mode, self.flags, stale=stale, problem=self.problem, rewound=moment is not None
        )
        if moment is not None:
            parts.insert(0, banner.rewind_notice(moment, self.ctx.tz))
        status.show_notices(parts)
        status.show_header(
            banner.header_text(
                snap.verdict if snap else None,
                mode,
                now,
                self.ctx.tz,
                last_change_at(snap) if snap else None,
                absolute=self.ctx.times.absolute,
            )
        )
        self._arm_header(now)
        if snap is None:
            return
        self._show_health(snap, now)

    def _arm_header(self, now: datetime) -> None:
        """Wake when the clock or the data age next shows something new, and not before."""
        if self._header_timer is not None:
            self._header_timer.stop()
        snap = self.snapshot
        changed_at = last_change_at(snap) if snap else None
        moments = fmt.moments(snap) if snap else []
        self._header_timer = self.set_timer(
            banner.next_tick_s(now, changed_at, moments), self._tick_header
        )

    def _tick_header(self) -> None:
        now = self.ctx.clock.now()
        snap = self.snapshot
        changed_at = last_change_at(snap) if snap else None
        self.query_one(StatusBar).show_time(
            banner.clock_text(now, self.ctx.tz),
            banner.age_text(now, changed_at, self.ctx.tz, absolute=self.ctx.times.absolute),
        )
        if snap is not None:
            self._show_health(snap, now)  # its stepped relative times; unchanged lines stay
        self._arm_header(now)

    def _show_health(self, snap: DashboardSnapshot, now: datetime) -> None:
        low = self.ctx.settings.quota.low_credits_warning
        verdict = snap.verdict
        tz, times = self.ctx.tz, self.ctx.times
        # No X to point at: a read-only desk, or one rewound to a past moment (issue 13).
        no_control = self.flags.read_only or rewound_at(self.ctx.clock) is not None
        self.query_one(HealthPanel).show(
            HealthLines(
                verdict=fmt.verdict_lines(verdict),
                run=fmt.run_line(snap.last_run, now, tz, times, no_control=no_control),
                stages=fmt.stages_line(snap.last_run),
                next_run=fmt.next_run_line(snap, now, tz, times, no_control=no_control),
                security=fmt.security_line(
                    verdict.security if verdict is not None else None, self.ctx.tz
                ),
                sources=[fmt.source_line(source, now, low, tz, times) for source in snap.sources],
            )
        )

    # -- games and price markers ------------------------------------------

    def _sync_games(self) -> SyncStats:
        assert self.snapshot is not None
        rows = {}
        for line in self.snapshot.games:
            markers = {
                col: arrow for (pk, col), (arrow, _) in self._markers.items() if pk == line.game_pk
            }
            rows[str(line.game_pk)] = game_row(line, self.ctx.tz, markers)
        return self.query_one("#games", KeyedTable).show(rows)

    def _update_markers(
        self, previous: DashboardSnapshot | None, snapshot: DashboardSnapshot
    ) -> None:
        """A short-lived ▲/▼ beside a price that moved since the last snapshot."""
        lifetime = self.ctx.settings.dashboard.price_marker_s
        prices: dict[MarkerKey, int] = {}
        for line in snapshot.games:
            for column in fmt.PRICE_COLUMNS:
                value = fmt.price_of(line, column)
                if value is not None:
                    prices[(line.game_pk, column)] = value
        if previous is not None and lifetime > 0:
            moved = {
                key: fmt.UP if value > self._prices[key] else fmt.DOWN
                for key, value in prices.items()
                if key in self._prices and self._prices[key] != value
            }
            if moved:
                self._marker_generation += 1
                generation = self._marker_generation
                for key, arrow in moved.items():
                    self._markers[key] = (arrow, generation)
                self.set_timer(lifetime, lambda: self._expire_markers(generation))
        self._prices = prices

    def _expire_markers(self, generation: int) -> None:
        expired = [key for key, (_, gen) in self._markers.items() if gen == generation]
        if not expired or self.snapshot is None:
            return
        for key in expired:
            del self._markers[key]
        with self.app.batch_update():
            self._sync_games()

    # -- navigation ------------------------------------------------------

    class GameChosen(Message):
        def __init__(self, game_pk: int) -> None:
            super().__init__()
            self.game_pk = game_pk

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "games" and event.row_key.value is not None:
            self.post_message(self.GameChosen(int(str(event.row_key.value))))
        elif event.row_key.value is not None:
            self._drill(event.data_table.id, str(event.row_key.value))

    # -- drill-through (enter on a bet, an event, the health panel) ------

    def _drill(self, table_id: str | None, key: str) -> None:
        snapshot = self.snapshot
        if table_id == "value-bets" and snapshot is not None:
            bet = next((b for b in snapshot.value_bets if b.key == key), None)
            if bet is not None and bet.game_pk is not None:
                self.post_message(self.GameChosen(bet.game_pk))
            elif bet is not None:
                self.notify("this bet's event is not matched to an MLB game yet", title="Enter")
        elif table_id == "events":
            target = drill.event_screen(self.ctx, key)
            if isinstance(target, str):
                self.notify(target, title="Enter")
            else:
                self.app.push_screen(target)

    def on_health_panel_source_wanted(self, _message: HealthPanel.SourceWanted) -> None:
        sources = self.snapshot.sources if self.snapshot is not None else ()
        if not sources:
            self.notify("no source was called yet: nothing to show", title="Enter")
            return
        # Loaded on first use: the first frame needs none of the source screens.
        from app.tui.screens.source_errors import SourceErrorsScreen, SourcePickerScreen

        now = self.ctx.clock.now()
        low = self.ctx.settings.quota.low_credits_warning
        choices = [
            (s.source, fmt.source_line(s, now, low, self.ctx.tz, self.ctx.times)) for s in sources
        ]

        def open_source(source: str | None) -> None:
            if source is not None:
                self.app.push_screen(SourceErrorsScreen(self.ctx, source))

        self.app.push_screen(
            SourcePickerScreen(choices, highlighted=drill.worst_source(sources)), open_source
        )

    # -- find, sort, jump, zoom (keys.PANEL_BINDINGS) -----------------------------

    @staticmethod
    def help_keys() -> list[KeyHelp]:
        """The panel keys for the help screen, from their bindings' tooltips."""
        return (
            binding_help(TABLE_BINDINGS, hidden=True)
            + binding_help(PANEL_BINDINGS, hidden=True)
            + binding_help(NAVIGATION, hidden=True)
        )

    def focused_panel(self) -> Widget | None:
        """The panel the operator is on (the find bar counts as its table's)."""
        bar = self.find_bar
        if bar.is_open and bar.target is not None:
            return self.query_one(f"#{bar.target}")
        node = self.focused
        while node is not None and node.id not in PANELS:
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return node

    def focused_table(self) -> KeyedTable | None:
        panel = self.focused_panel()
        return panel if isinstance(panel, KeyedTable) else None

    def action_escape(self) -> None:
        if self.find_bar.is_open:
            self.close_find(clear=True)
        elif self.maximized is not None:
            self.minimize()
        else:
            self.escape_tables()

    def action_panel(self, index: int) -> None:
        """Focus panel ``index`` (``1``-``4``); in a zoom, zoom that one instead."""
        if self.find_bar.is_open:
            self.close_find(clear=False)
        panel = self.query_one(f"#{PANELS[index]}")
        # Now, not after the refresh (``focus()``): a `z` typed right behind the digit
        # zooms this panel.
        self.set_focus(panel)
        if self.maximized is not None and self.maximized is not panel:
            self.maximize(panel, container=False)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        panel = self.focused_panel()
        if panel is not None:
            self.maximize(panel, container=False)
