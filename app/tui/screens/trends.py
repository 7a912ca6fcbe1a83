"""Trends (`t`): the last day's run durations, per-source latency and retries, quota burn.

Each series is one of Textual's own ``Sparkline`` widgets with its numbers beside it
(min, median, max, last, with the unit). The screen follows the database through the
same change-only poll as the other live screens: while nothing is committed it reads
and paints nothing (a ``Sparkline`` given an equal tuple does not repaint, and every
text goes through ``QuietStatic.show``). The forecast is computed by the loader
(``app.domain.quota_forecast``); this screen only says it.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Sparkline

from app.core.clock import parse_iso
from app.core.sanitize import markup_field
from app.core.timefmt import local_time
from app.storage.read.trends_models import Series, SourceTrend, TrendsReport
from app.tui.context import DeskContext
from app.tui.keys import HELP_AND_QUIT
from app.tui.screens.live import BACK, FREEZE, RELOAD, LiveScreen
from widgets.quiet_static import QuietStatic

WINDOW = timedelta(hours=24)
# (widget id, label): the rows in order; a source's rows are filled from its SourceTrend.
ROWS = (
    ("runs", "run duration"),
    ("mlb-latency", "mlb latency"),
    ("odds-latency", "odds latency"),
    ("mlb-retries", "mlb retries"),
    ("odds-retries", "odds retries"),
    ("credits", "credits/run"),
    ("quota", "credits left"),
)
UNIT_FORMAT = {"s": "{:.1f}", "ms": "{:.0f}", "credits": "{:.0f}"}
NUMBER_WIDTH = 7  # each of min, med, max, last; the unit follows
HEADER = "".join(f"{name:>{NUMBER_WIDTH}}" for name in ("min", "med", "max", "last"))


def number(value: float | None, unit: str) -> str:
    """One figure in at most ``NUMBER_WIDTH`` characters (``19529``, ``1.2``, ``123.4k``)."""
    if value is None:
        return "–"
    text = UNIT_FORMAT.get(unit, "{:.2f}").format(value)
    return text if len(text) < NUMBER_WIDTH else f"{value / 1000:.1f}k"


def numbers(series: Series) -> str:
    """``    1.2    1.5    3.1    1.4 s`` under the header, or what is missing."""
    if not series.values:
        return "[dim]  no data in the last 24 h[/]"
    if series.unit == "retries":
        total, calls = sum(series.values), len(series.values)
        return f"  {total:.0f} in {calls} calls · max {series.high:.0f} · last {series.last:.0f}"
    unit = series.unit
    figures = [number(v, unit) for v in (series.low, series.median, series.high)]
    cells = "".join(f"{figure:>{NUMBER_WIDTH}}" for figure in figures)
    return f"{cells}[b]{number(series.last, unit):>{NUMBER_WIDTH}}[/] {unit}"


class TrendsScreen(LiveScreen[TrendsReport]):
    BINDINGS = [BACK, RELOAD, FREEZE, *HELP_AND_QUIT]
    TITLE_ID = "trends-title"
    HELP_TITLE = "Trends"
    DEFAULT_CSS = """
    TrendsScreen #trends-title { padding: 0 1; background: $panel; height: auto; }
    TrendsScreen #trends-body { height: 1fr; padding: 0 1; }
    TrendsScreen .trend-row { height: 1; margin-top: 1; }
    TrendsScreen .trend-label { width: 14; }
    TrendsScreen .trend-numbers { width: 37; }
    TrendsScreen #trends-header { height: 1; }
    TrendsScreen Sparkline, TrendsScreen #trends-axis { width: 1fr; height: 1; }
    TrendsScreen .trend-note { height: auto; margin-top: 1; }
    """

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx, id="trends")

    def loading_title(self) -> str:
        return "Trends"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="trends-body"):
            with Horizontal(classes="trend-row", id="trends-header"):
                yield QuietStatic("", classes="trend-label")
                yield QuietStatic("[dim]oldest … newest[/]", id="trends-axis")
                yield QuietStatic(f"[dim]{HEADER}[/]", classes="trend-numbers")
            for key, label in ROWS:
                with Horizontal(classes="trend-row", id=f"row-{key}"):
                    yield QuietStatic(label, classes="trend-label")
                    yield Sparkline((), id=f"spark-{key}")
                    yield QuietStatic("", id=f"numbers-{key}", classes="trend-numbers")
            yield QuietStatic("", id="trends-breakers", classes="trend-note")
            yield QuietStatic("", id="trends-forecast", classes="trend-note")

    def on_mount(self) -> None:
        self.show_title("Trends: the last 24 h")
        super().on_mount()

    async def fetch(self) -> TrendsReport:
        now = self.ctx.clock.now()
        return await self.ctx.data.trends(
            since=now - WINDOW,
            now=now,
            reserve_credits=self.ctx.settings.quota.reserve_credits,
        )

    def present(self, data: TrendsReport) -> None:
        sources = {trend.source: trend for trend in data.sources}
        series: dict[str, Series] = {"runs": data.run_durations, "credits": data.credits}
        series["quota"] = data.quota_left
        for source, trend in sources.items():
            series[f"{source}-latency"] = trend.latency
            series[f"{source}-retries"] = trend.retries
        for key, _label in ROWS:
            shown = series.get(key)
            if shown is None:
                continue
            spark = self.query_one(f"#spark-{key}", Sparkline)
            spark.data = shown.values
            spark.visible = bool(shown.values)  # no flat line drawn for no data
            self.query_one(f"#numbers-{key}", QuietStatic).show(numbers(shown))
        breakers = " · ".join(self._breaker(trend) for trend in data.sources)
        if any(t.latency_measured == "stages" and t.latency.values for t in data.sources):
            breakers += "\n[dim]latency: stage durations (no call history yet)[/]"
        self.query_one("#trends-breakers", QuietStatic).show(breakers)
        self.query_one("#trends-forecast", QuietStatic).show(self._forecast(data))
        runs = "1 run" if data.runs == 1 else f"{data.runs} runs"
        self.show_title(f"Trends: the last 24 h, {runs}")

    def _breaker(self, trend: SourceTrend) -> str:
        state = markup_field(trend.circuit_state, 20)
        style = {"open": "red", "half_open": "yellow"}.get(trend.circuit_state, "green")
        text = f"{markup_field(trend.source, 20)} breaker [{style}]{state}[/]"
        if trend.last_opened_at is not None:
            last = local_time(parse_iso(trend.last_opened_at), self.ctx.tz)
            text += f", opened {trend.openings}× (last {last})"
        if trend.consecutive_failures:
            text += f" ({trend.consecutive_failures} failures in a row)"
        return text

    def _forecast(self, data: TrendsReport) -> str:
        forecast = data.forecast
        if forecast is None:
            return "Odds quota: no credits read yet (the first odds call reads them)"
        style = "red" if forecast.days_left is not None and forecast.days_left < 1 else "b"
        return (
            f"Odds quota: {forecast.remaining} credits left, reserve {forecast.reserve}; "
            f"[{style}]{forecast.sentence()}[/]"
        )
