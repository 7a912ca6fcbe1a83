"""Idle cost of the desk: bytes written to the terminal and CPU time while nothing changes.

Runs the real desk in a pseudo-terminal on a seeded database that does not
change, and counts what it writes over a window after start-up; side by side,
in the same run, a baseline desk that reloads and rebuilds its tables on every
poll (what the old dashboard did). Then one price is changed in the database
and the bytes the change costs are counted. Finally the desk's exit on a
dropped terminal (hang-up) and on SIGTERM is timed.

The header's own cost is measured apart: the same desk on a clock that runs
(the two runs above use a fixed one, so nothing may tick), on data written
just before it starts, over 60 s: the data age steps <15 s → 15 s → 30 s → 1 min
and the clock turns a minute, the worst minute of a still database.

    .venv/bin/python bench/idle.py            # ~2.5 minutes
    .venv/bin/python bench/idle.py --quick    # smoke run
    .venv/bin/python bench/idle.py --record   # also append to bench/RESULTS.md

The child is this same file with ``--child``; only the baseline subclass below
exists for the benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SLATE = "2025-06-14"
# The header run's clock starts here: its data (stamped 19:58:00, the run 19:57:03) is
# then a few seconds old, so the window sees every step of the age under a minute.
HEADER_START = datetime(2025, 6, 14, 19, 58, 5, tzinfo=UTC)
HEADER_WINDOW_S = 60.0
HEADER_BUDGET_BPS = 5.0
BOOKS = ("draftkings", "fanduel", "betmgm", "caesars", "pointsbet")
# (away id, away, home id, home): fifteen real clubs so the table is as full as a real day.
CLUBS = (
    (147, "New York Yankees", 111, "Boston Red Sox"),
    (145, "Chicago White Sox", 141, "Toronto Blue Jays"),
    (119, "Los Angeles Dodgers", 137, "San Francisco Giants"),
    (121, "New York Mets", 143, "Philadelphia Phillies"),
    (112, "Chicago Cubs", 138, "St. Louis Cardinals"),
    (117, "Houston Astros", 140, "Texas Rangers"),
    (136, "Seattle Mariners", 108, "Los Angeles Angels"),
    (110, "Baltimore Orioles", 139, "Tampa Bay Rays"),
    (116, "Detroit Tigers", 114, "Cleveland Guardians"),
    (142, "Minnesota Twins", 118, "Kansas City Royals"),
    (158, "Milwaukee Brewers", 113, "Cincinnati Reds"),
    (134, "Pittsburgh Pirates", 144, "Atlanta Braves"),
    (146, "Miami Marlins", 120, "Washington Nationals"),
    (115, "Colorado Rockies", 109, "Arizona Diamondbacks"),
    (135, "San Diego Padres", 133, "Athletics"),
)


# -- database ------------------------------------------------------------------


def seed(path: Path) -> None:
    """A full slate through the real migrations, then plain SQL rows."""
    from app.storage.database import Database

    async def migrate() -> None:
        async with Database(path):
            pass

    asyncio.run(migrate())
    stamp = "2025-06-14T19:58:00.000Z"
    conn = sqlite3.connect(path)
    with conn:
        for i, (away_id, away, home_id, home) in enumerate(CLUBS):
            pk, event = 800000 + i, f"ev-{i}"
            start = f"2025-06-14T{17 + i % 6:02d}:{(i * 5) % 60:02d}:00.000Z"
            conn.execute(
                "INSERT INTO games (game_pk, official_date, start_time, away_team_id, away_team, "
                "home_team_id, home_team, abstract_state, status_code, status, odds_event_id, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'Preview', 'S', 'Scheduled', ?, ?)",
                (pk, SLATE, start, away_id, away, home_id, home, event, stamp),
            )
            conn.execute(
                "INSERT INTO odds_events (event_id, commence_time, home_team, away_team, "
                "official_date, game_pk, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event, start, home, away, SLATE, pk, stamp),
            )
            for b, book in enumerate(BOOKS):
                for market, outcome, price, point in (
                    ("h2h", away, -120 - b, None),
                    ("h2h", home, 100 + b, None),
                    ("spreads", away, 140 + b, -1.5),
                    ("spreads", home, -160 - b, 1.5),
                    ("totals", "Over", -110 - b, 8.5),
                    ("totals", "Under", -110 + b, 8.5),
                ):
                    conn.execute(
                        "INSERT INTO odds_latest VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (event, book, market, outcome, price, point, book.title(), stamp),
                    )
        conn.execute(
            "INSERT INTO runs (trigger, slate_date, outcome, started_at, finished_at, owner_host, "
            "owner_pid) VALUES ('schedule', ?, 'ok', '2025-06-14T19:57:00.000Z', "
            "'2025-06-14T19:57:03.000Z', 'bench', 1)",
            (SLATE,),
        )
        conn.execute(
            "INSERT INTO source_health (source, circuit_state, latency_ms, updated_at) "
            "VALUES ('odds', 'closed', 210, ?), ('mlb', 'closed', 90, ?)",
            (stamp, stamp),
        )
    conn.close()


def change_one_price(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE odds_latest SET price = -105 WHERE event_id = 'ev-0' AND book = 'draftkings' "
            "AND market = 'h2h' AND outcome = 'New York Yankees'"
        )
    conn.close()


# -- the child: the desk itself -----------------------------------------------------


def run_child(db_path: str, variant: str, poll_s: float) -> None:
    from app.core.clock import Clock, FixedClock
    from app.core.config import load_settings
    from app.pipeline.health import desk_verdict
    from app.storage.database import Database
    from app.storage.read.desk_data import StoredDeskData
    from app.storage.read.models import DashboardSnapshot
    from app.tui import formatting as fmt
    from app.tui.app import PressboxApp
    from app.tui.screens.dashboard import DashboardScreen
    from widgets.keyed_table import KeyedTable, SyncStats

    class RebuildingDashboard(DashboardScreen):
        """The old way: clear and refill every table on every poll."""

        def apply(self, snapshot: DashboardSnapshot) -> SyncStats:
            self.snapshot = snapshot
            games = self.query_one("#games", KeyedTable)
            games.clear()
            for line in snapshot.games:
                games.add_row(*fmt.game_cells(line, self.ctx.tz, {}), key=str(line.game_pk))
            bets = self.query_one("#value-bets", KeyedTable)
            bets.clear()
            events = self.query_one("#events", KeyedTable)
            events.clear()
            for event in snapshot.events:
                events.add_row(fmt.local_hhmm(event.at, self.ctx.tz), event.text, key=event.key)
            self.tick()
            return SyncStats()

    class BaselineApp(PressboxApp):
        """Ignores the change counter: every poll loads and rebuilds."""

        _polls = 0

        def make_dashboard(self) -> DashboardScreen:
            return RebuildingDashboard(self.ctx, self.flags)

        async def poll_version(self) -> int:
            self._polls += 1
            return self._polls

    class RunningClock(Clock):
        """Real seconds from a chosen instant: the header ticks as it would live."""

        def __init__(self, start: datetime) -> None:
            self._start, self._t0 = start, time.monotonic()

        def now(self) -> datetime:
            return self._start + timedelta(seconds=time.monotonic() - self._t0)

    now = datetime(2025, 6, 14, 20, 0, tzinfo=UTC)
    clock = RunningClock(HEADER_START) if variant == "header" else FixedClock(now)
    settings = load_settings(
        dotenv_path=None,
        db={"path": Path(db_path)},
        dashboard={"poll_interval_s": poll_s},
        logging={"dir": Path(db_path).parent / "log"},
    )
    app_class = BaselineApp if variant == "baseline" else PressboxApp
    db = Database(Path(db_path))
    app = app_class(
        settings,
        StoredDeskData(db, verdict=desk_verdict(db, settings, clock)),
        clock=clock,
        watch_terminal=True,
    )
    app.run()


# -- the parent: a pseudo-terminal and a stopwatch -------------------------------------


@dataclass
class Measure:
    variant: str
    startup_bytes: int
    idle_bytes: int
    idle_cpu_s: float
    window_s: float
    change_bytes: int | None = None
    exit_s: float | None = None
    header_bytes: int | None = None  # of idle_bytes, those written on the header's row


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(fd: int, seconds: float, keep: list[bytes] | None = None) -> int:
    """Read (and count) everything the child writes for ``seconds`` (kept in ``keep``)."""
    total = 0
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            total += len(data)
            if keep is not None:
                keep.append(data)
    return total


_CURSOR_TO = re.compile(rb"\x1b\[(\d+);\d+H")


def bytes_on_row(output: bytes, row: int) -> int:
    """The bytes written from a cursor move to ``row`` up to the next cursor move."""
    moves = list(_CURSOR_TO.finditer(output))
    ends = [m.start() for m in moves[1:]] + ([len(output)] if moves else [])
    return sum(end - m.start() for m, end in zip(moves, ends, strict=True) if int(m[1]) == row)


def settle(fd: int, quiet_s: float, limit_s: float) -> int:
    """Drain the start-up render: until the desk has drawn and then kept quiet ``quiet_s``.

    A fixed delay is not enough on a loaded machine: a start-up slower than it lands
    its whole first paint in the measured window.
    """
    total = 0
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        got = drain(fd, quiet_s)
        total += got
        if total and not got:
            break
    return total


def spawn(db: Path, variant: str, poll_s: float, size: tuple[int, int]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        os.execv(
            sys.executable,
            [sys.executable, __file__, "--child", str(db), variant, str(poll_s)],
        )
    cols, rows = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd


def wait_exit(pid: int, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return time.monotonic() - start
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def measure(
    db: Path,
    variant: str,
    *,
    poll_s: float,
    settle_s: float,
    window_s: float,
    size: tuple[int, int],
    change: bool,
    stop: str,
) -> Measure:
    pid, fd = spawn(db, variant, poll_s, size)
    startup = settle(fd, quiet_s=settle_s, limit_s=60.0)
    cpu0 = cpu_seconds(pid)
    written: list[bytes] = []
    idle = drain(fd, window_s, written)
    cpu = cpu_seconds(pid) - cpu0
    result = Measure(variant, startup, idle, cpu, window_s)
    result.header_bytes = bytes_on_row(b"".join(written), 1)
    if change:
        change_one_price(db)
        result.change_bytes = drain(fd, poll_s * 3 + 0.5)
    if stop == "hangup":
        os.close(fd)  # the SSH session drops: the kernel hangs the terminal up
        result.exit_s = wait_exit(pid, 10)
    else:
        os.kill(pid, signal.SIGTERM)
        drain(fd, 0.2)
        result.exit_s = wait_exit(pid, 10)
        os.close(fd)
    return result


def report(results: list[Measure], *, poll_s: float, size: tuple[int, int]) -> str:
    desk = next(r for r in results if r.variant == "desk")
    base = next(r for r in results if r.variant == "baseline")
    header = next((r for r in results if r.variant == "header"), None)
    polls = int(desk.window_s / poll_s)
    ratio = base.idle_bytes / desk.idle_bytes if desk.idle_bytes else float("inf")
    shown_ratio = "∞ (the desk wrote nothing)" if ratio == float("inf") else f"{ratio:.0f}x"
    lines = [
        f"| measure ({size[0]}x{size[1]}, {polls} polls of {poll_s:g} s, "
        f"{datetime.now(UTC):%Y-%m-%d}) | desk | baseline (rebuild every poll) |",
        "|---|---|---|",
        f"| bytes written at start-up | {desk.startup_bytes:,} | {base.startup_bytes:,} |",
        f"| bytes written while idle ({desk.window_s:g} s) | **{desk.idle_bytes:,}** "
        f"| {base.idle_bytes:,} |",
        f"| CPU while idle (s over {desk.window_s:g} s) | **{desk.idle_cpu_s:.2f}** "
        f"| {base.idle_cpu_s:.2f} |",
        f"| bytes for one changed price | **{desk.change_bytes:,}** | — |",
        f"| exit after {'hang-up' if desk.exit_s is not None else '?'} (desk) / SIGTERM "
        f"(baseline), s | {fmt_s(desk.exit_s)} | {fmt_s(base.exit_s)} |",
        "",
        f"Idle bytes ratio baseline ÷ desk: **{shown_ratio}** "
        f"(desk idle bytes = {desk.idle_bytes}).",
    ]
    if header is not None and header.header_bytes is not None:
        rate = header.header_bytes / header.window_s
        verdict = "within" if rate <= HEADER_BUDGET_BPS else "OVER"
        total = header.idle_bytes / header.window_s
        lines += [
            "",
            f"Header on a running clock, still data ({header.window_s:g} s): "
            f"**{header.header_bytes:,} bytes on the header row = {rate:.2f} B/s** ({verdict} "
            f"the {HEADER_BUDGET_BPS:g} B/s budget); the whole desk wrote {header.idle_bytes:,} "
            f"bytes ({total:.2f} B/s, {total / (base.idle_bytes / base.window_s):.5f} of the "
            "baseline's idle rate), the rest being the health panel's relative times.",
        ]
    return "\n".join(lines)


def fmt_s(value: float | None) -> str:
    return "did not exit" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--poll", type=float, default=0.5)
    args = parser.parse_args()
    # Start-up is over once the desk has drawn and kept quiet this long.
    settle, window = (1.5, 4.0) if args.quick else (2.0, 20.0)
    size = (120, 40)
    results = []
    with tempfile.TemporaryDirectory(prefix="pressbox-idle-") as tmp:
        runs = [("desk", "hangup", window), ("baseline", "sigterm", window)]
        if not args.quick:
            runs.append(("header", "sigterm", HEADER_WINDOW_S))
        for variant, stop, span in runs:
            db = Path(tmp) / f"{variant}.db"
            seed(db)
            results.append(
                measure(
                    db,
                    variant,
                    poll_s=args.poll,
                    settle_s=settle,
                    window_s=span,
                    size=size,
                    change=variant == "desk",
                    stop=stop,
                )
            )
    text = report(results, poll_s=args.poll, size=size)
    print(text)
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        run_child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
